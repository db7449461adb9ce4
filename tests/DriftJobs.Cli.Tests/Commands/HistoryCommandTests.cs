using Azure.Storage.Blobs;
using DriftJobs.Cli.Tests.Fakes;
using DriftJobs.Core.Reports;
using DriftJobs.Core.Reports.History;
using DriftJobs.Storage;
using DriftJobs.Testing;

namespace DriftJobs.Cli.Tests.Commands;

/// <summary>driftctl history against Azurite, over history days written as the detector writes them.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class HistoryCommandTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset End = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private Task<(int Code, string Output, string Error)> DriftCtlAsync(BlobContainerClient container, params string[] args) =>
        StorageCli.RunAsync(azurite, container, args);

    /// <summary>A window whose x has PSI <paramref name="psi"/> (drifted from 0.2) and whose c never moves.</summary>
    private static DriftHistoryEntry Entry(DateTimeOffset end, double psi) => new()
    {
        WindowEnd = end,
        Status = ReportStatus.Ok,
        DriftScore = psi >= 0.2 ? 0.5 : 0,
        Samples = 400,
        Psi = [psi, 0.001],
        KsD = [psi / 2, null],
        PAdjusted = [0.01, 0.9],
        Severity = [psi >= 0.2 ? 2 : 0, 0],
        Drifted = [psi >= 0.2, false],
    };

    /// <summary>The 24 windows up to <see cref="End"/> over two days: x's PSI creeping up by 0.005 an hour, then 0.3, 0.35, 0.4 (drifted).</summary>
    private async Task<BlobContainerClient> ContainerWithHistoryAsync()
    {
        var container = await azurite.CreateContainerAsync();
        var ends = Enumerable.Range(0, 24).Select(i => End.AddHours(i - 23)).ToList();
        foreach (var day in ends.GroupBy(DriftHistory.DayOf))
        {
            var document = new DriftHistoryDay
            {
                SchemaVersion = DriftHistoryDay.CurrentSchemaVersion,
                ModelName = "m",
                ModelVersion = "1",
                Day = day.Key,
                Features = ["x", "c"],
                Entries = [.. day.Select(e => 23 - (int)(End - e).TotalHours is var i && i < 21 ? Entry(e, 0.005 * i) : Entry(e, 0.3 + (0.05 * (i - 21))))],
            };
            await container.GetBlobClient(StorageLayout.HistoryBlobName("m", "1", day.Key)).UploadAsync(new BinaryData(DriftHistoryJson.Serialize(document)));
        }

        return container;
    }

    [Fact]
    public async Task History_prints_a_psi_sparkline_per_feature_and_the_drift_score()
    {
        var container = await ContainerWithHistoryAsync();

        var (code, output, error) = await DriftCtlAsync(container, "history", "--model", "m", "--version", "1", "--hours", "24");

        Assert.True(code == 0, error);
        var lines = output.TrimEnd().Split('\n');
        Assert.StartsWith("m 1: 24 hours to 2026-11-20 12:00Z, 24 windows recorded. Each mark: one hour;", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^DRIFT SCORE  ▁{21}▅{3}  last 50\.0%, max 50\.0%$", lines[1]);
        Assert.StartsWith("FEATURE", lines[2], StringComparison.Ordinal);
        // x first (it drifted), its PSI rising to the top of the scale; c flat at the bottom.
        Assert.Matches(@"^x {10}  ▁[▁▂▃]{20}▆▇█    0\.4000  3$", lines[3]);
        Assert.Matches(@"^c {10}  ▁{24}    0\.0010  0$", lines[4]);

        // A week of it: two days hold only 24 windows; every mark is 3 hours, '·' where none was recorded.
        (code, output, _) = await DriftCtlAsync(container, "history", "--model-name", "m", "--model-version", "1");
        Assert.Equal(0, code);
        Assert.Contains("168 hours to 2026-11-20 12:00Z, 24 windows recorded. Each mark: 3 hours, the largest value", output, StringComparison.Ordinal);
        Assert.Matches(@"\nx {10}  ·{48}[▁▂▃]{7}█  ", output);
    }

    [Fact]
    public async Task History_names_what_is_missing_or_unreadable()
    {
        var container = await ContainerWithHistoryAsync();

        var noReport = await DriftCtlAsync(container, "history", "--model", "other");
        Assert.Equal(ExitCodes.NoReport, noReport.Code);
        Assert.Contains("drift-reports/other/latest.json", noReport.Error, StringComparison.Ordinal);

        var noHistory = await DriftCtlAsync(container, "history", "--model", "m", "--version", "2");
        Assert.Equal(ExitCodes.NoReport, noHistory.Code);
        Assert.Contains("no history for m 2", noHistory.Error, StringComparison.Ordinal);

        Assert.Equal(ExitCodes.Usage, (await DriftCtlAsync(container, "history", "--model", "m", "--version", "1", "--hours", "0")).Code);
        Assert.Equal(ExitCodes.Usage, (await DriftCtlAsync(container, "history", "--model", "m/x", "--version", "1")).Code);

        // Another model's day under this one's name is refused, not read as this model's.
        var newest = container.GetBlobClient(StorageLayout.HistoryBlobName("m", "1", End));
        var original = (await newest.DownloadContentAsync()).Value.Content;
        await newest.UploadAsync(BinaryData.FromString(original.ToString().Replace("\"model_name\":\"m\"", "\"model_name\":\"n\"", StringComparison.Ordinal)), overwrite: true);
        var misplaced = await DriftCtlAsync(container, "history", "--model", "m", "--version", "1");
        Assert.Equal(ExitCodes.Failure, misplaced.Code);
        Assert.Contains($"{container.Name}/{newest.Name}: it holds n 1 on 2026-11-20", misplaced.Error, StringComparison.Ordinal);
        await newest.UploadAsync(original, overwrite: true);

        var name = StorageLayout.HistoryBlobName("m", "1", End.AddDays(-1));
        await container.GetBlobClient(name).UploadAsync(BinaryData.FromString("{\"schema_version\":9}"), overwrite: true);
        var corrupt = await DriftCtlAsync(container, "history", "--model", "m", "--version", "1");
        Assert.Equal(ExitCodes.Failure, corrupt.Code);
        Assert.Contains($"{container.Name}/{name}: schema_version 9 is not supported", corrupt.Error, StringComparison.Ordinal);
    }
}
