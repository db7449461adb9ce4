using System.Diagnostics;
using System.Runtime.CompilerServices;
using Azure.Storage.Blobs;
using DriftJobs.Testing;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace DriftJobs.InferenceLogger.Tests;

/// <summary>
/// <see cref="LogFileDelivery"/> alone, without the logger's queue and loop: one batch at a time, on a fake clock,
/// against a real Azurite (through <see cref="FaultyStorage"/> for outages).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class LogFileDeliveryTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Start = new(2025, 3, 9, 11, 0, 1, TimeSpan.Zero);

    // An Advance returns once the callbacks it runs reach real I/O: milliseconds, seconds under heavy load. Under
    // Eventually's 20 s, so that a stuck step is reported as such.
    private static readonly TimeSpan AdvanceTimeout = TimeSpan.FromSeconds(10);

    // Each clock's step in flight (see Step).
    private static readonly ConditionalWeakTable<FakeTimeProvider, ClockStep> Steps = new();

    [Fact]
    public async Task A_batch_spanning_two_hours_becomes_two_files_named_after_the_write_time()
    {
        var container = await azurite.CreateContainerAsync();
        var time = new FakeTimeProvider(Start);
        var (delivery, counters, _) = Create(container, time);
        var batch = new List<BufferedRecord>
        {
            Buffered(0, Start.AddSeconds(-3)),
            Buffered(1, Start),
            Buffered(2, Start.AddSeconds(-2)),
            Buffered(3, Start.AddSeconds(-1)),
        };
        var released = new List<int>();

        await delivery.WriteAsync(batch, released.Add);

        var files = await LogFiles.ReadAllAsync(container);
        Assert.Equal(
            [
                "inference-logs/year=2025/month=03/day=09/hour=10/fraud-v1-test-pod-20250309T110001-000001.parquet",
                "inference-logs/year=2025/month=03/day=09/hour=11/fraud-v1-test-pod-20250309T110001-000002.parquet",
            ],
            files.Select(f => f.Name));
        Assert.Equal(["req-0000000", "req-0000002"], files[0].Rows.Select(r => (string)r["request_id"]!));
        Assert.Equal(["req-0000001", "req-0000003"], files[1].Rows.Select(r => (string)r["request_id"]!));
        Assert.Equal([2, 2], released);
        var c = counters.Snapshot();
        Assert.Equal((4L, 2L, 0L, 0L), (c.RecordsWritten, c.FilesWritten, c.RecordsSpilled, c.UploadFailures));
    }

    [Fact]
    public async Task A_failing_store_spills_the_file_and_a_replay_uploads_it_once_the_retry_is_due()
    {
        var (container, fault) = await FaultyStorage.CreateAsync(azurite.Azurite);
        using var spill = TempDirectory.Create("logger-spill-");
        var time = new FakeTimeProvider(Start);
        var (delivery, counters, logs) = Create(container, time, o =>
        {
            o.SpillDirectory = spill.FullName;
            o.MinRetryDelay = TimeSpan.FromSeconds(10);
            o.MaxRetryDelay = TimeSpan.FromSeconds(10);
            o.ProbeInterval = TimeSpan.FromHours(1);
        });
        var released = new List<int>();

        fault.Failing = true;
        await delivery.WriteAsync(Batch(0, 100), released.Add);

        var spilled = counters.Snapshot();
        Assert.Equal((100L, 1L, 0L), (spilled.RecordsSpilled, spilled.UploadFailures, spilled.RecordsWritten));
        Assert.Equal([100], released);
        Assert.Equal(1, delivery.SpillFilesWaiting);
        Assert.Equal(Start, delivery.StorageUnavailableSince);
        Assert.Single(Directory.GetFiles(spill.FullName, "*.parquet", SearchOption.AllDirectories));
        Assert.Contains(logs.GetSnapshot(), r => r.Id.Name == "SpillingStarted");

        // 10 s ± 20 %: not due before 8 s, whatever storage does meanwhile.
        var due = Assert.NotNull(delivery.ReplayDueAt);
        Assert.InRange(due, Start.AddSeconds(8), Start.AddSeconds(12));
        fault.Failing = false;
        time.Advance(TimeSpan.FromSeconds(7));
        Assert.False(await delivery.TryReplaySpilledFileAsync());
        Assert.Empty(await LogFiles.ListAsync(container));

        time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(await delivery.TryReplaySpilledFileAsync());

        var replayed = counters.Snapshot();
        Assert.Equal((100L, 0L, 1L), (replayed.RecordsWritten, replayed.RecordsReplayed, replayed.FilesWritten));
        Assert.Equal(0, delivery.SpillFilesWaiting);
        Assert.Null(delivery.StorageUnavailableSince);
        Assert.Null(delivery.ReplayDueAt);
        Assert.Empty(Directory.GetFileSystemEntries(spill.FullName));
        Assert.Equal(Enumerable.Range(0, 100).Select(TestRecords.RequestId), (await LogFiles.ReadAllAsync(container)).Single().Rows.Select(r => (string)r["request_id"]!));
        Assert.False(await delivery.TryReplaySpilledFileAsync());
    }

    [Fact]
    public async Task Without_a_spill_directory_the_backoff_waits_on_the_clock_until_storage_returns()
    {
        var (container, fault) = await FaultyStorage.CreateAsync(azurite.Azurite);
        var time = new FakeTimeProvider(Start);
        var (delivery, counters, _) = Create(container, time, o =>
        {
            o.MinRetryDelay = TimeSpan.FromSeconds(10);
            o.MaxRetryDelay = TimeSpan.FromSeconds(10);
            o.ProbeInterval = TimeSpan.FromHours(1);
        });
        var released = new List<int>();

        fault.Failing = true;
        var writing = delivery.WriteAsync(Batch(0, 50), released.Add);
        await Eventually.TrueAsync(() => counters.Snapshot().UploadFailures == 1, "the first failed upload");

        // The second attempt waits for the clock, not for real time: nothing happens while it stands still...
        await Task.Delay(300);
        Assert.Equal(1, counters.Snapshot().UploadFailures);
        Advance(time, TimeSpan.FromSeconds(7));
        await Task.Delay(300);
        Assert.Equal(1, counters.Snapshot().UploadFailures);
        Assert.False(writing.IsCompleted);

        // ...and it comes 8-12 s (10 s ± 20 %) after the first. Each attempt is two failed requests (one SDK retry).
        var firstAttempt = fault.FailedRequests;
        await Eventually.TrueAsync(() => Step(time, () => fault.FailedRequests > firstAttempt), "the second attempt");
        Assert.InRange(time.GetUtcNow(), Start.AddSeconds(8), Start.AddSeconds(12.25));
        await Eventually.TrueAsync(() => counters.Snapshot().UploadFailures == 2, "the second failed upload");

        fault.Failing = false;
        await Eventually.TrueAsync(() => Step(time, () => writing.IsCompleted), "the upload once storage returns");
        await writing;
        var c = counters.Snapshot();
        Assert.Equal((50L, 0L, 0L), (c.RecordsWritten, c.RecordsSpilled, c.RecordsLost));
        Assert.Equal([50], released);
        Assert.Null(delivery.StorageUnavailableSince);
        Assert.Single(await LogFiles.ListAsync(container));
    }

    [Fact]
    public async Task While_draining_a_failing_upload_is_tried_again_every_min_retry_delay_not_after_the_outage_backoff()
    {
        var (container, fault) = await FaultyStorage.CreateAsync(azurite.Azurite);
        using var stopping = new CancellationTokenSource();
        var time = new FakeTimeProvider(Start);
        var (delivery, counters, _) = Create(container, time, o =>
        {
            o.MinRetryDelay = TimeSpan.FromSeconds(1);
            o.MaxRetryDelay = TimeSpan.FromMinutes(1);
            o.ProbeInterval = TimeSpan.FromHours(1);
        }, stopping.Token);

        // Five failures in a row: the outage backoff now waits ~16-32 s between attempts.
        fault.Failing = true;
        var writing = delivery.WriteAsync(Batch(0, 50), _ => { });
        await Eventually.TrueAsync(() => Step(time, () => counters.Snapshot().UploadFailures >= 5), "five failed uploads");

        // The host stops: the drain has ShutdownTimeout, so it tries at the shortest delay instead.
        var failuresAtStop = counters.Snapshot().UploadFailures;
        var stoppedAt = time.GetUtcNow();
        await stopping.CancelAsync();
        await Eventually.TrueAsync(() => Step(time, () => counters.Snapshot().UploadFailures >= failuresAtStop + 4), "attempts while draining");
        // Four attempts ~1 s apart take ~4 s of the clock, plus the 250 ms steps the test takes while an attempt's real
        // requests are in flight (CI measured 4.25 s under load); the outage backoff would wait 16 s before even one.
        Assert.InRange(time.GetUtcNow() - stoppedAt, TimeSpan.Zero, TimeSpan.FromSeconds(12));

        fault.Failing = false;
        await Eventually.TrueAsync(() => Step(time, () => writing.IsCompleted), "the upload once storage returns");
        Assert.Equal(50, counters.Snapshot().RecordsWritten);
    }

    [Fact]
    public async Task A_retry_time_between_two_milliseconds_is_waited_for_not_spun_on()
    {
        var (container, fault) = await FaultyStorage.CreateAsync(azurite.Azurite);
        using var stopping = new CancellationTokenSource();
        await stopping.CancelAsync();
        var time = new FakeTimeProvider(Start);
        var (delivery, counters, _) = Create(container, time, o =>
        {
            // Draining, a retry is due MinRetryDelay after the failure before it (surely so from the second one on,
            // whose jittered backoff is longer): here half a millisecond past a step of the test's clock. A wait rounded
            // down to whole milliseconds ends at that step, before the retry is due, and the rest is no wait at all.
            o.MinRetryDelay = TimeSpan.FromSeconds(1) + TimeSpan.FromMicroseconds(500);
            o.MaxRetryDelay = TimeSpan.FromMinutes(1);
            o.ProbeInterval = TimeSpan.FromHours(1);
        }, stopping.Token);

        fault.Failing = true;
        var writing = delivery.WriteAsync(Batch(0, 10), _ => { });
        await Eventually.TrueAsync(() => Step(time, () => counters.Snapshot().UploadFailures >= 3), "three failed uploads");

        fault.Failing = false;
        await Eventually.TrueAsync(() => Step(time, () => writing.IsCompleted), "the upload once storage returns");
        Assert.Equal(10, counters.Snapshot().RecordsWritten);
    }

    [Fact]
    public async Task Out_of_time_with_nowhere_to_spill_the_batch_is_counted_lost_without_an_upload()
    {
        var (container, fault) = await FaultyStorage.CreateAsync(azurite.Azurite);
        using var outOfTime = new CancellationTokenSource();
        await outOfTime.CancelAsync();
        var (delivery, counters, logs) = Create(container, new FakeTimeProvider(Start), outOfTime: outOfTime.Token);
        var released = new List<int>();

        fault.Failing = true;
        await delivery.WriteAsync(Batch(0, 20), released.Add);

        var c = counters.Snapshot();
        Assert.Equal((20L, 0L, 0L), (c.RecordsLost, c.UploadFailures, c.RecordsWritten));
        Assert.Equal(0, fault.FailedRequests);
        Assert.Equal([20], released);
        Assert.Contains(logs.GetSnapshot(), r => r.Id.Name == "RecordsLost" && r.Message.Contains("shutdown timeout", StringComparison.Ordinal));
    }

    private static (LogFileDelivery Delivery, LoggerCounters Counters, FakeLogCollector Logs) Create(
        BlobContainerClient container,
        TimeProvider time,
        Action<InferenceLoggerOptions>? configure = null,
        CancellationToken stopping = default,
        CancellationToken outOfTime = default)
    {
        var options = new InferenceLoggerOptions();
        TestRecords.Schema(options);
        // The tests move the fake clock on in steps while real uploads are in flight: with the default 10 s timeout, an
        // upload slower than 40 steps (under load: under a second) would be cancelled as timed out, which no test here
        // is about.
        options.UploadTimeout = TimeSpan.FromMinutes(10);
        configure?.Invoke(options);
        InferenceLoggerOptionsValidator.ThrowIfInvalid(options);
        var schema = new LogSchema(options.Features, options.PredictionKind);
        var counters = new LoggerCounters(ParquetBatchEncoder.CountedColumns(schema));
        var logs = new FakeLogCollector();
        var delivery = new LogFileDelivery(container, options, schema, counters, time, new FakeLogger(logs, Log.Category), stopping, outOfTime);
        delivery.OpenSpill();
        return (delivery, counters, logs);
    }

    private static BufferedRecord Buffered(int i, DateTimeOffset timestamp) => new(TestRecords.Record(i, timestamp), timestamp.UtcTicks);

    private static List<BufferedRecord> Batch(int from, int count) =>
        Enumerable.Range(from, count).Select(i => Buffered(i, Start)).ToList();

    /// <summary>
    /// Moves the clock a quarter second unless <paramref name="condition"/> already holds (then it stays put), on a
    /// thread of its own. A fake clock runs the timers' callbacks on the thread that moves it, and with them whatever
    /// continuations they complete: a delivery loop that never yielded again would hold the test's own thread for good,
    /// out of <see cref="Eventually"/>'s reach, and the test would hang instead of failing. The step runs during
    /// Eventually's poll delay (handing it over and waiting for it would slow each step down under load); the condition
    /// is looked at again only once it is done, and a step that never finishes fails the test.
    /// </summary>
    private static bool Step(FakeTimeProvider time, Func<bool> condition)
    {
        if (Steps.TryGetValue(time, out var step))
        {
            if (!step.Advancing.IsCompleted)
            {
                if (Stopwatch.GetElapsedTime(step.Started) > AdvanceTimeout)
                {
                    Assert.Fail($"Moving the clock on to {time.GetUtcNow():O} did not return within {AdvanceTimeout}: a timer callback, or a continuation it ran inline, never yielded (a loop spinning on the fake clock?).");
                }

                return false;
            }

            Steps.Remove(time);
            step.Advancing.GetAwaiter().GetResult();
        }

        if (condition())
        {
            return true;
        }

        Steps.Add(time, new ClockStep(Task.Run(() => time.Advance(TimeSpan.FromMilliseconds(250))), Stopwatch.GetTimestamp()));
        return false;
    }

    /// <summary>Moves the clock on a thread of its own, as <see cref="Step"/> does, and waits for it.</summary>
    private static void Advance(FakeTimeProvider time, TimeSpan delta)
    {
        // A finite wait: an infinite one would run the step inline, on this thread, if it had not started yet.
        var advancing = Task.Run(() => time.Advance(delta));
        if (!advancing.Wait(AdvanceTimeout))
        {
            Assert.Fail($"Moving the clock on by {delta} did not return within {AdvanceTimeout}: a timer callback, or a continuation it ran inline, never yielded (a loop spinning on the fake clock?).");
        }

        advancing.GetAwaiter().GetResult();
    }

    private sealed record ClockStep(Task Advancing, long Started);
}
