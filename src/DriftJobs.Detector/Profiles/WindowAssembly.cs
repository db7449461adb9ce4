using System.Collections.Concurrent;
using System.Globalization;
using DriftJobs.Core.Performance;
using DriftJobs.Core.Profiles;
using DriftJobs.Core.Reports;
using DriftJobs.Core.Serialization;
using DriftJobs.Hosting;
using DriftJobs.Detector.Performance;
using DriftJobs.Storage;
using DriftJobs.Storage.Blobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DriftJobs.Detector.Profiles;

/// <summary>
/// Builds a window's profile hour by hour. Counts on the baseline's fixed bins, grid points and categories add up
/// exactly, so the window is the sum of its hours' profiles whichever way each was obtained: kept from an earlier
/// window of this process (a backfill), stored by an earlier run (DRIFT_HOUR_PROFILES=on) or by another shard, or read
/// from the logs now. An hourly run thus reads only the hours whose files changed since they were profiled.
/// <para>
/// With DRIFT_SHARDS = N, shard i reads the hours whose number since the epoch is i modulo N (a share every shard
/// computes alike, whatever it listed); shard 0 then waits, up to DRIFT_SHARD_WAIT_SECONDS, for the others' profiles.
/// </para>
/// </summary>
internal sealed partial class WindowAssembly(
    InferenceLogSource logs,
    HourProfileStore store,
    PerformanceEvaluator performance,
    IOptions<DetectorOptions> options,
    TimeProvider time,
    ILogger<WindowAssembly> logger)
{
    private const int ConcurrentProfileReads = 8;
    private WindowProfiler? _profiler;

    /// <summary>
    /// The window's profile, or null for a shard other than 0 (its hours are stored; the report is shard 0's).
    /// <paramref name="kept"/>, when given, holds the hour profiles of earlier windows of this process and receives
    /// this window's (a backfill's consecutive windows share all but one hour).
    /// </summary>
    public async Task<AssembledWindow?> AssembleAsync(
        BaselineProfile baseline,
        string baselineSha256,
        DateTimeOffset end,
        IReadOnlyList<LogBlob> blobs,
        IDictionary<DateTimeOffset, byte[]>? kept = null,
        CancellationToken cancellationToken = default)
    {
        var o = options.Value;
        var stored = o.UsesHourProfiles;
        var byHour = blobs.GroupBy(b => b.Hour).ToDictionary(g => g.Key, g => g.OrderBy(b => b.Name, StringComparer.Ordinal).ToArray());
        var hours = StorageLayout.WindowHours(end, o.WindowHours).Where(byHour.ContainsKey).ToList();
        var segmented = o.Segmented;
        var window = new WindowProfile(baseline, segmented);
        var estimating = performance.EstimatesDataWindow(baseline);
        var estimate = estimating ? new EstimatedPerformanceAccumulator() : null;
        var tally = new Tally();

        void Add(HourProfile hour, bool read)
        {
            lock (window)
            {
                window.Merge(hour.Window);
                estimate?.Merge(hour.Estimate!);
                tally.Add(hour, read);
            }
        }

        // A profile made without the estimate this run needs (the calibration setting changed) cannot stand for its hour.
        bool Complete(HourProfile hour) => !estimating || hour.Estimate is not null;

        // Hours kept from the previous window, then stored profiles (fetched a few at a time: each is a round trip), each
        // read into a scratch profile reused from hour to hour and added to the window at once.
        var scratches = new ConcurrentBag<ProfileBuffers>();
        ProfileBuffers Rent() => scratches.TryTake(out var scratch) ? scratch : new ProfileBuffers(baseline, segmented);
        var toRead = new List<DateTimeOffset>();
        var waitingFor = new Dictionary<DateTimeOffset, StoredHourProfile>();
        var lookups = new List<(DateTimeOffset Hour, IReadOnlyList<HourFile> Files)>();
        foreach (var hour in hours)
        {
            var manifest = Manifest(byHour[hour]);
            var scratch = Rent();
            if (kept is not null && kept.TryGetValue(hour, out var bytes)
                && HourProfileCodec.Read(bytes, baseline, $"kept profile of {hour:o}", scratch.Window, scratch.Decompressed) is var previous
                && HourProfileStore.FilesChange(previous.Files, manifest) is null && Complete(previous))
            {
                Add(previous, read: false);
            }
            else
            {
                lookups.Add((hour, manifest));
            }

            scratches.Add(scratch);
        }

        var found = new Dictionary<DateTimeOffset, StoredHourProfile>();
        if (stored)
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = ConcurrentProfileReads, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(lookups, parallel, async (lookup, token) =>
            {
                var scratch = Rent();
                var result = await store.ReadAsync(baseline, HourProfileKey.For(baseline, baselineSha256, lookup.Hour, segmented), lookup.Files, scratch, token).ConfigureAwait(false);
                if (result.Profile is { } stored && !Complete(stored))
                {
                    result = result with { Profile = null };
                }

                if (result.Profile is { } profile)
                {
                    Add(profile, read: false);
                    Keep(kept, lookup.Hour, scratch.Downloaded);
                }

                scratches.Add(scratch);
                lock (found)
                {
                    // Without the profile: its counts are the scratch's, which the next hour overwrites.
                    found[lookup.Hour] = result with { Profile = null, Used = result.Profile is not null };
                    tally.ProfileBytes += result.Bytes;
                }
            }).ConfigureAwait(false);
        }

        foreach (var (hour, _) in lookups)
        {
            var result = found.GetValueOrDefault(hour);
            if (result?.Used == true)
            {
                continue;
            }

            if (IsMine(hour, o))
            {
                toRead.Add(hour);
            }
            else
            {
                waitingFor[hour] = result!;
            }
        }

        var writes = new List<Task>();
        foreach (var hour in toRead)
        {
            var scratch = Rent();
            var profile = await ReadHourAsync(baseline, baselineSha256, hour, byHour[hour], estimating, scratch.Window, cancellationToken).ConfigureAwait(false);
            Add(profile, read: true);
            if (stored || kept is not null)
            {
                var bytes = HourProfileCodec.Serialize(profile);
                Keep(kept, hour, bytes);
                if (stored)
                {
                    // The upload overlaps the next hour's read.
                    writes.Add(store.TryWriteAsync(profile.Key, bytes, found.GetValueOrDefault(hour)?.ETag, cancellationToken));
                }
            }

            scratches.Add(scratch);
        }

        await Task.WhenAll(writes).ConfigureAwait(false);
        if (o.Shards > 1 && o.ShardIndex != 0)
        {
            LogShardDone(logger, o.ShardIndex, o.Shards, tally.HoursRead, tally.FilesRead + tally.FilesSkipped);
            return null;
        }

        if (waitingFor.Count > 0)
        {
            await WaitForShardsAsync(baseline, baselineSha256, byHour, waitingFor, Add, Complete, estimating, kept, Rent(), o, cancellationToken).ConfigureAwait(false);
        }

        var reportFiles = new ReportFiles
        {
            Read = tally.FilesRead,
            RowsOfOtherModels = tally.RowsOfOtherModels,
            Skipped = tally.Skipped.OrderBy(s => s.Path, StringComparer.Ordinal).ToArray(),
        };
        LogAssembled(logger, o.WindowHours, tally.HoursReused, tally.HoursRead, o.WindowHours - hours.Count, tally.LogBytes, tally.ProfileBytes);
        return new AssembledWindow(window, reportFiles, estimate, tally.HoursRead, tally.HoursReused, tally.LogBytes, tally.ProfileBytes);
    }

    /// <summary>
    /// Shard 0's wait for the hours of the other shards. An hour whose profile was rewritten during the wait but still
    /// does not match this run's list of files (a file that came between the two listings) is read here instead of
    /// waited for: its shard is done with it.
    /// </summary>
    private async Task WaitForShardsAsync(
        BaselineProfile baseline,
        string baselineSha256,
        Dictionary<DateTimeOffset, LogBlob[]> byHour,
        Dictionary<DateTimeOffset, StoredHourProfile> waitingFor,
        Action<HourProfile, bool> add,
        Func<HourProfile, bool> complete,
        bool estimating,
        IDictionary<DateTimeOffset, byte[]>? kept,
        ProfileBuffers scratch,
        DetectorOptions o,
        CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var limit = TimeSpan.FromSeconds(o.ShardWaitSeconds);
        var pause = TimeSpan.FromSeconds(1);
        LogWaiting(logger, waitingFor.Count, o.Shards - 1, limit.TotalSeconds);
        while (waitingFor.Count > 0)
        {
            var left = limit - time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                var missing = string.Join(", ", waitingFor.Keys.Order().Select(h => $"{h.UtcDateTime.ToString("yyyy-MM-dd'T'HH", CultureInfo.InvariantCulture)}Z (shard {Shard(h, o.Shards)})"));
                throw new JobRetryableException(
                    $"The other shards did not profile {waitingFor.Count} hours within {DetectorSettings.ShardWaitSeconds.Name} = {o.ShardWaitSeconds:0.###} s: {missing}. " +
                    "No report was written; the Job retries this index.");
            }

            await Task.Delay(pause < left ? pause : left, time, cancellationToken).ConfigureAwait(false);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 3 / 2, TimeSpan.FromSeconds(10).Ticks));
            foreach (var (hour, before) in waitingFor.ToList())
            {
                var files = Manifest(byHour[hour]);
                var now = await store.ReadAsync(baseline, HourProfileKey.For(baseline, baselineSha256, hour, o.Segmented), files, scratch, cancellationToken).ConfigureAwait(false);
                if (now.Profile is { } profile && complete(profile))
                {
                    add(profile, false);
                    Keep(kept, hour, scratch.Downloaded);
                    waitingFor.Remove(hour);
                }
                else if (now.ETag is { } etag && etag != before.ETag)
                {
                    var read = await ReadHourAsync(baseline, baselineSha256, hour, byHour[hour], estimating, scratch.Window, cancellationToken).ConfigureAwait(false);
                    add(read, true);
                    var bytes = HourProfileCodec.Serialize(read);
                    Keep(kept, hour, bytes);
                    await store.TryWriteAsync(read.Key, bytes, etag, cancellationToken).ConfigureAwait(false);
                    waitingFor.Remove(hour);
                }
            }
        }
    }

    private async Task<HourProfile> ReadHourAsync(
        BaselineProfile baseline, string baselineSha256, DateTimeOffset hour, LogBlob[] blobs, bool estimating, WindowProfile into, CancellationToken cancellationToken)
    {
        var o = options.Value;
        _profiler ??= new WindowProfiler(baseline, o.ReadConcurrency > 0 ? o.ReadConcurrency : Environment.ProcessorCount, segmented: o.Segmented);
        var listed = blobs.ToDictionary(b => b.Name, StringComparer.Ordinal);
        var read = await _profiler.ProfileAsync(
            blobs.Select(b => b.Name).ToList(),
            (name, buffer, token) => logs.OpenAsync(listed[name], buffer, token),
            (name, reason) => LogSkipped(logger, name, reason),
            cancellationToken,
            into).ConfigureAwait(false);
        // The scores are read apart from the features (their rows are paired, the features' columns counted one by one);
        // both only for a new or changed hour.
        var estimate = estimating ? await performance.EstimateAsync(baseline, blobs, cancellationToken).ConfigureAwait(false) : null;
        return new HourProfile(HourProfileKey.For(baseline, baselineSha256, hour, o.Segmented), Manifest(blobs), read.Window, read.FilesRead, read.RowsOfOtherModels, read.Skipped, estimate);
    }

    /// <summary>
    /// Keeps an hour for the next window, compressed: a profile's counts take megabytes in memory when the baseline has
    /// fine grids (8 bytes a slot, some 20,000 slots a feature), a few hundred kilobytes stored.
    /// </summary>
    private static void Keep(IDictionary<DateTimeOffset, byte[]>? kept, DateTimeOffset hour, ReadOnlyMemory<byte> stored)
    {
        if (kept is not null)
        {
            var copy = stored.ToArray();
            lock (kept)
            {
                kept[hour] = copy;
            }
        }
    }

    internal static IReadOnlyList<HourFile> Manifest(IEnumerable<LogBlob> blobs) =>
        blobs.Select(b => new HourFile(b.Name, b.Size, b.ETag.ToString())).OrderBy(f => f.Name, StringComparer.Ordinal).ToArray();

    private static bool IsMine(DateTimeOffset hour, DetectorOptions o) => o.Shards == 1 || Shard(hour, o.Shards) == o.ShardIndex;

    /// <summary>The shard that reads an hour: its number since the epoch modulo the shards, the same in every pod.</summary>
    internal static int Shard(DateTimeOffset hour, int shards) => (int)(hour.ToUnixTimeSeconds() / 3600 % shards);

    private sealed class Tally
    {
        public int HoursRead { get; private set; }

        public int HoursReused { get; private set; }

        public int FilesRead { get; private set; }

        public int FilesSkipped => Skipped.Count;

        public long RowsOfOtherModels { get; private set; }

        public List<SkippedFile> Skipped { get; } = [];

        public long LogBytes { get; private set; }

        public long ProfileBytes { get; set; }

        public void Add(HourProfile hour, bool read)
        {
            if (read)
            {
                HoursRead++;
                LogBytes += hour.Files.Sum(f => f.Size);
            }
            else
            {
                HoursReused++;
            }

            FilesRead += hour.FilesRead;
            RowsOfOtherModels += hour.RowsOfOtherModels;
            Skipped.AddRange(hour.Skipped);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Window of {Hours} hours: {Reused} from hour profiles, {Read} read from the logs, {Empty} without files; {LogBytes} bytes of logs and {ProfileBytes} bytes of hour profiles read")]
    private static partial void LogAssembled(ILogger logger, int hours, int reused, int read, int empty, long logBytes, long profileBytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shard {Index} of {Shards} done: {Hours} hours profiled from {Files} files; shard 0 writes the report")]
    private static partial void LogShardDone(ILogger logger, int index, int shards, int hours, int files);

    [LoggerMessage(Level = LogLevel.Information, Message = "Waiting for {Hours} hours from the other {Shards} shards (up to {Seconds} s)")]
    private static partial void LogWaiting(ILogger logger, int hours, int shards, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped {File}: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string file, string reason);
}
