using Azure.Storage.Blobs;

namespace DriftJobs.Storage.Blobs;

/// <summary>The logs read through the Blob API: one prefix listing per spelling of each hour, reads bound to the listed ETag.</summary>
internal sealed class BlobLogSource(BlobContainerClient container, StorageLayout layout) : InferenceLogSource
{
    public override Task<IReadOnlyList<LogBlob>> ListAsync(HourTree tree, DateTimeOffset windowEnd, int hours, CancellationToken cancellationToken = default) =>
        InferenceLogWindow.ListAsync(container, layout, windowEnd, hours, tree, cancellationToken);

    public override Task<Stream> OpenAsync(LogBlob file, MemoryStream downloadBuffer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        return BlobReads.OpenSeekableAsync(container.GetBlobClient(file.Name), file.Size, file.ETag, downloadBuffer, cancellationToken);
    }
}
