using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using DriftJobs.Core.Profiles;
using DriftJobs.Core.Reports;
using DriftJobs.Core.Reports.History;
using DriftJobs.Core.Serialization;
using DriftJobs.Detector.Alerts;
using DriftJobs.Detector.History;
using DriftJobs.Detector.Metrics;
using DriftJobs.Detector.Performance;
using DriftJobs.Detector.Profiles;
using DriftJobs.Detector.Reports;
using DriftJobs.Hosting;
using DriftJobs.Storage;
using DriftJobs.Storage.Blobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DriftJobs.Detector;

/// <summary>
/// One hourly run: the window's Parquet logs against the model's baseline, a report written for the window's end,
/// latest.json moved forward, the window added to the history and the index, alerts raised, the summary printed.
/// </summary>
internal sealed partial class DetectorJob(
    BlobContainerClient container,
    InferenceLogSource logs,
    PerformanceEvaluator performance,
    WindowAssembly assembly,
    PreviousWeekAssembly previousWeek,
    HourProfileStore hourProfiles,
    IOptions<DetectorOptions> options,
    AlertDispatcher alerts,
    HtmlReportWriter htmlReports,
    HistoryRecorder history,
    PushgatewayPusher metrics,
    TimeProvider time,
    JobOutput output,
    ILogger<DetectorJob> logger) : IJob
{
    public static JobDefinition Definition { get; } = new("drift-detector", "compares the last hours of inference logs with the model's baseline", DetectorSettings.All);

    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        var o = options.Value;
        if (o.ResolveBackfill() is { } backfill)
        {
            return await BackfillAsync(backfill.From, backfill.To, cancellationToken).ConfigureAwait(false);
        }

        var started = time.GetTimestamp();
        var startup = SinceProcessStart();
        var model = o.ModelName!;
        var version = o.ModelVersion!;
        var end = o.ResolveWindowEnd(time);
        var range = Range(end, o);
        LogStarting(logger, model, version, range.Start, range.End);

        var (baseline, blobs) = await LoadBaselineAndListAsync(model, version, end, o, cancellationToken).ConfigureAwait(false);
        var loaded = time.GetTimestamp();
        if (await assembly.AssembleAsync(baseline.Profile, baseline.Sha256, end, blobs, cancellationToken: cancellationToken).ConfigureAwait(false) is not { } window)
        {
            return JobExitCode.Ran; // A shard other than 0: its hours are stored for shard 0's report.
        }

        var read = time.GetTimestamp();
        var report = await AnalyzeAsync(baseline, window, range, cancellationToken).ConfigureAwait(false);
        var analysed = time.GetTimestamp();

        var reportName = await WriteReportAsync(report, cancellationToken).ConfigureAwait(false);
        var week = await history.AppendAsync(report, cancellationToken: cancellationToken).ConfigureAwait(false);
        var html = await htmlReports.WriteAsync(report, week, cancellationToken).ConfigureAwait(false);
        await history.UpdateIndexAsync(report, week, cancellationToken).ConfigureAwait(false);
        await alerts.DispatchAsync(report, reportName, html, cancellationToken).ConfigureAwait(false);
        await metrics.PushAsync(report, time.GetElapsedTime(started), cancellationToken).ConfigureAwait(false);
        await PruneHourProfilesAsync(model, version, end, o, cancellationToken).ConfigureAwait(false);
        await history.PruneAsync(model, version, end, cancellationToken).ConfigureAwait(false);

        await output.Writer.WriteAsync(ReportSummary.Format(report)).ConfigureAwait(false);
        await output.Writer.WriteLineAsync(window.Provenance.AsMemory(), cancellationToken).ConfigureAwait(false);
        var phases = new RunPhases(
            startup, time.GetElapsedTime(started, loaded), time.GetElapsedTime(loaded, read), time.GetElapsedTime(read, analysed), time.GetElapsedTime(analysed));
        LogFinished(time.GetElapsedTime(started), phases, window.Window.Rows, window.Files.Read);
        return JobExitCode.Ran;
    }

    /// <summary>
    /// The reports of every window end from <paramref name="from"/> to <paramref name="to"/>, in order: each hour is read
    /// once (consecutive windows share all hours but one, kept in memory from window to window), latest.json and
    /// latest.html never move backwards, and nothing is alerted or pushed: these windows are history. Each window is
    /// appended to the history in order; the index is updated once, from the last window and the week before it.
    /// </summary>
    private async Task<int> BackfillAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var o = options.Value;
        var model = o.ModelName!;
        var version = o.ModelVersion!;
        var baseline = await LoadBaselineAsync(model, version, cancellationToken).ConfigureAwait(false);
        var kept = new Dictionary<DateTimeOffset, byte[]>();
        var windows = 0;
        var files = 0;
        long rows = 0;
        DriftReport? last = null;
        DriftHistorySeries? week = null;
        for (var end = from; end <= to; end = end.AddHours(1))
        {
            var range = Range(end, o);
            foreach (var old in kept.Keys.Where(h => h < range.Start).ToList())
            {
                kept.Remove(old);
            }

            var blobs = await logs.ListAsync(end, o.WindowHours, cancellationToken).ConfigureAwait(false);
            var window = await assembly.AssembleAsync(baseline.Profile, baseline.Sha256, end, blobs, kept, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("A backfill runs in one pod (the options validator holds DRIFT_SHARDS to 1).");
            var report = await AnalyzeAsync(baseline, window, range, cancellationToken).ConfigureAwait(false);
            await WriteReportAsync(report, cancellationToken).ConfigureAwait(false);
            week = await history.AppendAsync(report, readSeries: end == to, cancellationToken).ConfigureAwait(false);
            await htmlReports.WriteAsync(report, week, cancellationToken).ConfigureAwait(false);
            last = report;
            LogBackfilled(logger, end, report.Status, report.DriftScore, window.HoursRead, window.HoursFromProfiles);
            windows++;
            rows += window.Window.Rows;
            files += window.Files.Read; // As rows: summed over the windows analysed, shared hours included.
        }

        if (last is not null)
        {
            await history.UpdateIndexAsync(last, week, cancellationToken).ConfigureAwait(false);
        }

        await PruneHourProfilesAsync(model, version, to, o, cancellationToken).ConfigureAwait(false);
        await history.PruneAsync(model, version, to, cancellationToken).ConfigureAwait(false);
        await output.Writer.WriteAsync($"Backfilled {windows} reports of {model} {version}, windows ending {from:o} to {to:o}.{Environment.NewLine}").ConfigureAwait(false);
        LogCost(time.GetElapsedTime(started), rows, files);
        return JobExitCode.Ran;
    }

    private static ReportWindow Range(DateTimeOffset end, DetectorOptions o) => new() { Start = end.AddHours(-o.WindowHours), End = end, Hours = o.WindowHours };

    private async Task<DriftReport> AnalyzeAsync(LoadedBaseline baseline, AssembledWindow window, ReportWindow range, CancellationToken cancellationToken)
    {
        var weekBefore = options.Value.ComparesPreviousWeek
            ? await previousWeek.AssembleAsync(baseline.Profile, baseline.Sha256, range, cancellationToken).ConfigureAwait(false)
            : null;
        var report = DriftAnalyzer.Analyze(window.Window, range, options.Value.ToThresholds(), window.Files, weekBefore);
        if (await performance.EvaluateAsync(baseline.Profile, range.End, window.Estimate, cancellationToken).ConfigureAwait(false) is { } evaluated)
        {
            report = report with { Performance = evaluated.Section, Alerts = [.. report.Alerts, .. evaluated.Alerts] };
        }

        return report;
    }

    private async Task<string> WriteReportAsync(DriftReport report, CancellationToken cancellationToken)
    {
        var json = new BinaryData(DriftJson.Serialize(report));
        var reportName = StorageLayout.ReportBlobName(report.ModelName, report.ModelVersion, report.Window.End);
        await BlobJsonWrites.UploadAsync(container, reportName, json, overwrite: true, cancellationToken).ConfigureAwait(false);
        var latest = await BlobJsonWrites.UpdateLatestAsync(container, StorageLayout.LatestReportBlobName(report.ModelName), json, WindowEndOf, cancellationToken).ConfigureAwait(false);
        LogWritten(logger, reportName, latest.Outcome, latest.ExistingWindowEnd);
        return reportName;
    }

    /// <summary>Best effort: a profile left over costs a few KiB until the next run deletes it, a failed run costs a report.</summary>
    private async Task PruneHourProfilesAsync(string model, string version, DateTimeOffset end, DetectorOptions o, CancellationToken cancellationToken)
    {
        if (!o.UsesHourProfiles)
        {
            return;
        }

        try
        {
            await hourProfiles.PruneAsync(model, version, end.AddHours(-o.HourProfileRetentionHours), cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e)
        {
            LogPruneFailed(logger, e.Status, e.ErrorCode);
        }
    }

    /// <summary>
    /// The baseline and the window's files, fetched at the same time (each listing is a round trip to storage). The
    /// first to fail stops the other instead of waiting for it (a missing baseline is not reported after minutes of
    /// listing retries); when both fail, the baseline's error is the one reported.
    /// </summary>
    private async Task<(LoadedBaseline Baseline, IReadOnlyList<LogBlob> Blobs)> LoadBaselineAndListAsync(
        string model, string version, DateTimeOffset end, DetectorOptions o, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var baselineLoad = LoadBaselineAsync(model, version, stop.Token);
        var listing = logs.ListAsync(end, o.WindowHours, stop.Token);
        if (await Task.WhenAny(baselineLoad, listing).ConfigureAwait(false) is { IsFaulted: true })
        {
            await stop.CancelAsync().ConfigureAwait(false);
        }

        try
        {
            await Task.WhenAll(baselineLoad, listing).ConfigureAwait(false);
        }
        catch (Exception) when (baselineLoad.IsFaulted || listing.IsFaulted)
        {
            // Not the other task's cancellation, which only followed from this failure.
            var failed = baselineLoad.IsFaulted ? baselineLoad : (Task)listing;
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failed.Exception!.InnerException!);
        }

        return (await baselineLoad.ConfigureAwait(false), await listing.ConfigureAwait(false));
    }

    private async Task<LoadedBaseline> LoadBaselineAsync(string model, string version, CancellationToken cancellationToken)
    {
        var name = StorageLayout.BaselineBlobName(model, version);
        try
        {
            // Into one buffer of the blob's size (DownloadContentAsync grows one as the bytes come, copying them again
            // at each step). Parsing while downloading measured no faster here: the asynchronous parse cost what the
            // overlap saved.
            var download = await container.GetBlobClient(name).DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            using var content = download.Value;
            using var bytes = new MemoryStream((int)Math.Clamp(content.Details.ContentLength, 0, Array.MaxLength));
            await content.Content.CopyToAsync(bytes, cancellationToken).ConfigureAwait(false);
            var json = bytes.GetBuffer().AsMemory(0, (int)bytes.Length);
            var baseline = DriftJson.ReadBaseline(json, name);
            CheckSegments(baseline, name);
            return new LoadedBaseline(baseline, Convert.ToHexStringLower(SHA256.HashData(json.Span)));
        }
        catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode == BlobErrorCode.BlobNotFound)
        {
            throw new JobInputException($"No baseline at {container.Name}/{name}: run the baseline job for {model} {version} first.", e);
        }
    }

    /// <summary>
    /// DRIFT_SEGMENT_COLUMNS must be the baseline's, in its order: the segments' references were counted with them
    /// (a subset would need references the baseline does not hold).
    /// </summary>
    private void CheckSegments(BaselineProfile baseline, string blob)
    {
        var columns = options.Value.SegmentColumnList;
        if (columns.Count == 0)
        {
            return;
        }

        var setting = DetectorSettings.SegmentColumns.Name;
        if (baseline.Segments is not { } segments)
        {
            throw new SettingException(setting, $"{setting} = '{string.Join(",", columns)}', but the baseline {blob} has no segments: build it with the same {setting}, or leave {setting} unset.");
        }

        if (!segments.Columns.SequenceEqual(columns, StringComparer.Ordinal))
        {
            throw new SettingException(setting, $"{setting} = '{string.Join(",", columns)}' is not the baseline's '{string.Join(",", segments.Columns)}' ({blob}): set the baseline's columns, in its order, or build the baseline again.");
        }
    }

    /// <summary>The baseline and the hash of its bytes, which hour profiles are made from (a replaced baseline invalidates them).</summary>
    private sealed record LoadedBaseline(BaselineProfile Profile, string Sha256);

    /// <summary>
    /// What the run cost, for sizing the pod (its requests and limits), and where its time went: a slow run's phases say
    /// whether storage, the baseline or the window's size made it slow.
    /// </summary>
    private void LogFinished(TimeSpan elapsed, RunPhases phases, long rows, int files)
    {
        LogCost(elapsed, rows, files);
        LogPhases(logger, phases.Startup.TotalSeconds, phases.BaselineAndListing.TotalSeconds, phases.Reading.TotalSeconds, phases.Analysis.TotalSeconds, phases.Outputs.TotalSeconds, System.Runtime.JitInfo.GetCompilationTime().TotalSeconds, System.Runtime.JitInfo.GetCompiledMethodCount());
    }

    private void LogCost(TimeSpan elapsed, long rows, int files)
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        LogCost(logger, elapsed.TotalSeconds, rows, files, process.TotalProcessorTime.TotalSeconds, process.PeakWorkingSet64 / (1024 * 1024),
            GC.GetTotalAllocatedBytes() / (1024 * 1024), GC.GetGCMemoryInfo(GCKind.Any).HeapSizeBytes / (1024 * 1024), GC.CollectionCount(0), GC.CollectionCount(2), GC.GetTotalPauseDuration().TotalSeconds);
    }

    /// <summary>The runtime's and the host's start, before the job began: the process's start time is the kernel's, not the job's clock.</summary>
    private static TimeSpan SinceProcessStart()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        var since = DateTime.Now - process.StartTime;
        return since < TimeSpan.Zero ? TimeSpan.Zero : since;
    }

    private readonly record struct RunPhases(TimeSpan Startup, TimeSpan BaselineAndListing, TimeSpan Reading, TimeSpan Analysis, TimeSpan Outputs);

    /// <summary>The window end of a stored report; null when it cannot be read (such a latest.json gets replaced).</summary>
    private static DateTimeOffset? WindowEndOf(BinaryData json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.GetProperty("window").GetProperty("end").GetDateTimeOffset();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Detecting drift for {Model} {ModelVersion} over [{WindowStart:o}, {WindowEnd:o})")]
    private static partial void LogStarting(ILogger logger, string model, string modelVersion, DateTimeOffset windowStart, DateTimeOffset windowEnd);

    [LoggerMessage(Level = LogLevel.Information, Message = "Finished in {ElapsedSeconds:F1} s: {Rows} rows from {Files} files; CPU {CpuSeconds:F1} s, peak working set {PeakWorkingSetMiB} MiB, allocated {AllocatedMiB} MiB, GC heap {GcHeapMiB} MiB after {Gen0Collections} gen0 and {Gen2Collections} gen2 collections ({GcPauseSeconds:F2} s paused)")]
    private static partial void LogCost(ILogger logger, double elapsedSeconds, long rows, int files, double cpuSeconds, long peakWorkingSetMiB, long allocatedMiB, long gcHeapMiB, int gen0Collections, int gen2Collections, double gcPauseSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Time spent: {StartupSeconds:F2} s starting the process, {BaselineSeconds:F2} s loading the baseline and listing the window, {ReadingSeconds:F2} s reading the window, {AnalysisSeconds:F2} s analysing it, {OutputSeconds:F2} s writing the report, alerts and metrics; JIT {JitSeconds:F2} s for {JitMethods} methods")]
    private static partial void LogPhases(ILogger logger, double startupSeconds, double baselineSeconds, double readingSeconds, double analysisSeconds, double outputSeconds, double jitSeconds, long jitMethods);

    [LoggerMessage(Level = LogLevel.Information, Message = "Backfilled the window ending {WindowEnd:o}: {Status}, drift score {DriftScore}; {HoursRead} hours read, {HoursFromProfiles} from hour profiles")]
    private static partial void LogBackfilled(ILogger logger, DateTimeOffset windowEnd, ReportStatus status, double? driftScore, int hoursRead, int hoursFromProfiles);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Old hour profiles were not deleted ({Status} {ErrorCode}); the next run tries again")]
    private static partial void LogPruneFailed(ILogger logger, int status, string? errorCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote {Report}; latest.json {LatestOutcome} (it held the window ending {ExistingWindowEnd})")]
    private static partial void LogWritten(ILogger logger, string report, LatestUpdateOutcome latestOutcome, DateTimeOffset? existingWindowEnd);
}
