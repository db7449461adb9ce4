using Azure;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging;
using Parquet;

namespace DriftJobs.InferenceLogger;

/// <summary>
/// Where a batch goes once <see cref="BlobInferenceLogger"/> has taken it from its queue: split into one file per
/// model, version and hour, encoded as Parquet (prediction logs and ground truth alike, each a <see cref="RecordFiles{T}"/>), uploaded create-only, or spilled to local disk while storage is down
/// and replayed when it returns, retrying with backoff (<see cref="StorageHealth"/>) in between. The logger is the
/// front (accept, count, queue, when to flush and when to stop); this is everything behind it, so that it can be
/// driven alone, one batch at a time, on a fake clock.
/// Used by one writer at a time (the logger's loop); <see cref="SpillFilesWaiting"/> and
/// <see cref="StorageUnavailableSince"/> may be read from any thread.
/// </summary>
internal sealed class LogFileDelivery
{
    private const int MaxNameAttempts = 8;

    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly LoggerCounters _counters;
    private readonly RecordFiles<BufferedRecord> _predictions;
    private readonly RecordFiles<BufferedOutcome> _outcomes;
    private readonly LogFileUploader _uploader;
    private readonly StorageHealth _health;
    private readonly string _instanceId;
    private readonly TimeSpan _minRetryDelay;
    private readonly TimeSpan _uploadTimeout;
    private readonly TimeSpan _probeTimeout;
    private readonly TimeSpan _probeInterval;
    private readonly string? _spillDirectory;
    private readonly long _spillMaxBytes;
    private readonly CancellationToken _stopping;
    private readonly CancellationToken _outOfTime;

    private SpillStore? _spill;
    private bool _spilling;
    private long _sequence;
    private long _spilledBeforeOutage;

    /// <param name="container">Where the files go.</param>
    /// <param name="options">The logger's (validated) options: names, spill directory, timeouts and backoff.</param>
    /// <param name="schema">The log files' columns; its prediction kind is the ground-truth files' label kind.</param>
    /// <param name="counters">Counts written, spilled, replayed and lost records, files and failed uploads, and conformed values.</param>
    /// <param name="time">The clock of names, timeouts and backoff.</param>
    /// <param name="log">Where outages, spills and losses are reported.</param>
    /// <param name="stopping">
    /// Cancelled when the logger starts draining: the backoff shrinks to <see cref="InferenceLoggerOptions.MinRetryDelay"/>,
    /// since the drain has the shutdown timeout, not the outage's growing wait.
    /// </param>
    /// <param name="outOfTime">Cancelled when the shutdown timeout has passed: no more uploads; files are spilled or their records lost.</param>
    public LogFileDelivery(
        BlobContainerClient container,
        InferenceLoggerOptions options,
        LogSchema schema,
        LoggerCounters counters,
        TimeProvider time,
        ILogger log,
        CancellationToken stopping,
        CancellationToken outOfTime)
    {
        _time = time;
        _log = log;
        _counters = counters;
        _predictions = new(options.LogsRoot, new ParquetBatchEncoder(schema, counters, feature => Log.UnknownFeature(log, feature)), counters.Predictions);
        _outcomes = new(options.GroundTruthRoot, new OutcomeBatchEncoder(new OutcomeSchema(schema.PredictionKind)), counters.Outcomes);
        _uploader = new LogFileUploader(container);
        _health = new StorageHealth(time, options.MinRetryDelay, options.MaxRetryDelay, options.ProbeInterval);
        _instanceId = options.InstanceId ?? LogFileNames.DefaultInstanceId();
        _minRetryDelay = options.MinRetryDelay;
        _uploadTimeout = options.UploadTimeout;

        // A probe is one small request: it needs less time than an upload, and must not hold the loop for long.
        _probeTimeout = TimeSpan.FromTicks(Math.Min(options.UploadTimeout.Ticks, TimeSpan.FromSeconds(5).Ticks));
        _probeInterval = options.ProbeInterval;
        _spillDirectory = options.SpillDirectory;
        _spillMaxBytes = options.SpillDirectoryMaxBytes;
        _stopping = stopping;
        _outOfTime = outOfTime;
    }

    /// <summary>Files in the spill directory now (0 without one).</summary>
    public int SpillFilesWaiting => Volatile.Read(ref _spill)?.Count ?? 0;

    /// <summary>The current outage's first failed upload, or null while storage answers.</summary>
    public DateTimeOffset? StorageUnavailableSince => _health.DownSince;

    /// <summary>
    /// When spilled files are next due for an upload or a probe; null when none wait. May be in the past: then
    /// <see cref="TryReplaySpilledFileAsync"/> has work now.
    /// </summary>
    public DateTimeOffset? ReplayDueAt => _spill is { Count: > 0 } ? _health.NextAttemptAt : null;

