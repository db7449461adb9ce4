namespace DriftJobs.InferenceLogger;

/// <summary>
/// Every count the logger keeps. TryLog only touches these with Interlocked (an instrument call on the request
/// path would cost more); the meter reads them through observable instruments.
/// </summary>
internal sealed class LoggerCounters
{
    // Records accepted and not yet written (queued, or held by the writer), predictions and outcomes together: the
    // buffer TryLog and TryLogOutcome bound. The one count every call must share; the accepted counts are striped
    // so that they add no second contended line.
    public long Pending;
    public long FilesWritten;
    public long UploadFailures;
    public long UnknownFeatures;

    public LoggerCounters(IReadOnlyList<string> columns)
    {
        Columns = columns;
        Missing = new long[columns.Count];
        Coerced = new long[columns.Count];
        Nulled = new long[columns.Count];
    }

    public RecordCounters Predictions { get; } = new();

    public RecordCounters Outcomes { get; } = new();

    // Why outcomes were refused, by OutcomeRefusal: the reason is the one thing a caller of a Try method cannot see.
    public long[] OutcomesRejectedFor { get; } = new long[OutcomeRefusals.Count];

    /// <summary>The columns whose values are conformed: the features, then prediction and prediction_score.</summary>
    public IReadOnlyList<string> Columns { get; }

    public long[] Missing { get; }

    public long[] Coerced { get; }

    public long[] Nulled { get; }

    public static long Read(ref long counter) => Interlocked.Read(ref counter);

    /// <summary>The predictions' counts and the shared ones.</summary>
    public CounterSnapshot Snapshot() => new(
        Predictions.Accepted.Read(),
        Read(ref Predictions.DroppedBufferFull),
        Read(ref Predictions.DroppedStopped),
        Read(ref Predictions.RejectedInvalid),
        Read(ref Predictions.Written),
        Read(ref Predictions.Spilled),
        Read(ref Predictions.Replayed),
        Read(ref Predictions.Lost),
        Read(ref FilesWritten),
        Read(ref UploadFailures),
        Read(ref UnknownFeatures),
        Sum(Missing),
        Sum(Coerced),
        Sum(Nulled));

    private static long Sum(long[] counters)
    {
        long sum = 0;
        for (var i = 0; i < counters.Length; i++)
        {
            sum += Interlocked.Read(ref counters[i]);
        }

        return sum;
    }
}

/// <summary>A consistent-enough copy of the counters, for tests and shutdown reports.</summary>
internal readonly record struct CounterSnapshot(
    long Accepted,
    long DroppedBufferFull,
    long DroppedStopped,
    long RejectedInvalid,
    long RecordsWritten,
    long RecordsSpilled,
    long RecordsReplayed,
    long RecordsLost,
    long FilesWritten,
    long UploadFailures,
    long UnknownFeatures,
    long MissingValues,
    long CoercedValues,
    long NulledValues);
