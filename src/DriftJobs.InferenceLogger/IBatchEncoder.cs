namespace DriftJobs.InferenceLogger;

/// <summary>Turns one file's worth of queued records into the bytes of a Parquet file.</summary>
internal interface IBatchEncoder<T>
{
    /// <summary>Encodes <paramref name="records"/> (non-empty) into the bytes of one Parquet file.</summary>
    Task<ReadOnlyMemory<byte>> EncodeAsync(IReadOnlyList<T> records, CancellationToken cancellationToken = default);
}