    /// <summary>
    /// Opens the spill directory (if one is set), indexing what an earlier process left in it. A directory that
    /// cannot be used is logged and done without. Call once, from the writer, before anything else.
    /// </summary>
    public void OpenSpill()
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

    /// <summary>
    /// Writes a batch of predictions (non-empty): one file per model, version and hour, each uploaded, spilled, or
    /// held with backoff until one works or <c>outOfTime</c> comes (then lost). Returns once every record is written,
    /// spilled or lost.
    /// </summary>
    /// <param name="batch">The records, in the order they were taken.</param>
    /// <param name="released">Told each file's record count as it is done with it, whatever became of it.</param>
    public Task WriteAsync(List<BufferedRecord> batch, Action<int> released) => WriteAsync(batch, _predictions, released);

    /// <summary>Writes a batch of outcomes (non-empty) as ground-truth files, as <see cref="WriteAsync(List{BufferedRecord}, Action{int})"/> writes predictions.</summary>
    /// <param name="batch">The outcomes, in the order they were taken.</param>
    /// <param name="released">Told each file's outcome count as it is done with it, whatever became of it.</param>
    public Task WriteAsync(List<BufferedOutcome> batch, Action<int> released) => WriteAsync(batch, _outcomes, released);

    /// <summary>
    /// Makes sure the container exists, creating it when the credential allows (see
    /// <see cref="BlobInferenceLogger.EnsureContainerAsync"/>); at most <see cref="InferenceLoggerOptions.UploadTimeout"/>.
    /// </summary>
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

