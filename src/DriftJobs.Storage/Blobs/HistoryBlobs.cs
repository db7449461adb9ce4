using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using DriftJobs.Core.Reports.History;

namespace DriftJobs.Storage.Blobs;

/// <summary>Reads a model version's history days (drift-reports/{model}/history/{version}/), for the detector and driftctl.</summary>
internal static class HistoryBlobs
{
    /// <summary>The days stored, oldest first: one listing of at most the retention's few dozen names.</summary>
    public static async Task<IReadOnlyList<DateOnly>> ListDaysAsync(BlobContainerClient container, string model, string version, CancellationToken cancellationToken = default)
    {
        var prefix = StorageLayout.HistoryPrefix(model, version);
        var days = new List<DateOnly>();
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken).ConfigureAwait(false))
        {
            if (StorageLayout.HistoryDayOf(prefix, blob.Name) is { } day)
            {
                days.Add(day);
            }
        }

        days.Sort();
        return days;
    }

    /// <summary>One day; null when none is stored.</summary>
    /// <exception cref="InvalidDataException">The blob is not a history day this version reads; the message names it.</exception>
    public static async Task<DriftHistoryDay?> ReadDayAsync(BlobContainerClient container, string model, string version, DateOnly day, CancellationToken cancellationToken = default)
    {
        var name = StorageLayout.HistoryBlobName(model, version, day);
        try
        {
            var content = await container.GetBlobClient(name).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return Parse(content.Value.Content, container, model, version, day);
        }
        catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode == BlobErrorCode.BlobNotFound)
        {
            return null;
        }
    }

    /// <summary>The <paramref name="hours"/> hours up to <paramref name="end"/>: their few day blobs, read at once.</summary>
    /// <param name="known">A day already in hand (the one just written), used instead of reading it again.</param>
    public static async Task<DriftHistorySeries> ReadSeriesAsync(
        BlobContainerClient container, string model, string version, DateTimeOffset end, int hours = DriftHistory.DefaultHours, DriftHistoryDay? known = null, CancellationToken cancellationToken = default)
    {
        var reads = DriftHistory.DaysOf(end, hours)
            .Select(day => known is not null && known.Day == day ? Task.FromResult<DriftHistoryDay?>(known) : ReadDayAsync(container, model, version, day, cancellationToken));
        var days = await Task.WhenAll(reads).ConfigureAwait(false);
        return DriftHistory.Series(model, version, days.OfType<DriftHistoryDay>(), end, hours);
    }

    /// <summary>The stored day of <paramref name="model"/> <paramref name="version"/>; anything else in its place is refused, so it is never appended to.</summary>
    /// <exception cref="InvalidDataException">Naming the container and blob.</exception>
    public static DriftHistoryDay Parse(BinaryData content, BlobContainerClient container, string model, string version, DateOnly day)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(container);
        var source = $"{container.Name}/{StorageLayout.HistoryBlobName(model, version, day)}";
        var stored = DriftHistoryJson.ReadDay(content.ToMemory().Span, source);
        if (stored.Day != day || stored.ModelName != model || stored.ModelVersion != version)
        {
            throw new InvalidDataException(
                $"{source}: it holds {stored.ModelName} {stored.ModelVersion} on {stored.Day:yyyy-MM-dd}, not the model version and day it is named after.");
        }

        return stored;
    }
}
