using DriftJobs.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace DriftJobs.InferenceLogger.Tests;

/// <summary>What the logger writes to the gateway's log during an outage.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class DiagnosticsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task An_outage_logs_its_exception_once_then_one_short_line_per_failed_upload_and_a_line_when_storage_is_back()
    {
        var (container, fault) = await FaultyStorage.CreateAsync(azurite.Azurite);
        var logs = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logs)).SetMinimumLevel(LogLevel.Debug));
        await using var logger = TestRecords.Builder(container, o =>
        {
            o.BatchSize = 100;
            o.MinRetryDelay = TimeSpan.FromMilliseconds(50);
            o.MaxRetryDelay = TimeSpan.FromMilliseconds(200);
        }).WithLoggerFactory(loggerFactory).Build();

        fault.Failing = true;
        for (var i = 0; i < 100; i++)
        {
            Assert.True(logger.TryLog(TestRecords.Record(i)));
        }

        await Eventually.TrueAsync(() => logger.GetCounters().UploadFailures >= 4, "several failed uploads");
        fault.Failing = false;
        await Eventually.TrueAsync(() => logger.GetCounters().Written == 100, "the records after the outage");
        var records = logs.GetSnapshot().ToList();

        var failures = records.Where(r => r.Id.Name == "UploadFailed").ToList();
        Assert.True(failures.Count >= 4);
        Assert.All(failures, r =>
        {
            Assert.Null(r.Exception);
            Assert.Matches(@"^Uploading inference-logs/\S+\.parquet \(100 records\) failed: IOException: Storage unavailable \(injected by StorageFaultPolicy\)\. \(2 tries\); next attempt in ", r.Message);
            Assert.True(r.Message.Length < 300, r.Message);
        });

        var withException = Assert.Single(records, r => r.Exception is not null);
        Assert.Equal("StorageUnavailable", withException.Id.Name);
        Assert.StartsWith("Blob storage unavailable (IOException: Storage unavailable", withException.Message, StringComparison.Ordinal);

        var back = Assert.Single(records, r => r.Id.Name == "StorageAvailable");
        Assert.Matches($@"^Blob storage available again after \S+: {failures.Count} uploads failed and 0 records were spilled during the outage", back.Message);
        Assert.True(records.IndexOf(back) > records.IndexOf(failures[^1]));
    }
}
