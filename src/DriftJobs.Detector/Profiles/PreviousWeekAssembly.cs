using System.Collections.Concurrent;
using System.Globalization;
using DriftJobs.Core.Profiles;
using DriftJobs.Core.Reports;
using DriftJobs.Core.Reports.Seasonal;
using DriftJobs.Storage.Blobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DriftJobs.Detector.Profiles;

/// <summary>
/// The same hours as the window, a week earlier, summed from the hour profiles the runs of that week stored
/// (DRIFT_REFERENCE = baseline+previous-week). Nothing of the logs is read: the earlier hours are only listed, so that
/// an hour whose files changed since it was profiled, or that was never profiled with this baseline, is known. Then
/// the week is not compared at all: a partial week (say, its nights only) would make a daily cycle look like drift or
/// hide it.
/// </summary>
internal sealed partial class PreviousWeekAssembly(
    InferenceLogSource logs, HourProfileStore store, IOptions<DetectorOptions> options, ILogger<PreviousWeekAssembly> logger)
{
    private const int ConcurrentProfileReads = 8;

    public async Task<PreviousWeekWindow> AssembleAsync(
        BaselineProfile baseline, string baselineSha256, ReportWindow window, CancellationToken cancellationToken = default)
    {
        var range = PreviousWeekWindow.RangeBefore(window);
        var blobs = await logs.ListAsync(range.End, range.Hours, cancellationToken).ConfigureAwait(false);
        var byHour = blobs.GroupBy(b => b.Hour).OrderBy(g => g.Key).ToList();
        if (byHour.Count == 0)
        {
            return new PreviousWeekWindow(range, null, 0, 0, "it has no log files.");
        }

        // The earlier hours were stored as this run stores its own (segmented or not); only their whole window is compared.
        var segmented = options.Value.Segmented;
        var sum = new WindowProfile(baseline);
        var missing = new List<DateTimeOffset>();
        var pool = new ConcurrentBag<ProfileBuffers>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = ConcurrentProfileReads, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(byHour, parallel, async (hour, token) =>
        {
            var buffers = pool.TryTake(out var free) ? free : new ProfileBuffers(baseline, segmented);
            var stored = await store.ReadAsync(
                baseline, HourProfileKey.For(baseline, baselineSha256, hour.Key, segmented), WindowAssembly.Manifest(hour), buffers, token).ConfigureAwait(false);
            lock (sum)
            {
                if (stored.Profile is { } profile)
                {
                    sum.Merge(profile.Window);
                }
                else
                {
                    missing.Add(hour.Key);
                }
            }

            pool.Add(buffers);
        }).ConfigureAwait(false);

        var profiled = byHour.Count - missing.Count;
        LogAssembled(logger, range.Start, range.End, profiled, byHour.Count, sum.Rows);
        if (missing.Count > 0)
        {
            missing.Sort();
            var named = string.Join(", ", missing.Take(3).Select(h => h.ToString("yyyy-MM-dd'T'HH'Z'", CultureInfo.InvariantCulture)));
            return new PreviousWeekWindow(range, null, byHour.Count, profiled,
                $"{missing.Count} of its {byHour.Count} hours with logs have no hour profile of this baseline and these files ({named}{(missing.Count > 3 ? ", …" : "")}); " +
                "they are stored by the detector's runs of that week (DRIFT_HOUR_PROFILES = on) and kept for DRIFT_HOUR_PROFILE_RETENTION_HOURS.");
        }

        return new PreviousWeekWindow(range, sum, byHour.Count, profiled, null);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Week before ({Start:o} to {End:o}): {Profiled} of {HoursWithLogs} hours with logs from hour profiles, {Rows} rows")]
    private static partial void LogAssembled(ILogger logger, DateTimeOffset start, DateTimeOffset end, int profiled, int hoursWithLogs, long rows);
}
