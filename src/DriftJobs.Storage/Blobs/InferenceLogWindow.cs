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

    // A day is listed whole (one listing per spelling of its month and day) once the window covers this many of its
    // hours; below, hour by hour. A day's listing returns at most twice the names the window needs, in a page or a few
    // (5,000 names a page), instead of one round trip per hour and spelling: 24 hours take ~2-8 listings, not ~40.
    internal const int WholeDayFrom = 12;

    /// <summary>
    /// The Parquet blobs (any depth below the hour folder, name ending in .parquet) of exactly the hours of
    /// [<paramref name="windowEnd"/> − <paramref name="hours"/>, <paramref name="windowEnd"/>): per UTC day, one
    /// prefix listing per spelling of the day when the window covers at least <see cref="WholeDayFrom"/> of its hours
    /// (names of other hours dropped), else one per spelling of each hour (see <see cref="StorageLayout.HourPrefixes"/>);
    /// never a listing of the whole tree. Sorted by name (ordinal) so runs are reproducible.
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
        // Each listing: its prefix, and either the one hour it holds or (a whole day) the day and its hours to keep.
        var listings = new List<(string Prefix, DateTimeOffset? Hour, DateTimeOffset Day, HashSet<DateTimeOffset>? Keep)>();
        foreach (var day in StorageLayout.WindowHours(windowEnd, hours).GroupBy(h => new DateTimeOffset(h.UtcDateTime.Date, TimeSpan.Zero)))
        {
            if (day.Count() >= WholeDayFrom)
            {
                var keep = day.ToHashSet();
                listings.AddRange(layout.DayPrefixes(day.Key, tree).Select(prefix => (prefix, (DateTimeOffset?)null, day.Key, (HashSet<DateTimeOffset>?)keep)));
            }
            else
            {
                listings.AddRange(day.SelectMany(hour => layout.HourPrefixes(hour, tree).Select(prefix => (prefix, (DateTimeOffset?)hour, day.Key, (HashSet<DateTimeOffset>?)null))));
            }
        }

        var found = new ConcurrentDictionary<string, LogBlob>(StringComparer.Ordinal);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = ListingConcurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(listings, parallel, async (listing, token) =>
        {
            var blobs = container.GetBlobsAsync(new GetBlobsOptions { Prefix = listing.Prefix }, token);
            await foreach (var blob in blobs.ConfigureAwait(false))
            {
                if (!blob.Name.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) || blob.Deleted)
                {
                    continue;
                }

                var hour = listing.Hour;
                if (listing.Keep is { } keep)
                {
                    // A day's listing: the hour is the folder below the day, and only the window's hours are kept.
                    hour = StorageLayout.HourFolder(blob.Name.AsSpan(listing.Prefix.Length)) is { } h && keep.Contains(listing.Day.AddHours(h))
                        ? listing.Day.AddHours(h)
                        : null;
                }

                if (hour is { } inWindow)
                {
                    found.TryAdd(blob.Name, new LogBlob(blob.Name, blob.Properties.ContentLength ?? 0, blob.Properties.ETag ?? default, inWindow));
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
