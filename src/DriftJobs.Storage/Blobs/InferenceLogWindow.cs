using System.Collections.Concurrent;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace DriftJobs.Storage.Blobs;

/// <summary>One Parquet blob of a window (inference log or ground truth), and the hour whose partition holds it.</summary>
internal sealed record LogBlob(string Name, long Size, ETag ETag, DateTimeOffset Hour);

internal static class InferenceLogWindow
{
    // Listings are small round trips; a few in flight hide the latency without hammering the account.
    private const int ListingConcurrency = 8;

    // Symbolic links are not followed: a link to another hour (or a loop) would count the same file twice under
    // another name, which a container's listing never does. Hidden names are listed, as blob names would be.
    private static readonly EnumerationOptions LocalEnumeration = new()
    {
        RecurseSubdirectories = true,
        AttributesToSkip = FileAttributes.ReparsePoint,
        IgnoreInaccessible = false,
    };

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
        HourTree tree = HourTree.InferenceLogs,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(layout);
        var listings = StorageLayout.WindowHours(windowEnd, hours)
            .SelectMany(hour => layout.HourPrefixes(hour, tree).Select(prefix => (hour, prefix)))
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

    /// <summary>
    /// The same files as <see cref="ListAsync"/> would list, from a directory holding the container's layout (the
    /// container mounted with the Blob CSI driver or blobfuse, or a copy of it): <paramref name="root"/>/{logs
    /// prefix}/year=…/hour=…/**/*.parquet. Names are relative to <paramref name="root"/> with '/' separators, as blob
    /// names are, so reports do not depend on where the logs were read from. Symbolic links below the hour folders are
    /// not followed. Sorted by name (ordinal).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException"><paramref name="root"/> does not exist.</exception>
    public static IReadOnlyList<LogBlob> ListLocal(string root, StorageLayout layout, DateTimeOffset windowEnd, int hours, HourTree tree = HourTree.InferenceLogs)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentNullException.ThrowIfNull(layout);
        var full = Path.GetFullPath(root);
        if (!Directory.Exists(full))
        {
            throw new DirectoryNotFoundException($"Logs directory '{root}' does not exist.");
        }

        var found = new Dictionary<string, LogBlob>(StringComparer.Ordinal);
        foreach (var hour in StorageLayout.WindowHours(windowEnd, hours))
        {
            foreach (var prefix in layout.HourPrefixes(hour, tree))
            {
                var directory = Path.Combine(full, prefix.Replace('/', Path.DirectorySeparatorChar));
                if (!Directory.Exists(directory))
                {
                    continue;
                }

                foreach (var file in new DirectoryInfo(directory).EnumerateFiles("*", LocalEnumeration))
                {
                    if (file.Name.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
                    {
                        var name = Path.GetRelativePath(full, file.FullName).Replace(Path.DirectorySeparatorChar, '/');
                        // A mounted file has no ETag: its last write stands for one, so a rewritten file is seen as changed.
                        found.TryAdd(name, new LogBlob(name, file.Length, new ETag($"\"{file.LastWriteTimeUtc.Ticks:x}\""), hour));
                    }
                }
            }
        }

        return found.Values.OrderBy(b => b.Name, StringComparer.Ordinal).ToList();
    }
}
