using System.Diagnostics.Metrics;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DriftJobs.InferenceLogger;

/// <summary>
/// The inference logger: buffers predictions and their outcomes in memory and writes them as hour-partitioned
/// Parquet files (prediction logs, ground truth) to an Azure Blob container, from one background loop. Create it with <see cref="InferenceLoggerBuilder"/> or
/// <c>services.AddInferenceLogger(…)</c> (<see cref="InferenceLoggerServiceCollectionExtensions"/>); stop it with
/// <see cref="StopAsync"/> or <see cref="DisposeAsync"/>, which write what is buffered within
/// <see cref="InferenceLoggerOptions.ShutdownTimeout"/>.
/// </summary>
/// <remarks>
/// This class is the front: it checks and counts records, bounds the buffer, queues them, and its loop decides when a
/// batch is due and when to stop. What becomes of a batch (files per hour, Parquet, upload, spill, replay, backoff)
/// is <see cref="LogFileDelivery"/>'s.
/// </remarks>
public sealed class BlobInferenceLogger : IInferenceLogger, IAsyncDisposable, IDisposable
{
    /// <summary>The name of the <see cref="Meter"/> the logger reports on: <c>DriftJobs.InferenceLogger</c>.</summary>
    public const string MeterName = "DriftJobs.InferenceLogger";

    private static readonly TimeSpan RefusalReportPeriod = TimeSpan.FromMinutes(1);

    // A lock-free queue rather than a Channel: with two threads logging, the channel's lock (and waking its
    // reader for every record) cost more than the whole rest of TryLog. The writer has its own wake-up signal.
    private readonly StripedQueue<BufferedRecord> _queue = new();
    private readonly StripedQueue<BufferedOutcome> _outcomeQueue = new();

    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly LoggerCounters _counters;
    private readonly RecordCounters _predictions;
    private readonly RecordCounters _outcomes;
    private readonly InferenceLoggerMetrics _metrics;
    private readonly LogFileDelivery _delivery;
    private readonly Action<int> _release;
    private readonly int _capacity;
    private readonly int _batchSize;
    private readonly TimeSpan _flushInterval;
    private readonly TimeSpan _shutdownTimeout;

    // Both handed to the delivery: draining (shorter backoff) and out of time (no more uploads).
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _hardStop = new();
    private readonly RefusalReport _refusals;
    private readonly DateTimeOffset _firstFlushAt;
    private readonly Task _loop;

    private int _stopRequested;
    private int _disposed;
    private ITimer? _shutdownTimer;

    // Owned by the writer loop.
    private CancellationTokenSource? _wakeTimer;
    private DateTimeOffset _wakeTimerAt;
    private TaskCompletionSource? _wake;

    internal BlobInferenceLogger(
        BlobContainerClient container,
        InferenceLoggerOptions options,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(options);
        InferenceLoggerOptionsValidator.ThrowIfInvalid(options);

        _time = timeProvider ?? TimeProvider.System;
        _log = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger(Log.Category);
        _capacity = options.BufferCapacity;
        _batchSize = options.BatchSize;
        _flushInterval = options.FlushInterval;
        _shutdownTimeout = options.ShutdownTimeout;

        Schema = new LogSchema(options.Features, options.PredictionKind);
        _counters = new LoggerCounters(ParquetBatchEncoder.CountedColumns(Schema));
        _predictions = _counters.Predictions;
        _outcomes = _counters.Outcomes;
        _delivery = new LogFileDelivery(container, options, Schema, _counters, _time, _log, _stopping.Token, _hardStop.Token);

        // Written, spilled or lost: either way no longer held in memory. One delegate, not one per flush.
        _release = records => Interlocked.Add(ref _counters.Pending, -records);
        _metrics = new InferenceLoggerMetrics(_counters, () => Volatile.Read(ref _counters.Pending), meterFactory);

        // Counted from creation, not from whenever the loop's thread gets to run.
        _firstFlushAt = _time.GetUtcNow() + _flushInterval;
        _refusals = new RefusalReport(_time, _log, _counters, RefusalReportPeriod);
        _loop = Task.Run(RunAsync);
    }

    internal LogSchema Schema { get; }

    internal CounterSnapshot Counters => _counters.Snapshot();

