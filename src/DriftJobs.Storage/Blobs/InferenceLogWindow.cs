using System.Collections.Concurrent;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace DriftJobs.Storage;

/// <summary>One Parquet inference-log blob of a window, and the hour whose partition holds it.</summary>
internal sealed record LogBlob(string Name, long Size, ETag ETag, DateTimeOffset Hour);

internal static class InferenceLogWindow
{
    // Listings are small round trips; a few in flight hide the latency without hammering the account.
    private const int ListingConcurrency = 8;

    /// <summary>
    /// The Parquet blobs (any depth below the hour folder, name ending in .parquet) of exactly the hours of
    /// [<paramref name="windowEnd"/> − <paramref name="hours"/>, <paramref name="windowEnd"/>): one prefix listing per
    /// spelling of each hour (see <see cref="StorageLayout.HourPrefixes"/>), never a listing of the whole tree.
    /// Sorted by name (ordinal) so runs are reproducible.
    /// </summary>
    public static async Task<IReadOnlyList<LogBlob>> ListAsync(
        BlobContainerClient container,
        StorageLayout layout,
        DateTimeOffset windowEnd,
        int hours,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(layout);
        var listings = StorageLayout.WindowHours(windowEnd, hours)
            .SelectMany(hour => layout.HourPrefixes(hour).Select(prefix => (hour, prefix)))
            .ToList();

        var found = new ConcurrentDictionary<string, LogBlob>(StringComparer.Ordinal);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = ListingConcurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(listings, parallel, async (listing, token) =>
        {
            var blobs = container.GetBlobsAsync(new GetBlobsOptions { Prefix = listing.prefix }, token);
            await foreach (var blob in blobs.ConfigureAwait(false))
            {
                if (blob.Name.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) && !blob.Deleted)
                {
                    found.TryAdd(blob.Name, new LogBlob(blob.Name, blob.Properties.ContentLength ?? 0, blob.Properties.ETag ?? default, listing.hour));
                }
            }
        }).ConfigureAwait(false);

        return found.Values.OrderBy(b => b.Name, StringComparer.Ordinal).ToList();
    }
}
