using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace DriftJobs.Detector.Alerts;

/// <summary>
/// A small JSON document kept between runs (the alert state, the performance trend), read with its ETag and written
/// back only if nobody changed it in between: two runs of the same model (a retry overlapping a late run) never
/// silently overwrite each other's state.
/// </summary>
internal static class StateBlob
{
    /// <summary>The blob's content and ETag; (null, null) when there is none.</summary>
    public static async Task<(BinaryData? Content, ETag? ETag)> ReadAsync(BlobContainerClient container, string name, CancellationToken cancellationToken = default)
    {
        try
        {
            var content = await container.GetBlobClient(name).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return (content.Value.Content, content.Value.Details.ETag);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return (null, null);
        }
    }

    /// <summary>Writes the document if the blob is still as read (absent when <paramref name="readETag"/> is null); false when another writer got in between.</summary>
    public static async Task<bool> TryWriteAsync(BlobContainerClient container, string name, byte[] json, ETag? readETag, CancellationToken cancellationToken = default)
    {
        var conditions = readETag is { } etag ? new BlobRequestConditions { IfMatch = etag } : new BlobRequestConditions { IfNoneMatch = ETag.All };
        try
        {
            await container.GetBlobClient(name).UploadAsync(
                new BinaryData(json),
                new BlobUploadOptions { Conditions = conditions, HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }
}
