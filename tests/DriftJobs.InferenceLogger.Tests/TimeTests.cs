using DriftJobs.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace DriftJobs.InferenceLogger.Tests;

/// <summary>Everything that depends on the clock, driven by a <see cref="FakeTimeProvider"/>.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TimeTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_batch_spanning_an_hour_boundary_becomes_one_file_per_hour_named_after_the_write_time()
    {
        var container = await azurite.CreateContainerAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 9, 10, 59, 58, TimeSpan.Zero));
        var logger = TestRecords.Builder(container).WithTimeProvider(time).Build();

        // Default timestamps come from the injected clock: three at 10:59:58, one at 10:59:59, two at 11:00:01.
        for (var i = 0; i < 3; i++)
        {
            Assert.True(logger.TryLog(TestRecords.Record(i)));
        }

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(logger.TryLog(TestRecords.Record(3)));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(logger.TryLog(TestRecords.Record(4)));
        Assert.True(logger.TryLog(TestRecords.Record(5)));

        // Nothing is due yet (3 s < 30 s, 6 < 10,000): the stop writes the single batch.
        await logger.DisposeAsync();

        var files = await LogFiles.ReadAllAsync(container);
        Assert.Equal(
            [
                "inference-logs/year=2025/month=03/day=09/hour=10/fraud-v1-test-pod-20250309T110001-000001.parquet",
                "inference-logs/year=2025/month=03/day=09/hour=11/fraud-v1-test-pod-20250309T110001-000002.parquet",
            ],
            files.Select(f => f.Name));
        Assert.Equal(["req-0000000", "req-0000001", "req-0000002", "req-0000003"], files[0].Rows.Select(r => (string)r["request_id"]!));
        Assert.Equal(["req-0000004", "req-0000005"], files[1].Rows.Select(r => (string)r["request_id"]!));
        Assert.Equal(new DateTime(2025, 3, 9, 10, 59, 59, DateTimeKind.Utc), files[0].Rows[3]["timestamp"]);
        Assert.Equal(new DateTime(2025, 3, 9, 11, 0, 1, DateTimeKind.Utc), files[1].Rows[0]["timestamp"]);
    }

    [Fact]
    public async Task Explicit_timestamps_choose_the_partition_and_are_stored_in_utc()
    {
        var container = await azurite.CreateContainerAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));
        await using (var logger = TestRecords.Builder(container).WithTimeProvider(time).Build())
        {
            // 2024-12-31 23:59:59.5 UTC, given with a +02:00 offset; and 2025-01-01 00:00:00 UTC.
            Assert.True(logger.TryLog(TestRecords.Record(1, new DateTimeOffset(2025, 1, 1, 1, 59, 59, 500, TimeSpan.FromHours(2)))));
            Assert.True(logger.TryLog(TestRecords.Record(2, new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero))));
        }

        var files = await LogFiles.ReadAllAsync(container);
        Assert.Equal(2, files.Count);
        Assert.StartsWith("inference-logs/year=2024/month=12/day=31/hour=23/", files[0].Name, StringComparison.Ordinal);
        Assert.Equal(new DateTime(2024, 12, 31, 23, 59, 59, 500, DateTimeKind.Utc), files[0].Rows.Single()["timestamp"]);
        Assert.StartsWith("inference-logs/year=2025/month=01/day=01/hour=00/", files[1].Name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Records_are_flushed_every_flush_interval_and_no_empty_files_are_written()
    {
        var container = await azurite.CreateContainerAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 5, 1, 8, 0, 0, TimeSpan.Zero));
        await using var logger = TestRecords.Builder(container, o => o.FlushInterval = TimeSpan.FromSeconds(30)).WithTimeProvider(time).Build();

        for (var i = 0; i < 5; i++)
        {
            Assert.True(logger.TryLog(TestRecords.Record(i)));
        }

        time.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(300);
        Assert.Empty(await LogFiles.ListAsync(container));

        time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => logger.Counters.FilesWritten == 1, "the first interval's file");
        Assert.Equal(5, (await LogFiles.ReadAllAsync(container)).Single().Rows.Count);

        // The next interval runs from the first flush (08:00:30): records logged now are written at 08:01:00.
        for (var i = 5; i < 8; i++)
        {
            Assert.True(logger.TryLog(TestRecords.Record(i)));
        }

        time.Advance(TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => logger.Counters.FilesWritten == 2, "the second interval's file");

        // An interval without records writes nothing.
        time.Advance(TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(30));
        await Task.Delay(300);
        var files = await LogFiles.ReadAllAsync(container);
        Assert.Equal([5, 3], files.Select(f => f.Rows.Count));
        Assert.EndsWith("-20250501T080030-000001.parquet", files[0].Name, StringComparison.Ordinal);
        Assert.EndsWith("-20250501T080100-000002.parquet", files[1].Name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_clock_that_moves_while_the_flush_timer_is_being_started_still_flushes_on_time()
    {
        // The clock advances inside the creation of the first 30-second timer: between the writer's reading of the
        // time and its timer's start, where a test's Advance (or a preempted thread) can land. A timer started with
        // the delay read before would fire 29 s late (08:00:59): "the first interval's file" would never come at 08:00:30.
        var container = await azurite.CreateContainerAsync();
        var time = new ClockMovingAtTimerStart(new DateTimeOffset(2025, 5, 1, 8, 0, 0, TimeSpan.Zero), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(29));
        await using var logger = TestRecords.Builder(container, o => o.FlushInterval = TimeSpan.FromSeconds(30)).WithTimeProvider(time).Build();
        Assert.True(logger.TryLog(TestRecords.Record(0)));

        await Eventually.TrueAsync(() => time.Moved, "the writer's first flush timer");
        await Task.Delay(300);
        Assert.Equal(0, logger.Counters.FilesWritten);

        time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => logger.Counters.FilesWritten == 1, "the first interval's file, at 08:00:30", TimeSpan.FromSeconds(5));
        Assert.EndsWith("-20250501T080030-000001.parquet", Assert.Single(await LogFiles.ListAsync(container)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_full_batch_is_written_without_waiting_for_the_interval()
    {
        var container = await azurite.CreateContainerAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 5, 1, 8, 0, 0, TimeSpan.Zero));
        var logger = TestRecords.Builder(container, o => o.BatchSize = 10).WithTimeProvider(time).Build();

        for (var i = 0; i < 25; i++)
        {
            Assert.True(logger.TryLog(TestRecords.Record(i)));
        }

        // The clock never moves: only the batch size can trigger these two.
        await Eventually.TrueAsync(() => logger.Counters.FilesWritten == 2, "two full batches");
        await Task.Delay(200);
        Assert.Equal(2, logger.Counters.FilesWritten);
        Assert.Equal(5, logger.BufferDepth);

        await logger.DisposeAsync();
        var files = await LogFiles.ReadAllAsync(container);
        Assert.Equal([10, 10, 5], files.Select(f => f.Rows.Count));
        Assert.Equal(Enumerable.Range(0, 25).Select(TestRecords.RequestId), files.SelectMany(f => f.Rows).Select(r => (string)r["request_id"]!));
    }

    [Fact]
    public async Task Dropped_records_are_logged_at_most_once_a_minute_with_their_count()
    {
        var (container, fault) = await FaultyStorage.CreateAsync(azurite.Azurite);
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 5, 1, 8, 0, 0, TimeSpan.Zero));
        var logs = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logs)));
        fault.Failing = true;

        // Storage is down, so the five accepted records stay in the buffer of five and later ones are dropped.
        await using var logger = TestRecords.Builder(container, o =>
            {
                o.BufferCapacity = 5;
                o.BatchSize = 5;
                // The clock is moved on while real uploads are in flight (below): the default 10 s timeout would cancel
                // every upload slower than one 20 ms poll once storage returns.
                o.UploadTimeout = TimeSpan.FromMinutes(10);
            })
            .WithTimeProvider(time)
            .WithLoggerFactory(loggerFactory)
            .Build();

        try
        {
            for (var i = 0; i < 5; i++)
            {
                Assert.True(logger.TryLog(TestRecords.Record(i)));
            }

            for (var i = 5; i < 8; i++)
            {
                Assert.False(logger.TryLog(TestRecords.Record(i)));
            }

            time.Advance(TimeSpan.FromSeconds(59));
            Assert.Empty(DropWarnings(logs));
            time.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(["Inference log buffer full: 3 records dropped in the last minute (3 since start)"], DropWarnings(logs));

            Assert.False(logger.TryLog(TestRecords.Record(8)));
            Assert.False(logger.TryLog(TestRecords.Record(9)));
            time.Advance(TimeSpan.FromSeconds(30));
            Assert.Single(DropWarnings(logs));
            time.Advance(TimeSpan.FromSeconds(30));
            Assert.Equal(
                ["Inference log buffer full: 3 records dropped in the last minute (3 since start)", "Inference log buffer full: 2 records dropped in the last minute (5 since start)"],
                DropWarnings(logs));

            // A quiet minute logs nothing.
            time.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal(2, DropWarnings(logs).Count);
            Assert.Equal(5, logger.Counters.DroppedBufferFull);

            // Storage returns: the next retry writes the five that were kept.
            fault.Failing = false;
            await Eventually.TrueAsync(
                () =>
                {
                    time.Advance(TimeSpan.FromSeconds(2));
                    return logger.Counters.RecordsWritten == 5;
                },
                "the buffered records after the outage");
        }
        finally
        {
            // Under the fake clock the drain's ShutdownTimeout never comes: with storage still down (a failed assertion
            // above) the disposal would wait for ever. A real-time bound makes such a failure end the test.
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await logger.StopAsync(bound.Token);
        }
    }

    private static List<string> DropWarnings(FakeLogCollector logs) =>
        logs.GetSnapshot().Where(r => r.Level == LogLevel.Warning && r.Message.Contains("dropped", StringComparison.Ordinal)).Select(r => r.Message).ToList();

    /// <summary>A fake clock that moves forward once, inside the creation of the first timer of a given delay.</summary>
    private sealed class ClockMovingAtTimerStart(DateTimeOffset start, TimeSpan whenDue, TimeSpan move) : FakeTimeProvider(start)
    {
        private int _moved;

        public bool Moved => Volatile.Read(ref _moved) != 0;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime == whenDue && Interlocked.Exchange(ref _moved, 1) == 0)
            {
                Advance(move);
            }

            return base.CreateTimer(callback, state, dueTime, period);
        }
    }
}
