namespace DriftJobs.InferenceLogger;

/// <summary>
/// Whether blob storage is answering, as the writer loop last saw it, and when to try it again. A failed upload
/// starts (or continues) an outage and pushes the next upload back, doubling from the minimum retry delay to the
/// maximum with jitter; meanwhile a cheap probe is due every probe interval, so that the end of an outage is noticed
/// within seconds however long the backoff has grown. Owned by the writer loop; <see cref="DownSince"/> is also read
/// from other threads.
/// </summary>
internal sealed class StorageHealth
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _minRetryDelay;
    private readonly TimeSpan _maxRetryDelay;
    private readonly TimeSpan _probeInterval;
    private readonly Func<double> _random;
    private TimeSpan _retryDelay;

    // UTC ticks of the outage's first failure; 0 while storage answers. Read by GetCounters from any thread.
    private long _downSinceTicks;

    public StorageHealth(TimeProvider time, TimeSpan minRetryDelay, TimeSpan maxRetryDelay, TimeSpan probeInterval, Func<double>? random = null)
    {
        _time = time;
        _minRetryDelay = minRetryDelay;
        _maxRetryDelay = maxRetryDelay;
        _probeInterval = probeInterval;
        _random = random ?? Random.Shared.NextDouble;
        _retryDelay = minRetryDelay;
    }

    public bool IsDown => Volatile.Read(ref _downSinceTicks) != 0;

    /// <summary>When the current outage began (its first failure), or null while storage answers.</summary>
    public DateTimeOffset? DownSince => Volatile.Read(ref _downSinceTicks) is var ticks and not 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>The earliest time for the next upload; <see cref="DateTimeOffset.MinValue"/> while storage answers.</summary>
    public DateTimeOffset RetryAt { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>When the next probe is due; <see cref="DateTimeOffset.MaxValue"/> while storage answers.</summary>
    public DateTimeOffset ProbeAt { get; private set; } = DateTimeOffset.MaxValue;

    /// <summary>Failed uploads in the current (or last) outage.</summary>
    public int Failures { get; private set; }

    /// <summary>Whether this outage has logged that the container is missing and cannot be created (once is enough).</summary>
    public bool ContainerErrorLogged { get; set; }

    public bool RetryDue => _time.GetUtcNow() >= RetryAt;

    public bool ProbeDue => IsDown && _time.GetUtcNow() >= ProbeAt;

    /// <summary>The next time the loop has storage work to do: an upload retry or a probe, whichever comes first.</summary>
    public DateTimeOffset NextAttemptAt => RetryAt < ProbeAt ? RetryAt : ProbeAt;

    /// <summary>Records a failed upload; true when it starts an outage (the first failure since storage last answered).</summary>
    public bool RecordFailure()
    {
        var now = _time.GetUtcNow();
        var started = !IsDown;
        if (started)
        {
            Volatile.Write(ref _downSinceTicks, now.UtcTicks);
            Failures = 0;
        }

        Failures++;

        // Jitter keeps replicas that lost storage together from retrying in lockstep.
        var delay = _retryDelay * (0.8 + (0.4 * _random()));
        RetryAt = now + delay;
        _retryDelay = TimeSpan.FromTicks(Math.Min(_retryDelay.Ticks * 2, _maxRetryDelay.Ticks));

        // Probing sooner than the next upload only helps when the backoff has grown past the probe interval.
        ProbeAt = now + _probeInterval;
        return started;
    }

    /// <summary>A probe got no answer: the next one is one probe interval away; the upload backoff is untouched.</summary>
    public void RecordProbeFailed() => ProbeAt = _time.GetUtcNow() + _probeInterval;

    /// <summary>
    /// A probe got an answer: upload at once, starting the backoff over. The outage stays open until an upload
    /// succeeds (an answering service may still refuse writes).
    /// </summary>
    public void RecordProbeAnswered()
    {
        _retryDelay = _minRetryDelay;
        RetryAt = _time.GetUtcNow();
        ProbeAt = DateTimeOffset.MaxValue;
    }

    /// <summary>Records a successful upload; returns how long the outage it ends lasted, or null when there was none.</summary>
    public TimeSpan? RecordSuccess()
    {
        _retryDelay = _minRetryDelay;
        RetryAt = DateTimeOffset.MinValue;
        ProbeAt = DateTimeOffset.MaxValue;
        ContainerErrorLogged = false;
        if (DownSince is not { } since)
        {
            return null;
        }

        Volatile.Write(ref _downSinceTicks, 0);
        return _time.GetUtcNow() - since;
    }
}
