using Azure;
using Azure.Storage.Blobs;
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
        var (content, etag) = await StateBlob.ReadAsync(container, name, cancellationToken).ConfigureAwait(false);
        if (content is null)
        {
            return new StoredAlertState(null, null);
        }

        try
        {
            var document = AlertStateJson.Read(content.ToMemory().Span, $"{container.Name}/{name}");
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

    /// <summary>Writes <paramref name="document"/> if the blob is still as read; false when another writer got in between.</summary>
    public Task<bool> TryWriteAsync(AlertStateDocument document, ETag? readETag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        return StateBlob.TryWriteAsync(container, BlobName(document.ModelName), AlertStateJson.Serialize(document), readETag, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert state unreadable, starting afresh (alerts still firing are sent once more): {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string reason);
}
