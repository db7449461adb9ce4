using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Azure;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Parquet;

namespace DriftJobs.InferenceLogger;

/// <summary>
/// The inference logger: buffers records in memory and writes them as hour-partitioned Parquet files to an Azure
/// Blob container, from one background loop. Create it with <see cref="InferenceLoggerBuilder"/> or
/// <c>services.AddInferenceLogger(…)</c> (<see cref="InferenceLoggerServiceCollectionExtensions"/>); stop it with
/// <see cref="StopAsync"/> or <see cref="DisposeAsync"/>, which write what is buffered within
/// <see cref="InferenceLoggerOptions.ShutdownTimeout"/>.
/// </summary>
public sealed class BlobInferenceLogger : IInferenceLogger, IAsyncDisposable, IDisposable
{
    /// <summary>The name of the <see cref="Meter"/> the logger reports on: <c>DriftJobs.InferenceLogger</c>.</summary>
    public const string MeterName = "DriftJobs.InferenceLogger";

    private const int MaxNameAttempts = 8;
    private static readonly TimeSpan RefusalReportPeriod = TimeSpan.FromMinutes(1);

    // A lock-free queue rather than a Channel: with two threads logging, the channel's lock (and waking its
    // reader for every record) cost more than the whole rest of TryLog. The writer has its own wake-up signal.
    private readonly StripedQueue<BufferedRecord> _queue = new();

    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly LoggerCounters _counters;
    private readonly InferenceLoggerMetrics _metrics;
    private readonly ParquetBatchEncoder _encoder;
    private readonly LogFileUploader _uploader;
    private readonly string _logsRoot;
    private readonly string _instanceId;
    private readonly int _capacity;
    private readonly int _batchSize;
    private readonly TimeSpan _flushInterval;
    private readonly TimeSpan _shutdownTimeout;
    private readonly TimeSpan _minRetryDelay;
    private readonly TimeSpan _uploadTimeout;
    private readonly TimeSpan _probeTimeout;
    private readonly TimeSpan _probeInterval;
    private readonly string? _spillDirectory;
    private readonly long _spillMaxBytes;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _hardStop = new();
    private readonly ITimer _refusalReportTimer;
    private readonly Lock _refusalReportLock = new();
    private readonly DateTimeOffset _firstFlushAt;
    private readonly Task _loop;

    private int _stopRequested;
    private int _disposed;
    private ITimer? _shutdownTimer;
    private long _reportedDropped;
    private long _reportedRejected;

    // Owned by the writer loop.
    private SpillStore? _spill;
    private bool _spilling;
    private CancellationTokenSource? _wakeTimer;
    private DateTimeOffset _wakeTimerAt;
    private TaskCompletionSource? _wake;
    private long _sequence;
    private readonly StorageHealth _health;
    private long _spilledBeforeOutage;

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
        _logsRoot = options.LogsRoot;
        _instanceId = options.InstanceId ?? LogFileNames.DefaultInstanceId();
        _capacity = options.BufferCapacity;
        _batchSize = options.BatchSize;
        _flushInterval = options.FlushInterval;
        _shutdownTimeout = options.ShutdownTimeout;
        _minRetryDelay = options.MinRetryDelay;
        _uploadTimeout = options.UploadTimeout;

        // A probe is one small request: it needs less time than an upload, and must not hold the loop for long.
        _probeTimeout = TimeSpan.FromTicks(Math.Min(options.UploadTimeout.Ticks, TimeSpan.FromSeconds(5).Ticks));
        _probeInterval = options.ProbeInterval;
        _health = new StorageHealth(_time, options.MinRetryDelay, options.MaxRetryDelay, options.ProbeInterval);
        _spillDirectory = options.SpillDirectory;
        _spillMaxBytes = options.SpillDirectoryMaxBytes;

