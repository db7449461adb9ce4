using Azure.Storage.Blobs;

namespace DriftJobs.Storage.Blobs;

/// <summary>
/// Where a window's inference logs are read from, decided once: the container through the Blob API, or a folder where
/// the container is mounted (DRIFT_LOGS_PATH). Both list the same names for the same files, so reports do not depend
/// on the source.
/// </summary>
internal abstract class InferenceLogSource
{
    /// <param name="container">The container the logs are in.</param>
    /// <param name="layout">Where the hour partitions are.</param>
    /// <param name="mountedPath">A folder holding the container's layout; null or blank: the Blob API.</param>
    /// <param name="mountedPathSetting">The setting <paramref name="mountedPath"/> came from, for messages.</param>
    public static InferenceLogSource Create(BlobContainerClient container, StorageLayout layout, string? mountedPath, string mountedPathSetting) =>
        string.IsNullOrWhiteSpace(mountedPath)
            ? new BlobLogSource(container, layout)
            : new MountedLogSource(mountedPath, layout, mountedPathSetting);

    /// <summary>The log files of exactly the hours of [windowEnd − hours, windowEnd), sorted by name (ordinal).</summary>
    public Task<IReadOnlyList<LogBlob>> ListAsync(DateTimeOffset windowEnd, int hours, CancellationToken cancellationToken = default) =>
        ListAsync(HourTree.InferenceLogs, windowEnd, hours, cancellationToken);

    /// <summary>The Parquet files of one tree (logs or ground truth) of exactly the hours of [windowEnd − hours, windowEnd), sorted by name (ordinal).</summary>
    public abstract Task<IReadOnlyList<LogBlob>> ListAsync(HourTree tree, DateTimeOffset windowEnd, int hours, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens a listed file for reading. It may fill and return <paramref name="downloadBuffer"/> (the caller's, reused
    /// file after file); any other stream returned is the caller's to dispose.
    /// </summary>
    public abstract Task<Stream> OpenAsync(LogBlob file, MemoryStream downloadBuffer, CancellationToken cancellationToken = default);
}
