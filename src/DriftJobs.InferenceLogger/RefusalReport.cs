using Microsoft.Extensions.Logging;

namespace DriftJobs.InferenceLogger;

/// <summary>
/// Logs the records TryLog and TryLogOutcome refused (buffer full, invalid) once a period, with how many since the last report: a line
/// per refusal would flood the gateway's log exactly when it is overloaded. Reports from its timer and, a last time,
/// from the logger's dispose.
/// </summary>
internal sealed class RefusalReport : IDisposable
{
    private readonly ILogger _log;
    private readonly LoggerCounters _counters;
    private readonly ITimer _timer;
    private readonly Lock _lock = new();
    private readonly long[] _reportedOutcomesRejectedFor;
    private long _reportedDropped;
    private long _reportedRejected;
    private long _reportedOutcomesDropped;

    public RefusalReport(TimeProvider time, ILogger log, LoggerCounters counters, TimeSpan period)
    {
        _log = log;
        _counters = counters;
        _reportedOutcomesRejectedFor = new long[counters.OutcomesRejectedFor.Length];
        _timer = time.CreateTimer(static state => ((RefusalReport)state!).Report(), this, period, period);
    }

    /// <summary>Logs what was refused since the last report, if anything. Safe from any thread.</summary>
    public void Report()
    {
        lock (_lock)
        {
            var dropped = Interlocked.Read(ref _counters.Predictions.DroppedBufferFull);
            if (dropped > _reportedDropped)
            {
                Log.RecordsDropped(_log, dropped - _reportedDropped, dropped);
                _reportedDropped = dropped;
            }

            var rejected = Interlocked.Read(ref _counters.Predictions.RejectedInvalid);
            if (rejected > _reportedRejected)
            {
                Log.RecordsRejected(_log, rejected - _reportedRejected);
                _reportedRejected = rejected;
            }

            var outcomesDropped = Interlocked.Read(ref _counters.Outcomes.DroppedBufferFull);
            if (outcomesDropped > _reportedOutcomesDropped)
            {
                Log.OutcomesDropped(_log, outcomesDropped - _reportedOutcomesDropped, outcomesDropped);
                _reportedOutcomesDropped = outcomesDropped;
            }

            ReportOutcomesRejected();
        }
    }

    // By reason: a caller of TryLogOutcome sees only false, and outcomes fail in more ways than predictions.
    private void ReportOutcomesRejected()
    {
        List<string>? reasons = null;
        long total = 0;
        for (var i = 0; i < _reportedOutcomesRejectedFor.Length; i++)
        {
            var rejected = Interlocked.Read(ref _counters.OutcomesRejectedFor[i]);
            if (rejected > _reportedOutcomesRejectedFor[i])
            {
                var since = rejected - _reportedOutcomesRejectedFor[i];
                (reasons ??= []).Add($"{since} {OutcomeRefusals.Describe((OutcomeRefusal)i)}");
                total += since;
                _reportedOutcomesRejectedFor[i] = rejected;
            }
        }

        if (reasons is not null)
        {
            Log.OutcomesRejected(_log, total, string.Join("; ", reasons));
        }
    }

    /// <summary>Stops the timer; <see cref="Report"/> still works.</summary>
    public void Dispose() => _timer.Dispose();
}
