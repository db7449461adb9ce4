using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace DriftJobs.InferenceLogger;

/// <summary>What happened to a create-only upload.</summary>
internal enum UploadOutcome
{
    /// <summary>The blob was created with our content.</summary>
    Created,

    /// <summary>
    /// A blob with this name and exactly our content already exists: an earlier attempt succeeded although its
    /// response was lost, or a spilled file was uploaded before the process stopped. Nothing to do.
    /// </summary>
    AlreadyPresent,

    /// <summary>Another file holds the name; it was left untouched and the content needs another name.</summary>
    NameTaken,
}

/// <summary>
/// Uploads finished log files create-only (<c>If-None-Match: *</c>), so no file is ever overwritten. The MD5 sent
/// with the content is stored by the service and tells a retried upload of the same file from a name clash.
/// </summary>
internal sealed class LogFileUploader(BlobContainerClient container)
{
    public const string ContentType = "application/vnd.apache.parquet";

    // Never written: asking for its properties tells a missing container (ContainerNotFound) from an existing one
    // (BlobNotFound) with a credential that may read blobs but not the container's properties (a container SAS).
    private const string CheckBlobName = "inference-logger-container-check";

    public string ContainerName => container.Name;

    public string AccountName => container.AccountName;

    /// <summary>Creates the container unless it exists; true when it was created.</summary>
    public async Task<bool> CreateContainerIfNotExistsAsync(CancellationToken cancellationToken = default) =>
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>Whether the container exists; null when the credential may not tell.</summary>
    public async Task<bool?> ContainerExistsAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return (await container.ExistsAsync(cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 403)
        {
            // A container-scoped SAS may not read the container's properties: ask about a blob instead.
        }

        try
        {
            await container.GetBlobClient(CheckBlobName).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return e.ErrorCode != StorageFailure.ContainerNotFound;
        }
        catch (RequestFailedException e) when (e.Status == 403)
        {
            return null;
        }
    }

    [SuppressMessage("Security", "CA5351:Do Not Use Broken Cryptographic Algorithms", Justification = "Content-MD5 is the checksum Azure Storage stores and compares; it identifies content, it protects nothing.")]
    public static byte[] ContentHash(ReadOnlySpan<byte> content) => MD5.HashData(content);

    public async Task<UploadOutcome> UploadAsync(string blobName, ReadOnlyMemory<byte> content, byte[] contentHash, CancellationToken cancellationToken = default)
    {
        var blob = container.GetBlobClient(blobName);
        var options = new BlobUploadOptions
        {
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            HttpHeaders = new BlobHttpHeaders { ContentType = ContentType, ContentHash = contentHash },
        };
        try
        {
            await blob.UploadAsync(BinaryData.FromBytes(content), options, cancellationToken).ConfigureAwait(false);
            return UploadOutcome.Created;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            var existing = await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return existing.Value.ContentHash is { } hash && hash.AsSpan().SequenceEqual(contentHash)
                ? UploadOutcome.AlreadyPresent
                : UploadOutcome.NameTaken;
        }
    }

    /// <summary>
    /// Whether the service answers: true on any answer but a server error or throttling (a 403 or 404 still says the
    /// service is back; the upload that follows tells what is wrong), false when it cannot be reached.
    /// </summary>
    public async Task<bool> ProbeAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await container.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is >= 400 and < 500 and not 408 and not 429)
        {
            return true;
        }
#pragma warning disable CA1031 // Whatever else the SDK throws, storage did not answer.
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }
}
