namespace DriftJobs.InferenceLogger;

/// <summary>
/// One kind of file <see cref="LogFileDelivery"/> writes (prediction logs, ground truth): the prefix its files go
/// under, how its records are encoded, and what becomes of them. Everything else (naming, upload, spill, replay,
/// backoff) the kinds share.
/// </summary>
internal sealed class RecordFiles<T>(string root, IBatchEncoder<T> encoder, RecordCounters counts)
    where T : struct, IHourPartitioned
{
    public string Root { get; } = root;

    public IBatchEncoder<T> Encoder { get; } = encoder;

    public RecordCounters Counts { get; } = counts;

    /// <summary>Whether a blob (or spill file) name is one of this kind's.</summary>
    public bool Owns(string blobName) => LogFileNames.IsWithin(Root, blobName);
}