    /// <summary>
    /// The logger's counts since it was created (accepted, dropped, written, spilled, replayed, lost …, of predictions
    /// and of outcomes), e.g. for a health check. Cheap and safe to call from any thread at any time, also after the logger stopped.
    /// </summary>
    /// <returns>A new snapshot.</returns>
    public InferenceLoggerCounters GetCounters()
    {
        var c = _counters.Snapshot();
        return new InferenceLoggerCounters
        {
            Accepted = c.Accepted,
            DroppedBufferFull = c.DroppedBufferFull,
            DroppedStopped = c.DroppedStopped,
            Rejected = c.RejectedInvalid,
            Written = c.RecordsWritten,
            Spilled = c.RecordsSpilled,
            Replayed = c.RecordsReplayed,
            Lost = c.RecordsLost,
            FilesWritten = c.FilesWritten,
            UploadFailures = c.UploadFailures,
            BufferDepth = BufferDepth,
            SpillFilesWaiting = _delivery.SpillFilesWaiting,
            StorageUnavailableSince = _delivery.StorageUnavailableSince,
            OutcomesAccepted = _outcomes.Accepted.Read(),
            OutcomesDroppedBufferFull = LoggerCounters.Read(ref _outcomes.DroppedBufferFull),
            OutcomesDroppedStopped = LoggerCounters.Read(ref _outcomes.DroppedStopped),
            OutcomesRejected = LoggerCounters.Read(ref _outcomes.RejectedInvalid),
            OutcomesWritten = LoggerCounters.Read(ref _outcomes.Written),
            OutcomesSpilled = LoggerCounters.Read(ref _outcomes.Spilled),
            OutcomesReplayed = LoggerCounters.Read(ref _outcomes.Replayed),
            OutcomesLost = LoggerCounters.Read(ref _outcomes.Lost),
        };
    }

    internal long BufferDepth => Volatile.Read(ref _counters.Pending);

