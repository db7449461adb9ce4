using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace DriftJobs.Detector.Alerts;

/// <summary>
/// A small document kept between runs (the alert state, the performance trend, the history, the index), read with its
/// ETag and written back only if nobody changed it in between: two runs of the same model (a retry overlapping a late
/// run) never silently overwrite each other's state.
/// </summary>
internal static class StateBlob
{
    public const string JsonContentType = "application/json";

    /// <summary>Read-change-write rounds <see cref="UpdateAsync"/> tries before giving up; each lost round means another writer's round won.</summary>
    public const int MaxUpdateAttempts = 8;

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
    public static Task<bool> TryWriteAsync(BlobContainerClient container, string name, byte[] json, ETag? readETag, CancellationToken cancellationToken = default) =>
        TryWriteAsync(container, name, new BinaryData(json), readETag, JsonContentType, cancellationToken);

    /// <summary>
    /// Reads the blob, hands its content (null when there is none) to <paramref name="change"/> and writes what that
    /// returns if the blob is still as read; when another writer got in between, reads again and changes their
    /// version, so both writes survive. <paramref name="change"/> returning null leaves the blob alone; its exceptions
    /// (an unreadable document) leave it alone too.
    /// </summary>
    /// <returns>What was written; null when <paramref name="change"/> kept the blob as it was.</returns>
    /// <exception cref="IOException">Other writers changed the blob during each of <see cref="MaxUpdateAttempts"/> rounds.</exception>
    public static async Task<BinaryData?> UpdateAsync(
        BlobContainerClient container, string name, Func<BinaryData?, BinaryData?> change, string contentType = JsonContentType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        for (var attempt = 1; attempt <= MaxUpdateAttempts; attempt++)
        {
            var (content, etag) = await ReadAsync(container, name, cancellationToken).ConfigureAwait(false);
            if (change(content) is not { } next)
            {
                return null;
            }

            if (await TryWriteAsync(container, name, next, etag, contentType, cancellationToken).ConfigureAwait(false))
            {
                return next;
            }

            // Spread the racers out, more at each round, so one of them wins the next.
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 40) * attempt), cancellationToken).ConfigureAwait(false);
        }

        throw new IOException($"{container.Name}/{name} could not be updated: other writers changed it during each of {MaxUpdateAttempts} attempts.");
    }

    private static async Task<bool> TryWriteAsync(BlobContainerClient container, string name, BinaryData content, ETag? readETag, string contentType, CancellationToken cancellationToken)
    {
        var conditions = readETag is { } etag ? new BlobRequestConditions { IfMatch = etag } : new BlobRequestConditions { IfNoneMatch = ETag.All };
        try
        {
            await container.GetBlobClient(name).UploadAsync(
                content,
                new BlobUploadOptions { Conditions = conditions, HttpHeaders = new BlobHttpHeaders { ContentType = contentType } },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }
}
