using DriftJobs.Testing;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace DriftJobs.InferenceLogger.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class FileNameTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task An_existing_blob_is_never_overwritten_the_file_takes_the_next_sequence_number()
    {
        var container = await azurite.CreateContainerAsync();
        const string Taken = "inference-logs/year=2025/month=04/day=01/hour=12/fraud-v1-test-pod-20250401T120000-000001.parquet";
        await container.GetBlobClient(Taken).UploadAsync(BinaryData.FromString("someone else's file"));
        var logs = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logs)));
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 4, 1, 12, 0, 0, TimeSpan.Zero));

        await using (var logger = TestRecords.Builder(container).WithTimeProvider(time).WithLoggerFactory(loggerFactory).Build())
        {
            for (var i = 0; i < 3; i++)
            {
                Assert.True(logger.TryLog(TestRecords.Record(i)));
            }
        }

        Assert.Equal("someone else's file", (await container.GetBlobClient(Taken).DownloadContentAsync()).Value.Content.ToString());
        var name = Assert.Single(await LogFiles.ListAsync(container), n => n != Taken);
        Assert.Equal(Taken.Replace("-000001.parquet", "-000002.parquet", StringComparison.Ordinal), name);
        var ours = await LogFiles.ReadAsync(name, (await container.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToArray());
        Assert.Equal(3, ours.Rows.Count);
        Assert.Contains(logs.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.Contains(Taken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_retried_upload_of_the_same_content_is_recognised_and_a_different_one_is_refused()
    {
        var container = await azurite.CreateContainerAsync();
        var uploader = new LogFileUploader(container);
        byte[] ours = [1, 2, 3, 4];
        byte[] theirs = [9, 9, 9];

        Assert.Equal(UploadOutcome.Created, await uploader.UploadAsync("x/a.parquet", ours, LogFileUploader.ContentHash(ours)));
        Assert.Equal(UploadOutcome.AlreadyPresent, await uploader.UploadAsync("x/a.parquet", ours, LogFileUploader.ContentHash(ours)));
        Assert.Equal(UploadOutcome.NameTaken, await uploader.UploadAsync("x/a.parquet", theirs, LogFileUploader.ContentHash(theirs)));

        var blob = container.GetBlobClient("x/a.parquet");
        Assert.Equal(ours, (await blob.DownloadContentAsync()).Value.Content.ToArray());
        BlobProperties properties = await blob.GetPropertiesAsync();
        Assert.Equal("application/vnd.apache.parquet", properties.ContentType);
    }

    [Theory]
    [InlineData("inference-logs", true)]
    [InlineData("logs/prod/inference", true)]
    [InlineData("env=prod/logs", true)]
    [InlineData("", false)]
    [InlineData("/logs", false)]
    [InlineData("logs/", false)]
    [InlineData("logs//x", false)]
    [InlineData("logs/../x", false)]
    [InlineData("./logs", false)]
    [InlineData("logs x", false)]
    [InlineData("logs\\x", false)]
    public void Logs_root_must_be_plain_path_segments(string root, bool valid) =>
        Assert.Equal(valid, LogFileNames.IsValidRoot(root));

    [Fact]
    public void The_default_instance_id_is_a_valid_name_segment() =>
        Assert.True(LogFileNames.IsValidSegment(LogFileNames.DefaultInstanceId()));
}
