using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace DriftJobs.Storage.Blobs;

internal static class BlobReads
{
    /// <summary>Blobs up to this size are downloaded in one go; larger ones are read through a seekable buffered stream.</summary>
    public const long InMemoryLimit = 128L * 1024 * 1024;

    /// <summary>Blobs up to this size are downloaded into a caller's reused buffer; a larger one gets its own, so that one
    /// large file does not leave every reader holding a buffer its size for the rest of the run.</summary>
    public const long ReuseLimit = 32L * 1024 * 1024;

    private const int StreamBufferSize = 4 * 1024 * 1024;

    /// <summary>
    /// A seekable stream over a blob, as the Parquet reader needs (it starts from the footer). With
    /// <paramref name="ifMatch"/> (the ETag a listing saw) the read fails rather than mixing in a blob rewritten since.
    /// </summary>
    /// <exception cref="IOException">The blob disappeared or changed after it was listed.</exception>
    public static async Task<Stream> OpenSeekableAsync(BlobClient blob, long? knownSize = null, ETag? ifMatch = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var conditions = ifMatch is { } etag && etag != default ? new BlobRequestConditions { IfMatch = etag } : null;
        try
        {
            if (knownSize is { } size && size <= InMemoryLimit)
            {
                var content = await blob.DownloadContentAsync(new BlobDownloadOptions { Conditions = conditions }, cancellationToken).ConfigureAwait(false);
                return content.Value.Content.ToStream();
            }

            return await OpenSequentialAsync(blob, conditions, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            throw Vanished(blob, e);
        }
    }

    /// <summary>
    /// As <see cref="OpenSeekableAsync(BlobClient, long?, ETag?, CancellationToken)"/>, but a blob of up to
    /// <see cref="ReuseLimit"/> bytes is downloaded into <paramref name="reuse"/>, which is returned: a job reading
    /// hundreds of small files keeps one buffer per reader instead of allocating (and collecting) one per file. A
    /// larger blob gets its own stream, which the caller disposes; <paramref name="reuse"/> is never to be disposed by it.
    /// </summary>
    /// <exception cref="IOException">The blob disappeared or changed after it was listed.</exception>
    /// <param name="reuseLimit">Largest blob read into <paramref name="reuse"/>; <see cref="ReuseLimit"/> unless the caller
    /// keeps the whole file in <paramref name="reuse"/> anyway (the baseline job's readers share it).</param>
    public static async Task<Stream> OpenSeekableAsync(
        BlobClient blob, long knownSize, ETag? ifMatch, MemoryStream reuse, CancellationToken cancellationToken = default, long reuseLimit = ReuseLimit)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(reuse);
        if (knownSize > Math.Min(reuseLimit, InMemoryLimit))
        {
            return await OpenSeekableAsync(blob, knownSize, ifMatch, cancellationToken).ConfigureAwait(false);
        }

        var conditions = ifMatch is { } etag && etag != default ? new BlobRequestConditions { IfMatch = etag } : null;
        reuse.SetLength(0);
        try
        {
            await blob.DownloadToAsync(reuse, new BlobDownloadToOptions { Conditions = conditions }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            throw Vanished(blob, e);
        }

        reuse.Position = 0;
        return reuse;
    }

    /// <summary>A forward, buffered stream over a blob (CSV).</summary>
    public static async Task<Stream> OpenSequentialAsync(BlobClient blob, ETag? ifMatch = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var conditions = ifMatch is { } etag && etag != default ? new BlobRequestConditions { IfMatch = etag } : null;
        try
        {
            return await OpenSequentialAsync(blob, conditions, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            throw Vanished(blob, e);
        }
    }

    private static Task<Stream> OpenSequentialAsync(BlobClient blob, BlobRequestConditions? conditions, CancellationToken cancellationToken) =>
        blob.OpenReadAsync(new BlobOpenReadOptions(allowModifications: false) { BufferSize = StreamBufferSize, Conditions = conditions }, cancellationToken);

    private static IOException Vanished(BlobClient blob, RequestFailedException e) =>
        new($"Blob '{blob.Name}' was deleted or rewritten after it was listed (HTTP {e.Status}); run again to read a consistent set.", e);
}
