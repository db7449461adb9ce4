using Azure.Storage.Blobs;
using DriftJobs.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DriftJobs.InferenceLogger.Tests;

/// <summary>Storage going away for a while: a real Azurite stopped and restarted on the same port, or a failing pipeline.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class OutageTests(AzuriteFixture azurite)
{
    private static void ShortBackoff(InferenceLoggerOptions o)
    {
        o.BatchSize = 100;
        o.FlushInterval = TimeSpan.FromMilliseconds(100);
        o.MinRetryDelay = TimeSpan.FromMilliseconds(50);
        o.MaxRetryDelay = TimeSpan.FromMilliseconds(400);
    }

    [Fact]
    public async Task Records_accepted_while_storage_fails_are_kept_in_memory_and_written_when_it_returns()
    {
        var (container, fault) = await FaultyStorage.CreateAsync(azurite.Azurite);
        await using var logger = TestRecords.Builder(container, ShortBackoff).Build();

        for (var i = 0; i < 250; i++)
        {
            Assert.True(logger.TryLog(TestRecords.Record(i)));
        }

        await Eventually.TrueAsync(() => logger.Counters.RecordsWritten == 250, "the records before the outage");

        fault.Failing = true;
        for (var i = 250; i < 750; i++)
        {
            Assert.True(logger.TryLog(TestRecords.Record(i)));
        }

        // Several rounds of the logger's own backoff, each after the SDK's retries.
        await Eventually.TrueAsync(() => logger.Counters.UploadFailures >= 3, "failed uploads during the outage");
        Assert.Equal(250, logger.Counters.RecordsWritten);
        Assert.Equal(500, logger.BufferDepth);

        fault.Failing = false;
        await Eventually.TrueAsync(() => logger.Counters.RecordsWritten == 750, "the records kept through the outage");

        await AssertExactlyAsync(container, Enumerable.Range(0, 750));
        Assert.Equal(0, logger.Counters.RecordsLost);
    }

    [Fact]
    public async Task Records_accepted_while_Azurite_is_stopped_reach_blob_after_it_restarts_even_from_a_restarted_process()
    {
        await using var storage = await AzuriteInstance.StartAsync(persistent: true);
        var container = await storage.CreateContainerAsync(FaultyStorage.QuickRetries());
        using var spill = TempDirectory.Create("logger-spill-");

        await storage.StopAsync();

        // One process keeps its records in memory through the outage...
        await using var keeping = TestRecords.Builder(container, o =>
        {
            ShortBackoff(o);
            o.InstanceId = "pod-b";
        }).Build();
        for (var i = 0; i < 200; i++)
        {
            Assert.True(keeping.TryLog(TestRecords.Record(i)));
        }

        // ...another spills them and stops before storage returns.
        var first = TestRecords.Builder(container, o =>
        {
            ShortBackoff(o);
            o.InstanceId = "pod-a";
            o.SpillDirectory = spill.FullName;
            o.ShutdownTimeout = TimeSpan.FromSeconds(5);
        }).Build();
        for (var i = 1_000; i < 1_300; i++)
        {
            Assert.True(first.TryLog(TestRecords.Record(i)));
        }

        await first.DisposeAsync();
        Assert.Equal(300, first.Counters.RecordsSpilled);
        Assert.Equal(0, first.Counters.RecordsLost);
        Assert.Equal(0, first.Counters.RecordsWritten);
        var spilled = Directory.GetFiles(spill.FullName, "*.parquet", SearchOption.AllDirectories);
        Assert.NotEmpty(spilled);
        Assert.All(spilled, f => Assert.Contains($"{Path.DirectorySeparatorChar}inference-logs{Path.DirectorySeparatorChar}year=", f, StringComparison.Ordinal));
        Assert.True(keeping.Counters.UploadFailures > 0);
        Assert.Equal(200, keeping.BufferDepth);

        await storage.RestartAsync();

        // Azurite saves its metadata on SIGTERM and AzuriteInstance.StopAsync kills it only after that save, so the
        // container should still be there; were Azurite to lose it, that would be Azurite's loss, not the logger's.
        await container.CreateIfNotExistsAsync();

        // A new process with the same spill directory uploads what the first one left.
        await using (var second = TestRecords.Builder(container, o =>
        {
            ShortBackoff(o);
            o.InstanceId = "pod-a";
            o.SpillDirectory = spill.FullName;
        }).Build())
        {
            for (var i = 1_300; i < 1_350; i++)
            {
                Assert.True(second.TryLog(TestRecords.Record(i)));
            }

            // The first process's 300 are replayed by this one, not written by it: only its own 50 are.
            await Eventually.TrueAsync(() => second.GetCounters() is { Written: 50, Replayed: 300 }, "the spilled and the new records");
        }

        await Eventually.TrueAsync(() => keeping.Counters.RecordsWritten == 200, "the records kept in memory");
        await AssertExactlyAsync(container, Enumerable.Range(0, 200).Concat(Enumerable.Range(1_000, 350)));
        Assert.Empty(Directory.GetFileSystemEntries(spill.FullName));
    }

    [Fact]
    public async Task With_the_recommended_registration_and_default_settings_spilling_starts_within_seconds_of_Azurite_stopping()
    {
        await using var storage = await AzuriteInstance.StartAsync(persistent: true);
        await storage.CreateServiceClient().GetBlobContainerClient("drift").CreateAsync();
        using var spill = TempDirectory.Create("logger-spill-");

        // The README's registration: nothing but the schema and the spill directory changed from the defaults.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddInferenceLogger(storage.ConnectionString, "drift", o =>
        {
            TestRecords.Schema(o);
            o.SpillDirectory = spill.FullName;
        });
        using var host = builder.Build();
        await host.StartAsync();
        var logger = host.Services.GetRequiredService<BlobInferenceLogger>();

        await storage.StopAsync();
        var outage = System.Diagnostics.Stopwatch.StartNew();

        // One default batch (10,000 records) is due at once; the default flush interval would add up to 30 s.
        for (var i = 0; i < 10_000; i++)
        {
            Assert.True(logger.TryLog(TestRecords.Record(i)));
        }

        await Eventually.TrueAsync(() => logger.Counters.RecordsSpilled == 10_000, "the batch spilled within 5 s", TimeSpan.FromSeconds(5));
        Assert.Equal(0, logger.BufferDepth);
        Assert.True(outage.Elapsed < TimeSpan.FromSeconds(5), $"spilled after {outage.Elapsed}");
        await host.StopAsync();
    }

    [Fact]
    public async Task With_the_SDKs_default_retries_the_upload_timeout_starts_spilling_within_seconds_of_an_outage()
    {
        // A client as a gateway builds it, the SDK's default retry policy included: a refused connection is retried
        // for ~25 s, during which the old loop held the batch and spilled nothing.
        await using var storage = await AzuriteInstance.StartAsync(persistent: true);
        var container = new BlobContainerClient(storage.ConnectionString, "logs");
        await container.CreateAsync();
        using var spill = TempDirectory.Create("logger-spill-");

        await using var logger = TestRecords.Builder(container, o =>
        {
            o.BatchSize = 100;
            o.SpillDirectory = spill.FullName;
            o.UploadTimeout = TimeSpan.FromSeconds(2);
        }).Build();

        await storage.StopAsync();
        var outage = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 100; i++)
        {
            Assert.True(logger.TryLog(TestRecords.Record(i)));
        }

        await Eventually.TrueAsync(() => logger.Counters.RecordsSpilled == 100, "the batch spilled", TimeSpan.FromSeconds(10));
        Assert.Equal(0, logger.BufferDepth);
        Assert.True(outage.Elapsed < TimeSpan.FromSeconds(10), $"spilled after {outage.Elapsed}");
    }

    [Fact]
    public async Task A_spilled_backlog_drains_within_seconds_of_storage_returning_however_long_the_backoff()
    {
        await using var storage = await AzuriteInstance.StartAsync(persistent: true);
        var container = await storage.CreateContainerAsync(FaultyStorage.QuickRetries());
        using var spill = TempDirectory.Create("logger-spill-");

        // After one failure the next upload is 16-24 s away: only a probe can notice storage's return sooner.
        await using var logger = TestRecords.Builder(container, o =>
        {
            o.BatchSize = 100;
            o.SpillDirectory = spill.FullName;
            o.MinRetryDelay = TimeSpan.FromSeconds(20);
            o.MaxRetryDelay = TimeSpan.FromSeconds(20);
        }).Build();

        await storage.StopAsync();
        for (var i = 0; i < 100; i++)
        {
            Assert.True(logger.TryLog(TestRecords.Record(i)));
        }

        await Eventually.TrueAsync(() => logger.Counters.RecordsSpilled == 100, "the batch spilled");
        await storage.RestartAsync();
        await container.CreateIfNotExistsAsync();

        await Eventually.TrueAsync(() => Directory.GetFiles(spill.FullName, "*", SearchOption.AllDirectories).Length == 0, "the spill directory drained", TimeSpan.FromSeconds(8));
        await AssertExactlyAsync(container, Enumerable.Range(0, 100));
    }

    [Fact]
    public async Task With_a_spill_directory_a_failing_store_loses_nothing_and_memory_is_freed_at_once()
    {
        var (container, fault) = await FaultyStorage.CreateAsync(azurite.Azurite);
        using var spill = TempDirectory.Create("logger-spill-");

        await using var logger = TestRecords.Builder(container, o =>
        {
            ShortBackoff(o);
            o.SpillDirectory = spill.FullName;
        }).Build();

        fault.Failing = true;
        for (var i = 0; i < 500; i++)
        {
            Assert.True(logger.TryLog(TestRecords.Record(i)));
        }

        await Eventually.TrueAsync(() => logger.Counters.RecordsSpilled == 500, "every batch spilled");
        Assert.Equal(0, logger.BufferDepth);

        fault.Failing = false;
        await Eventually.TrueAsync(() => logger.Counters.RecordsWritten == 500, "spilled files uploaded when storage returns");
        await AssertExactlyAsync(container, Enumerable.Range(0, 500));
        await Eventually.TrueAsync(() => Directory.GetFileSystemEntries(spill.FullName).Length == 0, "an empty spill directory");
    }

    [Fact]
    public async Task A_full_spill_directory_keeps_records_in_memory_instead()
    {
        var (container, fault) = await FaultyStorage.CreateAsync(azurite.Azurite);
        using var spill = TempDirectory.Create("logger-spill-");

        await using var logger = TestRecords.Builder(container, o =>
        {
            ShortBackoff(o);
            o.SpillDirectory = spill.FullName;
            o.SpillDirectoryMaxBytes = 100;
        }).Build();

        fault.Failing = true;
        for (var i = 0; i < 300; i++)
        {
            Assert.True(logger.TryLog(TestRecords.Record(i)));
        }

        await Eventually.TrueAsync(() => logger.Counters.UploadFailures >= 3, "failed uploads");
        Assert.Equal(0, logger.Counters.RecordsSpilled);
        Assert.Empty(Directory.GetFiles(spill.FullName, "*", SearchOption.AllDirectories));
        Assert.Equal(300, logger.BufferDepth);

        fault.Failing = false;
        await Eventually.TrueAsync(() => logger.Counters.RecordsWritten == 300, "the records kept in memory");
        await AssertExactlyAsync(container, Enumerable.Range(0, 300));
    }

    [Fact]
    public async Task Without_a_spill_directory_what_is_still_unwritten_at_the_shutdown_timeout_is_counted_lost()
    {
        var (container, fault) = await FaultyStorage.CreateAsync(azurite.Azurite);
        fault.Failing = true;
        var logger = TestRecords.Builder(container, o =>
        {
            ShortBackoff(o);
            o.ShutdownTimeout = TimeSpan.FromMilliseconds(500);
        }).Build();
        for (var i = 0; i < 250; i++)
        {
            Assert.True(logger.TryLog(TestRecords.Record(i)));
        }

        var stopping = System.Diagnostics.Stopwatch.StartNew();
        await logger.DisposeAsync();

        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"stopping took {stopping.Elapsed}");
        Assert.Equal(250, logger.Counters.RecordsLost);
        Assert.Equal(0, logger.BufferDepth);
        fault.Failing = false;
        Assert.Empty(await LogFiles.ListAsync(container));
    }

    private static async Task AssertExactlyAsync(BlobContainerClient container, IEnumerable<int> indices)
    {
        var rows = (await LogFiles.ReadAllAsync(container)).SelectMany(f => f.Rows).ToList();
        Assert.Equal(indices.Select(TestRecords.RequestId).Order(StringComparer.Ordinal), rows.Select(r => (string)r["request_id"]!).Order(StringComparer.Ordinal));
        foreach (var row in rows)
        {
            var expected = TestRecords.Record(TestRecords.IndexOf((string)row["request_id"]!));
            Assert.Equal(expected.Features["age"].Number, row["age"]);
            Assert.Equal(expected.Features["country"].Text, row["country"]);
        }
    }
}