        Schema = new LogSchema(options.Features, options.PredictionKind);
        _counters = new LoggerCounters(ParquetBatchEncoder.CountedColumns(Schema));
        _encoder = new ParquetBatchEncoder(Schema, _counters, feature => Log.UnknownFeature(_log, feature));
        _uploader = new LogFileUploader(container);
        _metrics = new InferenceLoggerMetrics(_counters, () => Volatile.Read(ref _counters.Pending), meterFactory);

        // Counted from creation, not from whenever the loop's thread gets to run.
        _firstFlushAt = _time.GetUtcNow() + _flushInterval;
        _refusalReportTimer = _time.CreateTimer(static state => ((BlobInferenceLogger)state!).ReportRefusals(), this, RefusalReportPeriod, RefusalReportPeriod);
        _loop = Task.Run(RunAsync);
    }

    internal LogSchema Schema { get; }

    internal CounterSnapshot Counters => _counters.Snapshot();

    /// <summary>
    /// The logger's counts since it was created (accepted, dropped, written, spilled, replayed, lost …), e.g. for a
    /// health check. Cheap and safe to call from any thread at any time, also after the logger stopped.
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
            SpillFilesWaiting = Volatile.Read(ref _spill)?.Count ?? 0,
            StorageUnavailableSince = _health.DownSince,
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
                Interlocked.Increment(ref _counters.RejectedInvalid);
                return false;
            }

            if (Volatile.Read(ref _stopRequested) != 0)
            {
                Interlocked.Increment(ref _counters.DroppedStopped);
                return false;
            }

            // Reserve a place first, so the bound covers records the writer has taken but not yet written.
            var depth = Interlocked.Increment(ref _counters.Pending);
            if (depth > _capacity)
            {
                Interlocked.Decrement(ref _counters.Pending);
                Interlocked.Increment(ref _counters.DroppedBufferFull);
                return false;
            }

            // Stopped since the first check? Looked at after the reservation (a full fence), so that a stopping
            // writer either sees this reservation and waits for its record, or this call sees the stop.
            if (Volatile.Read(ref _stopRequested) != 0)
            {
                Interlocked.Decrement(ref _counters.Pending);
                Interlocked.Increment(ref _counters.DroppedStopped);
                return false;
            }

            var ticks = (record.Timestamp ?? _time.GetUtcNow()).UtcTicks;
            _queue.Enqueue(new BufferedRecord(record, ticks));
            _counters.Accepted.Increment();

            // The writer sleeps until a batch is full (or its flush time comes) instead of waking for every record:
            // when everything buffered adds up to a whole number of batches, the one that completed it wakes it.
            if (depth % _batchSize == 0)
            {
                Volatile.Read(ref _wake)?.TrySetResult();
            }

            return true;
        }
