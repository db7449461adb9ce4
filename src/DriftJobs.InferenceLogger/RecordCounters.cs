namespace DriftJobs.InferenceLogger;

/// <summary>
/// What became of one kind of record (predictions, or outcomes): refused, accepted, and each accepted one's end.
/// Touched with Interlocked only, like the rest of <see cref="LoggerCounters"/>.
/// </summary>
internal sealed class RecordCounters
{
    public long DroppedBufferFull;
    public long DroppedStopped;
    public long RejectedInvalid;
    public long Written;
    public long Spilled;
    public long Replayed;
    public long Lost;

    // Striped: on the request path every TryLog adds to it, and one shared line would be contended.
    public StripedCounter Accepted { get; } = new();
}
