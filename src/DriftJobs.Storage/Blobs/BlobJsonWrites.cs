using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace DriftJobs.Storage.Blobs;

internal enum LatestUpdateOutcome
{
    /// <summary>There was no pointer; it now holds the new document.</summary>
    Created,

    /// <summary>The pointer held an older window (or an unreadable document) and now holds the new one.</summary>
    Replaced,

    /// <summary>The pointer already holds a newer window, or this very document; it was left alone.</summary>
    KeptExisting,
}

internal sealed record LatestUpdate(LatestUpdateOutcome Outcome, DateTimeOffset? ExistingWindowEnd);

/// <summary>The two ways the jobs write JSON: create-only documents, and a pointer that only moves forward.</summary>
internal static class BlobJsonWrites
{
    public const int MaxLatestAttempts = 5;

    /// <summary>
    /// Uploads <paramref name="json"/> in one request, only if no blob has that name (If-None-Match: *), unless
    /// <paramref name="overwrite"/>. Either the whole document is there afterwards or nothing changed.
    /// </summary>
    /// <exception cref="BlobAlreadyExistsException">The blob exists and <paramref name="overwrite"/> is false.</exception>
    public static async Task<ETag> UploadAsync(BlobContainerClient container, string blobName, BinaryData json, bool overwrite = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentException.ThrowIfNullOrEmpty(blobName);
        ArgumentNullException.ThrowIfNull(json);
        var conditions = overwrite ? null : new BlobRequestConditions { IfNoneMatch = ETag.All };
        try
        {
            var response = await container.GetBlobClient(blobName).UploadAsync(json, Options(conditions), cancellationToken).ConfigureAwait(false);
            return response.Value.ETag;
        }
        catch (RequestFailedException e) when (!overwrite && e.Status is 409 or 412)
        {
            throw new BlobAlreadyExistsException($"Blob '{blobName}' already exists in container '{container.Name}'; it was left unchanged.", e)
            {
                BlobName = blobName,
            };
        }
    }

    /// <summary>
    /// Points <paramref name="blobName"/> (latest.json) at <paramref name="json"/> only if its window end, as
    /// <paramref name="windowEndOf"/> reads it, is later than the one stored (or the same window with other content: a rerun), so a late backfill never replaces a
    /// newer window's report. The read-compare-write is guarded by the ETag read (If-Match, or If-None-Match: *
    /// when there is none) and retried when another writer got in between. A stored document whose window end
    /// cannot be read (<paramref name="windowEndOf"/> returns null) is replaced.
    /// </summary>
    /// <exception cref="IOException">Other writers kept changing the blob through every attempt.</exception>
    public static async Task<LatestUpdate> UpdateLatestAsync(
        BlobContainerClient container,
        string blobName,
        BinaryData json,
        Func<BinaryData, DateTimeOffset?> windowEndOf,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentException.ThrowIfNullOrEmpty(blobName);
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(windowEndOf);
        var windowEnd = windowEndOf(json)
            ?? throw new ArgumentException("The new document's window end cannot be read by the given key.", nameof(json));
        var blob = container.GetBlobClient(blobName);

        for (var attempt = 1; attempt <= MaxLatestAttempts; attempt++)
        {
            BlobRequestConditions conditions;
            DateTimeOffset? existingWindowEnd = null;
            try
            {
                var existing = await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
                existingWindowEnd = windowEndOf(existing.Value.Content);
                // A rerun of the same window (late files arrived, a fix) replaces it; only an older window never does.
                if (existingWindowEnd > windowEnd || (existingWindowEnd == windowEnd && existing.Value.Content.ToMemory().Span.SequenceEqual(json.ToMemory().Span)))
                {
                    return new LatestUpdate(LatestUpdateOutcome.KeptExisting, existingWindowEnd);
                }

                conditions = new BlobRequestConditions { IfMatch = existing.Value.Details.ETag };
            }
            catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode == BlobErrorCode.BlobNotFound)
            {
                conditions = new BlobRequestConditions { IfNoneMatch = ETag.All };
            }

            try
            {
                await blob.UploadAsync(json, Options(conditions), cancellationToken).ConfigureAwait(false);
                return new LatestUpdate(conditions.IfMatch is null ? LatestUpdateOutcome.Created : LatestUpdateOutcome.Replaced, existingWindowEnd);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Someone wrote in between: read again and compare with what they wrote.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(10, 50) * attempt), cancellationToken).ConfigureAwait(false);
            }
        }

        throw new IOException(
            $"Blob '{blobName}' could not be updated: other writers changed it during each of {MaxLatestAttempts} attempts.");
    }

    private static BlobUploadOptions Options(BlobRequestConditions? conditions) => new()
    {
        HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
        Conditions = conditions,
    };
}
