using Microsoft.Extensions.Logging;

namespace DriftJobs.InferenceLogger;

/// <summary>
/// Logs the records TryLog refused (buffer full, invalid) once a period, with how many since the last report: a line
/// per refusal would flood the gateway's log exactly when it is overloaded. Reports from its timer and, a last time,
/// from the logger's dispose.
/// </summary>
internal sealed class RefusalReport : IDisposable
{
    private readonly ILogger _log;
    private readonly LoggerCounters _counters;
    private readonly ITimer _timer;
    private readonly Lock _lock = new();
    private long _reportedDropped;
    private long _reportedRejected;

    public RefusalReport(TimeProvider time, ILogger log, LoggerCounters counters, TimeSpan period)
    {
        _log = log;
        _counters = counters;
        _timer = time.CreateTimer(static state => ((RefusalReport)state!).Report(), this, period, period);
    }

    /// <summary>Logs what was refused since the last report, if anything. Safe from any thread.</summary>
    public void Report()
    {
        lock (_lock)
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

    /// <summary>Stops the timer; <see cref="Report"/> still works.</summary>
    public void Dispose() => _timer.Dispose();
}