    /// <inheritdoc/>
    public bool TryLog(PredictionRecord record)
    {
        try
        {
            if (record is null || !LogFileNames.IsValidSegment(record.ModelName) || !LogFileNames.IsValidSegment(record.ModelVersion))
            {
                Interlocked.Increment(ref _predictions.RejectedInvalid);
                return false;
            }

            if (!TryReserve(_predictions, out var depth))
            {
                return false;
            }

            var ticks = (record.Timestamp ?? _time.GetUtcNow()).UtcTicks;
            _queue.Enqueue(new BufferedRecord(record, ticks));
            Queued(_predictions, depth);
            return true;
        }
#pragma warning disable CA1031 // TryLog's contract: nothing is ever thrown at the request path.
        catch (Exception)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _predictions.RejectedInvalid);
            return false;
        }
    }

    /// <inheritdoc/>
    public bool TryLogOutcome(OutcomeRecord outcome)
    {
        try
        {
            if (OutcomeRefusals.Check(outcome, Schema.PredictionKind, out var label) is { } refusal)
            {
                RejectOutcome(refusal);
                return false;
            }

            if (!TryReserve(_outcomes, out var depth))
            {
                return false;
            }

            _outcomeQueue.Enqueue(new BufferedOutcome(outcome, label, _time.GetUtcNow().UtcTicks));
            Queued(_outcomes, depth);
            return true;
        }
#pragma warning disable CA1031 // As TryLog: nothing is ever thrown at the request path.
        catch (Exception)
#pragma warning restore CA1031
        {
            RejectOutcome(OutcomeRefusal.Failed);
            return false;
        }
    }

    /// <summary>
    /// Makes sure the container exists, creating it when the credential allows; the host calls this as it starts
    /// (<see cref="InferenceLoggerBuilder.BuildAsync"/> does too). Storage that cannot be reached is not an error here:
    /// a warning is logged and the logger keeps records in memory or the spill directory until it can write them.
    /// Takes at most <see cref="InferenceLoggerOptions.UploadTimeout"/>.
    /// </summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>A task that completes when the container exists, or when storage could not be asked.</returns>
    /// <exception cref="InvalidOperationException">
    /// The container does not exist and the credential may not create it; the message names the container, the
    /// account and the permission needed.
    /// </exception>
    public Task EnsureContainerAsync(CancellationToken cancellationToken = default) => _delivery.EnsureContainerAsync(cancellationToken);

    /// <summary>
    /// Stops accepting records and writes what is buffered, for at most
    /// <see cref="InferenceLoggerOptions.ShutdownTimeout"/> (or until <paramref name="cancellationToken"/> is
    /// cancelled); what cannot be uploaded by then is spilled or counted as lost. Safe to call more than once and
    /// while other threads are still logging (their records are refused).
    /// </summary>
    /// <param name="cancellationToken">Cuts the drain short, like the timeout.</param>
    /// <returns>A task that completes when the writer loop has finished.</returns>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopRequested, 1) == 0)
        {
            Volatile.Read(ref _wake)?.TrySetResult();
            TryCancel(_stopping);
            _shutdownTimer = _time.CreateTimer(static state => TryCancel((CancellationTokenSource)state!), _hardStop, _shutdownTimeout, Timeout.InfiniteTimeSpan);
        }

        using (cancellationToken.Register(static state => TryCancel((CancellationTokenSource)state!), _hardStop))
        {
            await _loop.ConfigureAwait(false);
        }
    }

    /// <summary>Stops the logger as <see cref="StopAsync"/> does and releases its timers and meter. Safe to call twice.</summary>
    /// <returns>A task that completes when the logger has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _refusals.Dispose();
        _shutdownTimer?.Dispose();
        _refusals.Report();
        var c = _counters.Snapshot();
        Log.Stopped(_log, c.Accepted, c.RecordsWritten, c.RecordsSpilled, c.RecordsReplayed, c.RecordsLost, c.DroppedBufferFull + c.DroppedStopped, c.RejectedInvalid, _delivery.SpillFilesWaiting);
        var o = GetCounters();
        if (o.OutcomesAccepted + o.OutcomesRejected + o.OutcomesDroppedBufferFull + o.OutcomesDroppedStopped + o.OutcomesReplayed > 0)
        {
            // A second line rather than more fields in the first: most gateways log no outcomes at all.
            Log.OutcomesStopped(_log, o.OutcomesAccepted, o.OutcomesWritten, o.OutcomesSpilled, o.OutcomesReplayed, o.OutcomesLost, o.OutcomesDroppedBufferFull + o.OutcomesDroppedStopped, o.OutcomesRejected);
        }
        _metrics.Dispose();
        _stopping.Dispose();
        _hardStop.Dispose();
    }

    /// <summary>Stops the logger synchronously (blocking until <see cref="DisposeAsync"/> completes). Prefer <see cref="DisposeAsync"/>.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private void RejectOutcome(OutcomeRefusal refusal)
    {
        Interlocked.Increment(ref _counters.OutcomesRejectedFor[(int)refusal]);
        Interlocked.Increment(ref _outcomes.RejectedInvalid);
    }

    /// <summary>
    /// Takes a place in the buffer for one record about to be queued, or counts why not; <paramref name="depth"/>
    /// is the buffer's depth with it.
    /// </summary>
    private bool TryReserve(RecordCounters counts, out long depth)
    {
        depth = 0;
        if (Volatile.Read(ref _stopRequested) != 0)
        {
            Interlocked.Increment(ref counts.DroppedStopped);
            return false;
        }

        // Reserve a place first, so the bound covers records the writer has taken but not yet written.
        depth = Interlocked.Increment(ref _counters.Pending);
        if (depth > _capacity)
        {
            Interlocked.Decrement(ref _counters.Pending);
            Interlocked.Increment(ref counts.DroppedBufferFull);
            return false;
        }

        // Stopped since the first check? Looked at after the reservation (a full fence), so that a stopping
        // writer either sees this reservation and waits for its record, or this call sees the stop.
        if (Volatile.Read(ref _stopRequested) != 0)
        {
            Interlocked.Decrement(ref _counters.Pending);
            Interlocked.Increment(ref counts.DroppedStopped);
            return false;
        }

        return true;
    }

    /// <summary>Counts a record queued in the place <see cref="TryReserve"/> took, waking the writer when a batch is due.</summary>
    private void Queued(RecordCounters counts, long depth)
    {
        counts.Accepted.Increment();

        // The writer sleeps until a batch is full (or its flush time comes) instead of waking for every record:
        // when everything buffered adds up to a whole number of batches, the one that completed it wakes it.
        if (depth % _batchSize == 0)
        {
            Volatile.Read(ref _wake)?.TrySetResult();
        }
    }

    private static void TryCancel(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already stopped and disposed: nothing left to cut short.
        }
    }

    private async Task RunAsync()
    {
        try
        {
            _delivery.OpenSpill();
            var batch = new List<BufferedRecord>(Math.Min(_batchSize, 16_384));
            var outcomes = new List<BufferedOutcome>();
            var nextFlush = _firstFlushAt;
            while (true)
            {
                // Outcomes first: there are far fewer of them, and a flood of predictions must not hold them back.
                // One BatchSize bounds both together, as TryLog's wake-up counts them together.
                while (batch.Count + outcomes.Count < _batchSize && _outcomeQueue.TryDequeue(out var outcome))
                {
                    outcomes.Add(outcome);
                }

                while (batch.Count + outcomes.Count < _batchSize && _queue.TryDequeue(out var record))
                {
                    batch.Add(record);
                }

                // Done once stopping, nothing is queued, and no TryLog holds a reservation it has yet to queue.
                var taken = batch.Count + outcomes.Count;
                var stopping = Volatile.Read(ref _stopRequested) != 0;
                var closing = stopping && _queue.IsEmpty && _outcomeQueue.IsEmpty &&
                    (Volatile.Read(ref _counters.Pending) == taken || _hardStop.IsCancellationRequested);
                var now = _time.GetUtcNow();
                if (taken >= _batchSize || stopping || now >= nextFlush)
                {
                    // The interval runs from this flush's start, not its end: a slow upload does not stretch it.
                    nextFlush = now + _flushInterval;
                    if (taken > 0)
                    {
                        await FlushAsync(batch, outcomes).ConfigureAwait(false);
                    }

                    if (closing)
                    {
                        break;
                    }

                    if (stopping)
                    {
                        // A TryLog between its reservation and its enqueue: a matter of nanoseconds.
                        await Task.Yield();
                        continue;
                    }

                    // Under sustained load the batch is always full and the loop never idles: replay one spilled
                    // file per flush so they do not wait for a quiet moment.
                    await _delivery.TryReplaySpilledFileAsync().ConfigureAwait(false);
                    continue;
                }

                if (await _delivery.TryReplaySpilledFileAsync().ConfigureAwait(false))
                {
                    continue;
                }

                var wakeAt = _delivery.ReplayDueAt is { } replayAt && replayAt < nextFlush ? replayAt : nextFlush;
                await WaitForBatchAsync(wakeAt).ConfigureAwait(false);
            }

            _wakeTimer?.Dispose();

            // Storage may have come back just before the stop: use the time left for what waits on disk.
            while (await _delivery.TryReplaySpilledFileAsync().ConfigureAwait(false))
            {
            }
        }
#pragma warning disable CA1031 // The loop reports its own failure; an exception would only be unobserved.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.LoopFailed(_log, e);
        }
    }

    /// <summary>Sleeps until a batch is full, the logger stops, or <paramref name="wakeAt"/> (flush or spill retry time).</summary>
    private async Task WaitForBatchAsync(DateTimeOffset wakeAt)
    {
        var delay = wakeAt - _time.GetUtcNow();
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        var wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref _wake, wake);
        try
        {
            // After publishing the signal (a full fence), look again: a batch completed or a stop requested just
            // before would not have found it.
            // While the loop waits it holds only the partial batch, so the buffer depth is exactly what is queued
            // plus that batch (the single-reader channel cannot count).
            if (Volatile.Read(ref _counters.Pending) >= _batchSize || Volatile.Read(ref _stopRequested) != 0)
            {
                return;
            }

            // One timer per wake-up time, not per wait.
            if (_wakeTimer is null || _wakeTimerAt != wakeAt || _wakeTimer.IsCancellationRequested)
            {
                _wakeTimer?.Dispose();
                _wakeTimer = WakeTimer(wakeAt);
                _wakeTimerAt = wakeAt;
            }

            await wake.Task.WaitAsync(_wakeTimer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_wakeTimer?.IsCancellationRequested == true)
        {
            // Time to flush or to retry the spill directory.
        }
        finally
        {
            Volatile.Write(ref _wake, null);
        }
    }

    /// <summary>
    /// A token cancelled at <paramref name="wakeAt"/>. A timer runs from its own start, so its delay is read from the
    /// clock as it starts, and read again if the clock moved meanwhile: a delay read earlier would make the timer late
    /// by whatever passed in between (a preempted thread, or a test's fake clock advanced at that moment).
    /// </summary>
    private CancellationTokenSource WakeTimer(DateTimeOffset wakeAt)
    {
        while (true)
        {
            var before = _time.GetUtcNow();
            var delay = wakeAt - before;
            var timer = new CancellationTokenSource(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, _time);
            if (_time.GetUtcNow() - before < TimeSpan.FromMilliseconds(1))
            {
                return timer;
            }

            timer.Dispose();
        }
    }

    private async Task FlushAsync(List<BufferedRecord> batch, List<BufferedOutcome> outcomes)
    {
        var started = _time.GetTimestamp();
        if (batch.Count > 0)
        {
            await _delivery.WriteAsync(batch, _release).ConfigureAwait(false);
            batch.Clear();
        }

        if (outcomes.Count > 0)
        {
            await _delivery.WriteAsync(outcomes, _release).ConfigureAwait(false);
            outcomes.Clear();
        }

        _metrics.RecordFlush(_time.GetElapsedTime(started));
    }
}