    /// <summary>Uploads the oldest spilled file when storage is due for another try; true when one was uploaded.</summary>
    public async Task<bool> TryReplaySpilledFileAsync()
    {
        if (_spill?.Oldest is not { } blobName || _outOfTime.IsCancellationRequested)
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
            // An earlier process's files are told apart by their prefix, as the detector tells them apart.
            var counts = _outcomes.Owns(blobName) ? _outcomes.Counts : _predictions.Counts;
            var content = await _spill.ReadAsync(blobName).ConfigureAwait(false);
            file = new LogFile(blobName, content, await CountRowsAsync(content).ConfigureAwait(false), counts);
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
        Interlocked.Add(ref _spill.SpilledHere(blobName) ? ref file.Counts.Written : ref file.Counts.Replayed, file.Records);
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

    private async Task WriteAsync<T>(List<T> batch, RecordFiles<T> files, Action<int> released)
        where T : struct, IHourPartitioned
    {
        var writtenAt = _time.GetUtcNow();
        foreach (var part in Partition(batch))
        {
            try
            {
                await WritePartAsync(part, files, writtenAt).ConfigureAwait(false);
            }
            finally
            {
                released(part.Count);
            }
        }
    }

    /// <summary>One file per model, version and hour, in order of first appearance (usually just one).</summary>
    private static IEnumerable<IReadOnlyList<T>> Partition<T>(List<T> batch)
        where T : struct, IHourPartitioned
    {
        var first = batch[0];
        var uniform = true;
        foreach (var record in batch)
        {
            if (record.HourTicks != first.HourTicks || !SamePartition(record, first))
            {
                uniform = false;
                break;
            }
        }

        if (uniform)
        {
            return [batch];
        }

        var parts = new Dictionary<(string Model, string Version, long Hour), List<T>>();
        var order = new List<List<T>>();
        foreach (var record in batch)
        {
            var key = (record.ModelName, record.ModelVersion, record.HourTicks);
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

    private static bool SamePartition<T>(T a, T b)
        where T : struct, IHourPartitioned =>
        string.Equals(a.ModelName, b.ModelName, StringComparison.Ordinal) && string.Equals(a.ModelVersion, b.ModelVersion, StringComparison.Ordinal);

    private async Task WritePartAsync<T>(IReadOnlyList<T> part, RecordFiles<T> files, DateTimeOffset writtenAt)
        where T : struct, IHourPartitioned
    {
        var records = part.Count;
        if (_outOfTime.IsCancellationRequested && _spill is null)
        {
            // Out of time with nowhere to put them: encoding would only delay the stop.
            LoseRecords(files.Counts, records, "shutdown timeout");
            return;
        }

        ReadOnlyMemory<byte> content;
        try
        {
            content = await files.Encoder.EncodeAsync(part).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A record that breaks the encoder must not stop the loop; the loss is counted.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.EncodeFailed(_log, e, records);
            LoseRecords(files.Counts, records, "encoding failed");
            return;
        }

        var first = part[0];
        var blobName = LogFileNames.BlobName(files.Root, first.HourTicks, first.ModelName, first.ModelVersion, _instanceId, writtenAt, NextSequence());
        await DeliverAsync(new LogFile(blobName, content, records, files.Counts)).ConfigureAwait(false);
    }

    /// <summary>Uploads the file, or spills it, or holds it (with backoff) until one works or time runs out.</summary>
    private async Task DeliverAsync(LogFile file)
    {
        while (true)
        {
            // While spilled files wait for storage, new ones join them rather than each waiting out the SDK's retries.
            var storageKnownDown = _spill is { Count: > 0 } && !_health.RetryDue;
            if (!storageKnownDown && !_outOfTime.IsCancellationRequested && await TryUploadAsync(file).ConfigureAwait(false))
            {
                Interlocked.Add(ref file.Counts.Written, file.Records);
                return;
            }

            if (await TrySpillAsync(file).ConfigureAwait(false))
            {
                return;
            }

            if (_outOfTime.IsCancellationRequested)
            {
                LoseRecords(file.Counts, file.Records, "shutdown timeout");
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
            using var budget = CancellationTokenSource.CreateLinkedTokenSource(_outOfTime, timeout.Token);
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
                var cause = StorageFailure.Describe(e, timeout.IsCancellationRequested && !_outOfTime.IsCancellationRequested ? _uploadTimeout : null);
                if (_health.RecordFailure())
                {
                    // The whole exception once per outage: enough to diagnose, without repeating it at every retry.
                    _spilledBeforeOutage = SpilledSoFar;
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
                    Log.StorageAvailable(_log, outage, failures, SpilledSoFar - _spilledBeforeOutage, _spill?.Count ?? 0);
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

        Interlocked.Add(ref file.Counts.Spilled, file.Records);
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
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(_outOfTime, timeout.Token);
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
        // The drain has ShutdownTimeout, not the long outage backoff: it tries again at the shortest delay. Set once,
        // from this wait's start: worked out again on each pass, "now + MinRetryDelay" would move on with the clock and
        // the drain would wait out the whole outage backoff after all.
        var drainRetryAt = _time.GetUtcNow() + _minRetryDelay;
        while (true)
        {
            var stopping = _stopping.IsCancellationRequested;
            var now = _time.GetUtcNow();
            var retryAt = _health.RetryAt;
            if (stopping && retryAt > drainRetryAt)
            {
                retryAt = drainRetryAt;
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
                await Task.Delay(WholeMilliseconds(wakeAt - now), _time, stopping ? _outOfTime : _stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping (try again at once) or out of time (the caller spills or gives up).
                return;
            }
        }
    }

    /// <summary>
    /// <paramref name="wait"/> (positive) rounded up to whole milliseconds, the unit
    /// <see cref="Task.Delay(TimeSpan, TimeProvider, CancellationToken)"/> counts in. It drops the rest: a jittered retry
    /// time would wake the loop up to 1 ms early, and the wait then left, under 1 ms, would return at once, again and
    /// again, without the clock moving on. On a fake clock that spin lasts for good, on the very thread that moves the
    /// clock, since the timer's callback runs the loop inline.
    /// </summary>
    private static TimeSpan WholeMilliseconds(TimeSpan wait) =>
        TimeSpan.FromTicks((wait.Ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond * TimeSpan.TicksPerMillisecond);

    /// <summary>
    /// Asks storage for the container's properties, a request much cheaper than an upload. Any answer from the
    /// service but a server error means it is reachable again: uploads resume at once.
    /// </summary>
    private async Task ProbeAsync()
    {
        using var timeout = new CancellationTokenSource(_probeTimeout, _time);
        using var probe = CancellationTokenSource.CreateLinkedTokenSource(_outOfTime, timeout.Token);
        if (await _uploader.ProbeAsync(probe.Token).ConfigureAwait(false))
        {
            _health.RecordProbeAnswered();
        }
        else
        {
            _health.RecordProbeFailed();
        }
    }

    // Predictions and outcomes: the outage's log line speaks of records.
    private long SpilledSoFar => Interlocked.Read(ref _predictions.Counts.Spilled) + Interlocked.Read(ref _outcomes.Counts.Spilled);

    private void LoseRecords(RecordCounters counts, int records, string reason)
    {
        Interlocked.Add(ref counts.Lost, records);
        Log.RecordsLost(_log, records, reason);
    }

    private long NextSequence() => ++_sequence;

    private static string WithSequence(string blobName, long sequence)
    {
        // Names end in "-{seq}.parquet"; only the sequence changes.
        var dash = blobName.LastIndexOf('-');
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{blobName[..dash]}-{sequence:D6}{LogFileNames.Extension}");
    }

    /// <summary>A finished Parquet file on its way to blob storage, and the counts its records go to.</summary>
    private sealed class LogFile(string blobName, ReadOnlyMemory<byte> content, int records, RecordCounters counts)
    {
        public string BlobName { get; set; } = blobName;

        public ReadOnlyMemory<byte> Content { get; } = content;

        public byte[] ContentHash { get; } = LogFileUploader.ContentHash(content.Span);

        public int Records { get; } = records;

        public RecordCounters Counts { get; } = counts;
    }
}
