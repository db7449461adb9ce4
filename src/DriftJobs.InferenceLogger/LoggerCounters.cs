namespace DriftJobs.InferenceLogger;

/// <summary>
/// Every count the logger keeps. TryLog only touches these with Interlocked (an instrument call on the request
/// path would cost more); the meter reads them through observable instruments.
/// </summary>
internal sealed class LoggerCounters
{
    // Records accepted and not yet written (queued, or held by the writer): the buffer TryLog bounds. The one
    // count every TryLog must share; the accepted count is striped so that it adds no second contended line.
    public long Pending;
    public long DroppedBufferFull;
    public long DroppedStopped;
    public long RejectedInvalid;
    public long RecordsWritten;
    public long RecordsSpilled;
    public long RecordsReplayed;
    public long RecordsLost;
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

    public StripedCounter Accepted { get; } = new();

    /// <summary>The columns whose values are conformed: the features, then prediction and prediction_score.</summary>
    public IReadOnlyList<string> Columns { get; }

    public long[] Missing { get; }

    public long[] Coerced { get; }

    public long[] Nulled { get; }

    public static long Read(ref long counter) => Interlocked.Read(ref counter);

    public CounterSnapshot Snapshot() => new(
        Accepted.Read(),
        Read(ref DroppedBufferFull),
        Read(ref DroppedStopped),
        Read(ref RejectedInvalid),
        Read(ref RecordsWritten),
        Read(ref RecordsSpilled),
        Read(ref RecordsReplayed),
        Read(ref RecordsLost),
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