#pragma warning disable CA1031 // TryLog's contract: nothing is ever thrown at the request path.
        catch (Exception)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _counters.RejectedInvalid);
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
    public async Task EnsureContainerAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = new CancellationTokenSource(_uploadTimeout, _time);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            if (await _uploader.CreateContainerIfNotExistsAsync(budget.Token).ConfigureAwait(false))
            {
                Log.ContainerCreated(_log, _uploader.ContainerName, _uploader.AccountName);
            }

            return;
        }
        catch (RequestFailedException refused) when (refused.Status == 403)
        {
            bool? exists;
            try
            {
                exists = await _uploader.ContainerExistsAsync(budget.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                Log.ContainerCheckFailed(_log, e, _uploader.ContainerName, StorageFailure.Describe(e, timeout.IsCancellationRequested ? _uploadTimeout : null));
                return;
            }

            if (exists == false)
            {
                var message = StorageFailure.MissingContainerMessage(_uploader.ContainerName, _uploader.AccountName, refused.ErrorCode);
                Log.ContainerMissing(_log, message);
                throw new InvalidOperationException(message, refused);
            }

            if (exists is null)
            {
                Log.ContainerUnverified(_log, _uploader.ContainerName, refused.ErrorCode);
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            Log.ContainerCheckFailed(_log, e, _uploader.ContainerName, StorageFailure.Describe(e, timeout.IsCancellationRequested ? _uploadTimeout : null));
        }
    }

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

        _refusalReportTimer.Dispose();
        _shutdownTimer?.Dispose();
        ReportRefusals();
        var c = _counters.Snapshot();
        Log.Stopped(_log, c.Accepted, c.RecordsWritten, c.RecordsSpilled, c.RecordsReplayed, c.RecordsLost, c.DroppedBufferFull + c.DroppedStopped, c.RejectedInvalid, _spill?.Count ?? 0);
        _metrics.Dispose();
        _stopping.Dispose();
        _hardStop.Dispose();
    }

    /// <summary>Stops the logger synchronously (blocking until <see cref="DisposeAsync"/> completes). Prefer <see cref="DisposeAsync"/>.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

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
            OpenSpill();
            var batch = new List<BufferedRecord>(Math.Min(_batchSize, 16_384));
            var nextFlush = _firstFlushAt;
            while (true)
            {
                while (batch.Count < _batchSize && _queue.TryDequeue(out var record))
                {
                    batch.Add(record);
                }

                // Done once stopping, nothing is queued, and no TryLog holds a reservation it has yet to queue.
                var stopping = Volatile.Read(ref _stopRequested) != 0;
                var closing = stopping && _queue.IsEmpty &&
                    (Volatile.Read(ref _counters.Pending) == batch.Count || _hardStop.IsCancellationRequested);
                var now = _time.GetUtcNow();
                if (batch.Count >= _batchSize || stopping || now >= nextFlush)
                {
                    // The interval runs from this flush's start, not its end: a slow upload does not stretch it.
                    nextFlush = now + _flushInterval;
                    if (batch.Count > 0)
                    {
                        await FlushAsync(batch).ConfigureAwait(false);
                        batch.Clear();
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
                    await TryReplaySpilledFileAsync().ConfigureAwait(false);
                    continue;
                }

                if (await TryReplaySpilledFileAsync().ConfigureAwait(false))
                {
                    continue;
                }

                var wakeAt = _spill is { Count: > 0 } && _health.NextAttemptAt < nextFlush ? _health.NextAttemptAt : nextFlush;
                await WaitForBatchAsync(wakeAt).ConfigureAwait(false);
            }

            _wakeTimer?.Dispose();

            // Storage may have come back just before the stop: use the time left for what waits on disk.
            while (await TryReplaySpilledFileAsync().ConfigureAwait(false))
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

    private void OpenSpill()
    {
        if (_spillDirectory is null)
        {
            return;
        }

        try
        {
            Volatile.Write(ref _spill, SpillStore.Open(_spillDirectory, _spillMaxBytes));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.SpillUnavailable(_log, e, _spillDirectory);
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

    private async Task FlushAsync(List<BufferedRecord> batch)
    {
        var started = _time.GetTimestamp();
        var writtenAt = _time.GetUtcNow();
        foreach (var part in Partition(batch))
        {
            try
            {
                await WritePartAsync(part, writtenAt).ConfigureAwait(false);
            }
            finally
            {
                // Written, spilled or lost: either way no longer held in memory.
                Interlocked.Add(ref _counters.Pending, -part.Count);
            }
        }

        _metrics.RecordFlush(_time.GetElapsedTime(started));
    }

    private async Task WritePartAsync(IReadOnlyList<BufferedRecord> part, DateTimeOffset writtenAt)
    {
        var records = part.Count;
        if (_hardStop.IsCancellationRequested && _spill is null)
        {
            // Out of time with nowhere to put them: encoding would only delay the stop.
            LoseRecords(records, "shutdown timeout");
            return;
        }

        ReadOnlyMemory<byte> content;
        try
        {
            content = await _encoder.EncodeAsync(part).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A record that breaks the encoder must not stop the loop; the loss is counted.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.EncodeFailed(_log, e, records);
            LoseRecords(records, "encoding failed");
            return;
        }

        var first = part[0];
        var blobName = LogFileNames.BlobName(_logsRoot, first.HourTicks, first.Record.ModelName, first.Record.ModelVersion, _instanceId, writtenAt, NextSequence());
        await DeliverAsync(new LogFile(blobName, content, records)).ConfigureAwait(false);
    }

    /// <summary>One file per model, version and hour, in order of first appearance (usually just one).</summary>
    private static IEnumerable<IReadOnlyList<BufferedRecord>> Partition(List<BufferedRecord> batch)
    {
        var first = batch[0];
        var uniform = true;
        foreach (var record in batch)
        {
            if (record.HourTicks != first.HourTicks || !SamePartition(record.Record, first.Record))
            {
                uniform = false;
                break;
            }
        }

        if (uniform)
        {
            return [batch];
        }

        var parts = new Dictionary<(string Model, string Version, long Hour), List<BufferedRecord>>();
        var order = new List<List<BufferedRecord>>();
        foreach (var record in batch)
        {
            var key = (record.Record.ModelName, record.Record.ModelVersion, record.HourTicks);
            if (!parts.TryGetValue(key, out var part))
            {
                part = [];
                parts.Add(key, part);
                order.Add(part);
            }

            part.Add(record);
        }

        return order;
    }

    private static bool SamePartition(PredictionRecord a, PredictionRecord b) =>
        string.Equals(a.ModelName, b.ModelName, StringComparison.Ordinal) && string.Equals(a.ModelVersion, b.ModelVersion, StringComparison.Ordinal);

    /// <summary>Uploads the file, or spills it, or holds it (with backoff) until one works or time runs out.</summary>
    private async Task DeliverAsync(LogFile file)
    {
        while (true)
        {
            // While spilled files wait for storage, new ones join them rather than each waiting out the SDK's retries.
            var storageKnownDown = _spill is { Count: > 0 } && !_health.RetryDue;
            if (!storageKnownDown && !_hardStop.IsCancellationRequested && await TryUploadAsync(file).ConfigureAwait(false))
            {
                Interlocked.Add(ref _counters.RecordsWritten, file.Records);
                return;
            }

            if (await TrySpillAsync(file).ConfigureAwait(false))
            {
                return;
            }

            if (_hardStop.IsCancellationRequested)
            {
                LoseRecords(file.Records, "shutdown timeout");
                return;
            }

            await BackoffAsync().ConfigureAwait(false);
        }
    }

    private async Task<bool> TryUploadAsync(LogFile file)
    {
        for (var attempt = 0; attempt < MaxNameAttempts; attempt++)
        {
            UploadOutcome outcome;

            // The attempt's time budget covers the SDK's retries inside it: however the client was built, an
            // outage is noticed within UploadTimeout and the file moves on to the spill directory.
            using var timeout = new CancellationTokenSource(_uploadTimeout, _time);
            using var budget = CancellationTokenSource.CreateLinkedTokenSource(_hardStop.Token, timeout.Token);
            try
            {
                outcome = await _uploader.UploadAsync(file.BlobName, file.Content, file.ContentHash, budget.Token).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Whatever the SDK throws after its retries, the file is kept and retried.
            catch (Exception e)
#pragma warning restore CA1031
            {
                // A container deleted (or never created) is re-created rather than waited out as an outage; the
                // backoff bounds how often, as 409 ContainerBeingDeleted refuses it for a while after a delete.
                if (StorageFailure.IsContainerNotFound(e) && await TryCreateContainerAsync().ConfigureAwait(false))
                {
                    continue;
                }

                Interlocked.Increment(ref _counters.UploadFailures);
                var cause = StorageFailure.Describe(e, timeout.IsCancellationRequested && !_hardStop.IsCancellationRequested ? _uploadTimeout : null);
                if (_health.RecordFailure())
                {
                    // The whole exception once per outage: enough to diagnose, without repeating it at every retry.
                    _spilledBeforeOutage = Interlocked.Read(ref _counters.RecordsSpilled);
                    Log.StorageUnavailable(_log, e, cause, _probeInterval);
                }

                Log.UploadFailed(_log, file.BlobName, file.Records, cause, _health.RetryAt - _time.GetUtcNow());
                return false;
            }

            if (outcome != UploadOutcome.NameTaken)
            {
                var failures = _health.Failures;
                if (_health.RecordSuccess() is { } outage)
                {
                    Log.StorageAvailable(_log, outage, failures, Interlocked.Read(ref _counters.RecordsSpilled) - _spilledBeforeOutage, _spill?.Count ?? 0);
                }

                Interlocked.Increment(ref _counters.FilesWritten);
                return true;
            }

            Log.NameTaken(_log, file.BlobName);
            file.BlobName = WithSequence(file.BlobName, NextSequence());
        }

        return false;
    }

    private async Task<bool> TrySpillAsync(LogFile file)
    {
        if (_spill is null)
        {
            return false;
        }

        try
        {
            if (_spill.Contains(file.BlobName))
            {
                file.BlobName = WithSequence(file.BlobName, NextSequence());
            }

            // Not cancellable: a spill is what saves the records when the shutdown timeout has passed.
            if (!await _spill.TryWriteAsync(file.BlobName, file.Content, CancellationToken.None).ConfigureAwait(false))
            {
                return false;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.SpillFailed(_log, e, file.Records, _spill.Root);
            return false;
        }

        Interlocked.Add(ref _counters.RecordsSpilled, file.Records);
        if (!_spilling)
        {
            // Once per outage: during one, every batch is spilled and a line each would flood the gateway's logs.
            _spilling = true;
            Log.SpillingStarted(_log, _spill.Root);
        }

        Log.Spilled(_log, file.Records, _spill.PathOf(file.BlobName));
        return true;
    }

    private async Task<bool> TryCreateContainerAsync()
    {
        using var timeout = new CancellationTokenSource(_uploadTimeout, _time);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(_hardStop.Token, timeout.Token);
        try
        {
            await _uploader.CreateContainerIfNotExistsAsync(budget.Token).ConfigureAwait(false);
            Log.ContainerCreated(_log, _uploader.ContainerName, _uploader.AccountName);
            return true;
        }
#pragma warning disable CA1031 // Not created: the upload counts as failed and is retried after the backoff.
        catch (Exception e)
#pragma warning restore CA1031
        {
            if (!_health.ContainerErrorLogged)
            {
                _health.ContainerErrorLogged = true;
                var errorCode = (e as RequestFailedException)?.ErrorCode;
                Log.ContainerMissing(_log, StorageFailure.MissingContainerMessage(_uploader.ContainerName, _uploader.AccountName, errorCode ?? StorageFailure.Describe(e)));
            }

            return false;
        }
    }

    /// <summary>Uploads the oldest spilled file when storage is due for another try; true when one was uploaded.</summary>
    private async Task<bool> TryReplaySpilledFileAsync()
    {
        if (_spill?.Oldest is not { } blobName || _hardStop.IsCancellationRequested)
        {
            return false;
        }

        if (_health.ProbeDue)
        {
            await ProbeAsync().ConfigureAwait(false);
        }

        if (!_health.RetryDue)
        {
            return false;
        }

        LogFile file;
        try
        {
            var content = await _spill.ReadAsync(blobName).ConfigureAwait(false);
            file = new LogFile(blobName, content, await CountRowsAsync(content).ConfigureAwait(false));
        }
#pragma warning disable CA1031 // An unreadable leftover must not block the ones behind it.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.SpillUnreadable(_log, e, _spill.PathOf(blobName));
            _spill.Forget(blobName);
            return true;
        }

        if (!await TryUploadAsync(file).ConfigureAwait(false))
        {
            return false;
        }

        // This process's own records, or ones an earlier process left: only the former are "written" by this one.
        Interlocked.Add(ref _spill.SpilledHere(blobName) ? ref _counters.RecordsWritten : ref _counters.RecordsReplayed, file.Records);
        Log.SpillUploaded(_log, file.BlobName, file.Records);
        try
        {
            _spill.Delete(blobName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Uploaded: a later replay finds the same content in blob storage and only deletes the file.
            Log.SpillUnreadable(_log, e, _spill.PathOf(blobName));
            _spill.Forget(blobName);
        }

        if (_spill.Count == 0)
        {
            _spilling = false;
            Log.SpillEmptied(_log, _spill.Root);
        }

        return true;
    }

    private static async Task<int> CountRowsAsync(byte[] content)
    {
        using var stream = new MemoryStream(content, writable: false);
        var reader = await ParquetReader.CreateAsync(stream).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            return (int)reader.RowGroups.Sum(g => g.RowCount);
        }
    }

    /// <summary>Waits for the next upload attempt, probing storage meanwhile so that its return cuts the wait short.</summary>
    private async Task BackoffAsync()
    {
        while (true)
        {
            var stopping = _stopping.IsCancellationRequested;
            var now = _time.GetUtcNow();
            var retryAt = _health.RetryAt;
            if (stopping && retryAt - now > _minRetryDelay)
            {
                // The drain has ShutdownTimeout, not the long outage backoff: keep trying at the shortest delay.
                retryAt = now + _minRetryDelay;
            }

            if (now >= retryAt)
            {
                return;
            }

            if (_health.ProbeDue)
            {
                await ProbeAsync().ConfigureAwait(false);
                continue;
            }

            var wakeAt = retryAt < _health.ProbeAt ? retryAt : _health.ProbeAt;
            try
            {
                await Task.Delay(wakeAt - now, _time, stopping ? _hardStop.Token : _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping (try again at once) or out of time (the caller spills or gives up).
                return;
            }
        }
    }

    /// <summary>
    /// Asks storage for the container's properties, a request much cheaper than an upload. Any answer from the
    /// service but a server error means it is reachable again: uploads resume at once.
    /// </summary>
    private async Task ProbeAsync()
    {
        using var timeout = new CancellationTokenSource(_probeTimeout, _time);
        using var probe = CancellationTokenSource.CreateLinkedTokenSource(_hardStop.Token, timeout.Token);
        if (await _uploader.ProbeAsync(probe.Token).ConfigureAwait(false))
        {
            _health.RecordProbeAnswered();
        }
        else
        {
            _health.RecordProbeFailed();
        }
    }

    private void LoseRecords(int records, string reason)
    {
        Interlocked.Add(ref _counters.RecordsLost, records);
        Log.RecordsLost(_log, records, reason);
    }

    private long NextSequence() => ++_sequence;

    private static string WithSequence(string blobName, long sequence)
    {
        // Names end in "-{seq}.parquet"; only the sequence changes.
        var dash = blobName.LastIndexOf('-');
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{blobName[..dash]}-{sequence:D6}{LogFileNames.Extension}");
    }

    private void ReportRefusals()
    {
        lock (_refusalReportLock)
        {
            var dropped = Interlocked.Read(ref _counters.DroppedBufferFull);
            if (dropped > _reportedDropped)
            {
                Log.RecordsDropped(_log, dropped - _reportedDropped, dropped);
                _reportedDropped = dropped;
            }

            var rejected = Interlocked.Read(ref _counters.RejectedInvalid);
            if (rejected > _reportedRejected)
            {
                Log.RecordsRejected(_log, rejected - _reportedRejected);
                _reportedRejected = rejected;
            }
        }
    }

    /// <summary>A finished Parquet file on its way to blob storage.</summary>
    private sealed class LogFile(string blobName, ReadOnlyMemory<byte> content, int records)
    {
        public string BlobName { get; set; } = blobName;

        public ReadOnlyMemory<byte> Content { get; } = content;

        public byte[] ContentHash { get; } = LogFileUploader.ContentHash(content.Span);

        public int Records { get; } = records;
    }
}
