namespace DriftJobs.InferenceLogger;

/// <summary>
/// The logger's counts since it was created, from <see cref="BlobInferenceLogger.GetCounters"/> — for a health
/// endpoint or a shutdown report; the <c>DriftJobs.InferenceLogger</c> meter reports the same counts. Each count is
/// read on its own while the logger runs, so two of them may be a few records apart.
/// </summary>
/// <remarks>
/// Every accepted record ends up as exactly one of: <see cref="Written"/>, <see cref="Lost"/>, still held in memory
/// (<see cref="BufferDepth"/>), or waiting in the spill directory (counted in <see cref="Spilled"/>, not yet in
/// <see cref="Written"/>). Records from spill files an earlier process left are not this process's: they count
/// in <see cref="Replayed"/> only. Outcomes (<see cref="IInferenceLogger.TryLogOutcome"/>) are counted apart, in the
/// <c>Outcomes…</c> counts, the same way; files, upload failures, the buffer and the spill directory they share.
/// </remarks>
public sealed record InferenceLoggerCounters
{
    /// <summary>Records <see cref="IInferenceLogger.TryLog"/> accepted.</summary>
    public long Accepted { get; init; }

    /// <summary>Records refused because the buffer was full (<see cref="InferenceLoggerOptions.BufferCapacity"/>).</summary>
    public long DroppedBufferFull { get; init; }

    /// <summary>Records refused because the logger was stopping.</summary>
    public long DroppedStopped { get; init; }

    /// <summary>Records refused as invalid (null, or a model name or version that cannot be part of a file name).</summary>
    public long Rejected { get; init; }

    /// <summary>
    /// Records this process accepted and uploaded, directly or from the spill directory after spilling them itself.
    /// </summary>
    public long Written { get; init; }

    /// <summary>Records this process wrote to the spill directory while storage was unavailable.</summary>
    public long Spilled { get; init; }

    /// <summary>Records from spill files an earlier process left, uploaded by this one (not in <see cref="Written"/>).</summary>
    public long Replayed { get; init; }

    /// <summary>Accepted records that could not be written (the shutdown timeout passed with nowhere to spill, or encoding failed).</summary>
    public long Lost { get; init; }

    /// <summary>Parquet files uploaded, log and ground-truth files, replayed ones included.</summary>
    public long FilesWritten { get; init; }

    /// <summary>Upload attempts that failed (each after the SDK's retries, or at <see cref="InferenceLoggerOptions.UploadTimeout"/>).</summary>
    public long UploadFailures { get; init; }

    /// <summary>Records accepted and still held in memory (queued or being written), predictions and outcomes.</summary>
    public long BufferDepth { get; init; }

    /// <summary>Files in the spill directory waiting for storage, this process's and earlier ones'.</summary>
    public int SpillFilesWaiting { get; init; }

    /// <summary>When the current storage outage began (its first failed upload), or null while uploads succeed.</summary>
    public DateTimeOffset? StorageUnavailableSince { get; init; }

    /// <summary>Outcomes <see cref="IInferenceLogger.TryLogOutcome"/> accepted.</summary>
    public long OutcomesAccepted { get; init; }

    /// <summary>Outcomes refused because the buffer was full (<see cref="InferenceLoggerOptions.BufferCapacity"/>, shared with predictions).</summary>
    public long OutcomesDroppedBufferFull { get; init; }

    /// <summary>Outcomes refused because the logger was stopping.</summary>
    public long OutcomesDroppedStopped { get; init; }

    /// <summary>Outcomes refused as invalid (see <see cref="IInferenceLogger.TryLogOutcome"/>; the meter and the log give the reasons).</summary>
    public long OutcomesRejected { get; init; }

    /// <summary>Outcomes this process accepted and uploaded, directly or from the spill directory after spilling them itself.</summary>
    public long OutcomesWritten { get; init; }

    /// <summary>Outcomes this process wrote to the spill directory while storage was unavailable.</summary>
    public long OutcomesSpilled { get; init; }

    /// <summary>Outcomes from spill files an earlier process left, uploaded by this one (not in <see cref="OutcomesWritten"/>).</summary>
    public long OutcomesReplayed { get; init; }

    /// <summary>Accepted outcomes that could not be written (the shutdown timeout passed with nowhere to spill, or encoding failed).</summary>
    public long OutcomesLost { get; init; }
}
