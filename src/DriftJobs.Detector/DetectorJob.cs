using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using DriftJobs.Core.Profiles;
using DriftJobs.Core.Reports;
using DriftJobs.Core.Serialization;
using DriftJobs.Detector.Alerts;
using DriftJobs.Detector.Metrics;
using DriftJobs.Detector.Performance;
using DriftJobs.Detector.Reports;
using DriftJobs.Hosting;
using DriftJobs.Storage;
using DriftJobs.Storage.Blobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DriftJobs.Detector;

/// <summary>
/// One hourly run: the window's Parquet logs against the model's baseline, a report written for the window's end,
/// latest.json moved forward, alerts raised, the summary printed.
/// </summary>
internal sealed partial class DetectorJob(
    BlobContainerClient container,
    InferenceLogSource logs,
    PerformanceEvaluator performance,
    IOptions<DetectorOptions> options,
    AlertDispatcher alerts,
    HtmlReportWriter htmlReports,
    PushgatewayPusher metrics,
    TimeProvider time,
    JobOutput output,
    ILogger<DetectorJob> logger) : IJob
{
    public static JobDefinition Definition { get; } = new("drift-detector", "compares the last hours of inference logs with the model's baseline", DetectorSettings.All);

    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        var started = time.GetTimestamp();
        var startup = SinceProcessStart();
        var o = options.Value;
        var model = o.ModelName!;
        var version = o.ModelVersion!;
        var end = o.ResolveWindowEnd(time);
        var range = new ReportWindow { Start = end.AddHours(-o.WindowHours), End = end, Hours = o.WindowHours };
        LogStarting(logger, model, version, range.Start, range.End);

        var (baseline, blobs) = await LoadBaselineAndListAsync(model, version, end, o, cancellationToken).ConfigureAwait(false);
        var loaded = time.GetTimestamp();
        var (window, files) = await ProfileAsync(baseline, blobs, o, cancellationToken).ConfigureAwait(false);
        var read = time.GetTimestamp();
        var report = DriftAnalyzer.Analyze(window, range, o.ToThresholds(), files);
        if (await performance.EvaluateAsync(baseline, end, blobs, cancellationToken).ConfigureAwait(false) is { } evaluated)
        {
            report = report with { Performance = evaluated.Section, Alerts = [.. report.Alerts, .. evaluated.Alerts] };
        }

        var analysed = time.GetTimestamp();

        var json = new BinaryData(DriftJson.Serialize(report));
        var reportName = StorageLayout.ReportBlobName(model, version, end);
        await BlobJsonWrites.UploadAsync(container, reportName, json, overwrite: true, cancellationToken).ConfigureAwait(false);
        var latest = await BlobJsonWrites.UpdateLatestAsync(container, StorageLayout.LatestReportBlobName(model), json, WindowEndOf, cancellationToken).ConfigureAwait(false);
        LogWritten(logger, reportName, latest.Outcome, latest.ExistingWindowEnd);

        var html = await htmlReports.WriteAsync(report, cancellationToken).ConfigureAwait(false);
        await alerts.DispatchAsync(report, reportName, html, cancellationToken).ConfigureAwait(false);
        await metrics.PushAsync(report, time.GetElapsedTime(started), cancellationToken).ConfigureAwait(false);

        await output.Writer.WriteAsync(ReportSummary.Format(report)).ConfigureAwait(false);
        var phases = new RunPhases(
            startup, time.GetElapsedTime(started, loaded), time.GetElapsedTime(loaded, read), time.GetElapsedTime(read, analysed), time.GetElapsedTime(analysed));
        LogFinished(time.GetElapsedTime(started), phases, window.Rows, files.Read);
        return JobExitCode.Ran;
    }

    /// <summary>
    /// The baseline and the window's files, fetched at the same time (each listing is a round trip to storage). The
    /// first to fail stops the other instead of waiting for it (a missing baseline is not reported after minutes of
    /// listing retries); when both fail, the baseline's error is the one reported.
    /// </summary>
    private async Task<(BaselineProfile Baseline, IReadOnlyList<LogBlob> Blobs)> LoadBaselineAndListAsync(
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

    private async Task<BaselineProfile> LoadBaselineAsync(string model, string version, CancellationToken cancellationToken)
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
            return DriftJson.ReadBaseline(bytes.GetBuffer().AsMemory(0, (int)bytes.Length), name);
        }
        catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode == BlobErrorCode.BlobNotFound)
        {
            throw new JobInputException($"No baseline at {container.Name}/{name}: run the baseline job for {model} {version} first.", e);
        }
    }

    private async Task<(WindowProfile Window, ReportFiles Files)> ProfileAsync(BaselineProfile baseline, IReadOnlyList<LogBlob> blobs, DetectorOptions o, CancellationToken cancellationToken)
    {
        var listed = blobs.ToDictionary(b => b.Name, StringComparer.Ordinal);
        var profiler = new WindowProfiler(baseline, o.ReadConcurrency > 0 ? o.ReadConcurrency : Environment.ProcessorCount);
        var read = await profiler.ProfileAsync(
            blobs.Select(b => b.Name).ToList(),
            (name, buffer, token) => logs.OpenAsync(listed[name], buffer, token),
            (name, reason) => LogSkipped(logger, name, reason),
            cancellationToken).ConfigureAwait(false);

        var files = new ReportFiles
        {
            Read = read.FilesRead,
            RowsOfOtherModels = read.RowsOfOtherModels,
            Skipped = read.Skipped,
        };
        return (read.Window, files);
    }

    /// <summary>
    /// What the run cost, for sizing the pod (its requests and limits), and where its time went: a slow run's phases say
    /// whether storage, the baseline or the window's size made it slow.
    /// </summary>
    private void LogFinished(TimeSpan elapsed, RunPhases phases, long rows, int files)
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        LogCost(logger, elapsed.TotalSeconds, rows, files, process.TotalProcessorTime.TotalSeconds, process.PeakWorkingSet64 / (1024 * 1024),
            GC.GetTotalAllocatedBytes() / (1024 * 1024), GC.GetGCMemoryInfo(GCKind.Any).HeapSizeBytes / (1024 * 1024), GC.CollectionCount(0), GC.CollectionCount(2), GC.GetTotalPauseDuration().TotalSeconds);
        LogPhases(logger, phases.Startup.TotalSeconds, phases.BaselineAndListing.TotalSeconds, phases.Reading.TotalSeconds, phases.Analysis.TotalSeconds, phases.Outputs.TotalSeconds, System.Runtime.JitInfo.GetCompilationTime().TotalSeconds, System.Runtime.JitInfo.GetCompiledMethodCount());
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped {File}: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string file, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote {Report}; latest.json {LatestOutcome} (it held the window ending {ExistingWindowEnd})")]
    private static partial void LogWritten(ILogger logger, string report, LatestUpdateOutcome latestOutcome, DateTimeOffset? existingWindowEnd);
}
