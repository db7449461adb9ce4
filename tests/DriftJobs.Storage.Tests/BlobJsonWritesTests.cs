using System.Text.Json;
using Azure.Storage.Blobs;
using DriftJobs.Storage.Blobs;
using DriftJobs.Testing;

namespace DriftJobs.Storage.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class BlobJsonWritesTests(AzuriteFixture azurite)
{
    private const string Latest = "drift-reports/fraud/latest.json";
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_create_only_upload_refuses_to_replace_and_leaves_the_blob_unchanged()
    {
        var container = await azurite.CreateContainerAsync();
        const string name = "baselines/fraud/v1/baseline.json";
        await BlobJsonWrites.UploadAsync(container, name, BinaryData.FromString("""{"first":true}"""));

        var error = await Assert.ThrowsAsync<BlobAlreadyExistsException>(
            () => BlobJsonWrites.UploadAsync(container, name, BinaryData.FromString("""{"second":true}""")));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
        Assert.Equal(name, error.BlobName);
        Assert.Equal("""{"first":true}""", await Content(container, name));
    }

    [Fact]
    public async Task Overwrite_replaces_when_asked()
    {
        var container = await azurite.CreateContainerAsync();
        const string name = "baselines/fraud/v1/baseline.json";
        await BlobJsonWrites.UploadAsync(container, name, BinaryData.FromString("""{"first":true}"""));

        await BlobJsonWrites.UploadAsync(container, name, BinaryData.FromString("""{"second":true}"""), overwrite: true);

        Assert.Equal("""{"second":true}""", await Content(container, name));
        var properties = await container.GetBlobClient(name).GetPropertiesAsync();
        Assert.Equal("application/json", properties.Value.ContentType);
    }

    [Fact]
    public async Task Of_two_concurrent_create_only_uploads_exactly_one_wins()
    {
        var container = await azurite.CreateContainerAsync();
        var attempts = Enumerable.Range(0, 4).Select(i => Attempt(i)).ToArray();
        var outcomes = await Task.WhenAll(attempts);

        Assert.Equal(1, outcomes.Count(won => won));

        async Task<bool> Attempt(int i)
        {
            try
            {
                await BlobJsonWrites.UploadAsync(container, "x.json", BinaryData.FromString($$"""{"writer":{{i}}}"""));
                return true;
            }
            catch (BlobAlreadyExistsException)
            {
                return false;
            }
        }
    }

    [Fact]
    public async Task Latest_is_created_then_only_moves_forward()
    {
        var container = await azurite.CreateContainerAsync();

        var created = await BlobJsonWrites.UpdateLatestAsync(container, Latest, Report(T0), WindowEnd);
        var forward = await BlobJsonWrites.UpdateLatestAsync(container, Latest, Report(T0.AddHours(2)), WindowEnd);
        var backfill = await BlobJsonWrites.UpdateLatestAsync(container, Latest, Report(T0.AddHours(1)), WindowEnd);
        var rerun = await BlobJsonWrites.UpdateLatestAsync(container, Latest, Report(T0.AddHours(2), "rerun"), WindowEnd);

        Assert.Equal(new LatestUpdate(LatestUpdateOutcome.Created, null), created);
        Assert.Equal(new LatestUpdate(LatestUpdateOutcome.Replaced, T0), forward);
        Assert.Equal(new LatestUpdate(LatestUpdateOutcome.KeptExisting, T0.AddHours(2)), backfill);
        Assert.Equal(LatestUpdateOutcome.Replaced, rerun.Outcome);
        Assert.Equal(Report(T0.AddHours(2), "rerun").ToString(), await Content(container, Latest));
        var identical = await BlobJsonWrites.UpdateLatestAsync(container, Latest, Report(T0.AddHours(2), "rerun"), WindowEnd);
        Assert.Equal(LatestUpdateOutcome.KeptExisting, identical.Outcome);
    }

    [Fact]
    public async Task An_unreadable_latest_is_replaced()
    {
        var container = await azurite.CreateContainerAsync();
        await container.UploadBlobAsync(Latest, BinaryData.FromString("not json"));

        var update = await BlobJsonWrites.UpdateLatestAsync(container, Latest, Report(T0), WindowEnd);

        Assert.Equal(LatestUpdateOutcome.Replaced, update.Outcome);
        Assert.Equal(Report(T0).ToString(), await Content(container, Latest));
    }

    [Fact]
    public async Task A_new_document_without_a_window_end_is_rejected() =>
        await Assert.ThrowsAsync<ArgumentException>(async () =>
            await BlobJsonWrites.UpdateLatestAsync(await azurite.CreateContainerAsync(), Latest, BinaryData.FromString("{}"), WindowEnd));

    [Fact]
    public async Task Racing_writers_of_different_windows_always_leave_the_newest()
    {
        // Each round starts every writer at once; whichever order the reads and writes interleave in, the
        // conditional writes must leave the newest window (a late backfill never wins).
        for (var round = 0; round < 8; round++)
        {
            var container = await azurite.CreateContainerAsync();
            var writers = round % 2 == 0 ? 2 : 4;
            var windows = Enumerable.Range(0, writers).Select(i => T0.AddHours(i)).ToArray();
            if (round % 4 == 1)
            {
                // Sometimes an older report is already there.
                await BlobJsonWrites.UpdateLatestAsync(container, Latest, Report(T0.AddHours(-1)), WindowEnd);
            }

            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var tasks = windows.Reverse().Select(async window =>
            {
                await start.Task;
                return await BlobJsonWrites.UpdateLatestAsync(container, Latest, Report(window), WindowEnd);
            }).ToArray();
            start.SetResult();
            var outcomes = await Task.WhenAll(tasks);

            Assert.Equal(Report(windows[^1]).ToString(), await Content(container, Latest));
            Assert.Contains(outcomes, o => o.Outcome is LatestUpdateOutcome.Created or LatestUpdateOutcome.Replaced);
        }
    }

    private static BinaryData Report(DateTimeOffset windowEnd, string note = "") =>
        BinaryData.FromString(JsonSerializer.Serialize(new { windowEnd, note }));

    private static DateTimeOffset? WindowEnd(BinaryData json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.TryGetProperty("windowEnd", out var end) ? end.GetDateTimeOffset() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<string> Content(BlobContainerClient container, string name) =>
        (await container.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToString();
}
