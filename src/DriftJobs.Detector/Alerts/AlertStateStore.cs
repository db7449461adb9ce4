using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using DriftJobs.Storage;
using Microsoft.Extensions.Logging;

namespace DriftJobs.Detector.Alerts;

/// <summary>A read alert state and the ETag to write it back against (null: there was none).</summary>
internal sealed record StoredAlertState(AlertStateDocument? Document, ETag? ETag);

/// <summary>Reads and writes drift-reports/{model}/alert-state.json, every write conditional on what was read.</summary>
internal sealed partial class AlertStateStore(BlobContainerClient container, ILogger logger)
{

    public static string BlobName(string model) => StorageLayout.AlertStateBlobName(model);

    /// <summary>
    /// The stored state. One that cannot be read (hand-edited, truncated) is reported and treated as empty, to be
    /// replaced: the cost is one repeat of the alerts still firing, where failing would stop every alert.
    /// </summary>
    public async Task<StoredAlertState> ReadAsync(string model, CancellationToken cancellationToken = default)
    {
        var name = BlobName(model);
        try
        {
            var content = await container.GetBlobClient(name).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            var etag = content.Value.Details.ETag;
            try
            {
                var document = AlertStateJson.Read(content.Value.Content.ToMemory().Span, $"{container.Name}/{name}");
                if (document.ModelName != model)
                {
                    throw new InvalidDataException($"{container.Name}/{name}: model_name '{document.ModelName}' is not '{model}'.");
                }

                return new StoredAlertState(document, etag);
            }
            catch (InvalidDataException e)
            {
                LogUnreadable(logger, e.Message);
                return new StoredAlertState(null, etag);
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return new StoredAlertState(null, null);
        }
    }

    /// <summary>Writes <paramref name="document"/> if the blob is still as read; false when another writer got in between.</summary>
    public async Task<bool> TryWriteAsync(AlertStateDocument document, ETag? readETag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        var conditions = readETag is { } etag ? new BlobRequestConditions { IfMatch = etag } : new BlobRequestConditions { IfNoneMatch = ETag.All };
        try
        {
            await container.GetBlobClient(BlobName(document.ModelName)).UploadAsync(
                new BinaryData(AlertStateJson.Serialize(document)),
                new BlobUploadOptions { Conditions = conditions, HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert state unreadable, starting afresh (alerts still firing are sent once more): {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string reason);
}
