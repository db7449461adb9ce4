using System.Diagnostics.Metrics;
using DriftJobs.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace DriftJobs.InferenceLogger.Tests;

/// <summary>The public snapshot of the logger's counts (<see cref="BlobInferenceLogger.GetCounters"/>).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class CountersTests(AzuriteFixture azurite)
{
    private static void Quick(InferenceLoggerOptions o)
    {
        TestRecords.Quick(o);
        o.InstanceId = "pod-a";
    }

    [Fact]
    public async Task The_snapshot_counts_this_processs_records_as_written_and_an_earlier_processs_spill_as_replayed()
    {
        var (container, fault) = await FaultyStorage.CreateAsync(azurite.Azurite);
        using var spill = TempDirectory.Create("logger-spill-");

        // An earlier process spills 150 records (two files) during an outage and stops.
        fault.Failing = true;
        var earlier = TestRecords.Builder(container, o =>
        {
            Quick(o);
            o.SpillDirectory = spill.FullName;
        }).Build();
        for (var i = 0; i < 150; i++)
        {
            Assert.True(earlier.TryLog(TestRecords.Record(i)));
        }

        await earlier.DisposeAsync();
        var before = earlier.GetCounters();
        Assert.Equal((150, 150, 0L, 0L, 0L, 2), (before.Accepted, before.Spilled, before.Written, before.Replayed, before.Lost, before.SpillFilesWaiting));
        Assert.NotNull(before.StorageUnavailableSince);
        Assert.True(before.UploadFailures > 0);

        // This process finds them, spills 100 of its own while storage is still down, and refuses an invalid one.
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var writtenMetric = new MetricCollector<long>(meters, BlobInferenceLogger.MeterName, "driftjobs.inference_logger.records.written");
        using var replayedMetric = new MetricCollector<long>(meters, BlobInferenceLogger.MeterName, "driftjobs.inference_logger.records.replayed");
        await using var logger = TestRecords.Builder(container, o =>
        {
            Quick(o);
            o.SpillDirectory = spill.FullName;
        }).WithMeterFactory(meters).Build();
        for (var i = 1_000; i < 1_100; i++)
        {
            Assert.True(logger.TryLog(TestRecords.Record(i)));
        }

        Assert.False(logger.TryLog(TestRecords.Record(5, model: "bad/name")));
        await Eventually.TrueAsync(() => logger.GetCounters() is { Spilled: 100, SpillFilesWaiting: 3 }, "this process's batch spilled beside the earlier two");
        var down = logger.GetCounters();
        Assert.NotNull(down.StorageUnavailableSince);
        Assert.Equal((100L, 1L, 0L, 0L, 0L), (down.Accepted, down.Rejected, down.Written, down.Replayed, down.BufferDepth));

        fault.Failing = false;
        await Eventually.TrueAsync(() => logger.GetCounters().SpillFilesWaiting == 0, "the spill directory drained");
        var up = logger.GetCounters();
        Assert.Equal(
            new InferenceLoggerCounters
            {
                Accepted = 100,
                Rejected = 1,
                Written = 100,
                Spilled = 100,
                Replayed = 150,
                FilesWritten = 3,
                UploadFailures = up.UploadFailures,
            },
            up);
        Assert.True(up.UploadFailures > 0);

        // The meter tells them apart the same way.
        writtenMetric.RecordObservableInstruments();
        replayedMetric.RecordObservableInstruments();
        Assert.Equal((100L, 150L), (writtenMetric.LastMeasurement!.Value, replayedMetric.LastMeasurement!.Value));

        await logger.StopAsync();
        Assert.False(logger.TryLog(TestRecords.Record(2_000)));
        Assert.Equal(1, logger.GetCounters().DroppedStopped);
        Assert.Equal(250, (await LogFiles.ReadAllAsync(container)).Sum(f => f.Rows.Count));
    }

    [Fact]
    public async Task The_snapshot_counts_records_dropped_for_a_full_buffer_and_those_still_in_memory()
    {
        var (container, fault) = await FaultyStorage.CreateAsync(azurite.Azurite);
        fault.Failing = true;
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 5, 1, 8, 0, 0, TimeSpan.Zero));
        await using var logger = TestRecords.Builder(container, o =>
        {
            o.BufferCapacity = 1;
            o.BatchSize = 1;
        }).WithTimeProvider(time).Build();

        Assert.True(logger.TryLog(TestRecords.Record(0)));
        Assert.False(logger.TryLog(TestRecords.Record(1)));
        Assert.False(logger.TryLog(TestRecords.Record(2)));

        await Eventually.TrueAsync(() => logger.GetCounters().UploadFailures > 0, "a failed upload");
        var counters = logger.GetCounters();
        Assert.Equal((1L, 2L, 0L, 1L, 0L), (counters.Accepted, counters.DroppedBufferFull, counters.DroppedStopped, counters.BufferDepth, counters.Written));
        Assert.Equal(time.GetUtcNow(), counters.StorageUnavailableSince);

        fault.Failing = false;
        await Eventually.TrueAsync(
            () =>
            {
                time.Advance(TimeSpan.FromSeconds(5));
                return logger.GetCounters().Written == 1;
            },
            "the kept record");
        Assert.Null(logger.GetCounters().StorageUnavailableSince);
    }
}
