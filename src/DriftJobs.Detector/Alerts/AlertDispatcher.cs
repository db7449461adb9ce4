using Azure.Storage.Blobs;
using DriftJobs.Core.Reports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DriftJobs.Detector.Alerts;

/// <summary>
/// Hands a report's alerts on after it is written: every alert to the report sinks (the log), and to the
/// notification sinks (Alertmanager, Slack, webhook) only what the alert state says is due. The sinks run side by
/// side, each isolated: one that fails or hangs is retried within its bounds, logged, and neither fails the run nor
/// holds up the others. What each sink accepted is written back to alert-state.json under an ETag condition.
/// </summary>
internal sealed partial class AlertDispatcher(
    BlobContainerClient container,
    IEnumerable<IReportAlertSink> reportSinks,
    NotificationSinks notificationSinks,
    IOptions<DetectorOptions> options,
    TimeProvider time,
    ILogger<AlertDispatcher> logger)
{
    private const int MaxStateAttempts = 5;

    public async Task DispatchAsync(DriftReport report, string reportBlobName, string htmlBlobName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        foreach (var sink in reportSinks)
        {
            await sink.SendAsync(report, cancellationToken).ConfigureAwait(false);
        }

        var sinks = notificationSinks.All;
        if (sinks.Count == 0)
        {
            return;
        }

        var o = options.Value;
        var rules = AlertRules.From(o);
        var now = time.GetUtcNow();
        var links = Links(DeliveryChecks.Url(o.ReportBaseUrl) ?? container.Uri, reportBlobName, htmlBlobName);
        var store = new AlertStateStore(container, logger);
        var stored = await store.ReadAsync(report.ModelName, cancellationToken).ConfigureAwait(false);
        var state = AlertPolicy.Advance(VersionOf(stored.Document, report.ModelVersion), report, now);
        if (state is null)
        {
            LogBackfill(logger, report.Window.End, report.ModelVersion);
            return;
        }

        var deliveries = await Task.WhenAll(sinks.Select(s => DeliverAsync(s, state, report, links, rules, now, cancellationToken))).ConfigureAwait(false);
        var delivered = deliveries.SelectMany(d => d).ToList();
        var configured = sinks.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        LogState(logger, state.Alerts.Count(e => e.Active && e.LastWindowEnd == state.WindowEnd),
            state.Alerts.Count(e => e.Active && e.LastWindowEnd == state.WindowEnd && e.ConsecutiveWindows < rules.MinConsecutiveWindows),
            state.Alerts.Count(e => !e.Active), delivered.Count);

        for (var attempt = 1; attempt <= MaxStateAttempts; attempt++)
        {
            var recorded = AlertPolicy.Record(state, delivered, configured, now);
            var document = new AlertStateDocument
            {
                SchemaVersion = AlertStateDocument.CurrentSchemaVersion,
                ModelName = report.ModelName,
                Versions = [.. (stored.Document?.Versions ?? []).Where(v => v.ModelVersion != report.ModelVersion).Append(recorded)
                    .OrderBy(v => v.ModelVersion, StringComparer.Ordinal)],
            };
            if (await store.TryWriteAsync(document, stored.ETag, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            // Another detector wrote in between: apply this report and these deliveries to what it wrote.
            stored = await store.ReadAsync(report.ModelName, cancellationToken).ConfigureAwait(false);
            state = AlertPolicy.Advance(VersionOf(stored.Document, report.ModelVersion), report, now);
            if (state is null)
            {
                LogBackfill(logger, report.Window.End, report.ModelVersion);
                return;
            }
        }

        throw new IOException($"{container.Name}/{AlertStateStore.BlobName(report.ModelName)} could not be updated: other writers changed it during each of {MaxStateAttempts} attempts.");
    }

    /// <summary>Absolute links to the report's blobs under DRIFT_REPORT_BASE_URL (or the container's URL).</summary>
    public static ReportLinks Links(Uri baseUrl, string reportBlobName, string htmlBlobName)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        var root = baseUrl.AbsoluteUri.TrimEnd('/') + "/";
        return new ReportLinks(new Uri(root + htmlBlobName), new Uri(root + reportBlobName));
    }

    private static VersionAlertState? VersionOf(AlertStateDocument? document, string version) =>
        document?.Versions.FirstOrDefault(v => v.ModelVersion == version);

    private async Task<IReadOnlyList<(string Sink, AlertNotice Notice)>> DeliverAsync(
        IAlertNotificationSink sink, VersionAlertState state, DriftReport report, ReportLinks links, AlertRules rules, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var notices = AlertPolicy.Due(state, sink.Name, rules);
        if (notices.Count == 0)
        {
            return [];
        }

        try
        {
            var result = await sink.SendAsync(new AlertNotification(report, links, notices, now, rules.Cooldown), cancellationToken).ConfigureAwait(false);
            if (!result.Delivered)
            {
                return [];
            }

            LogSent(logger, sink.Name, notices.Count(n => !n.IsResolved), notices.Count(n => n.IsResolved), result.Attempts);
            return [.. notices.Select(n => (sink.Name, n))];
        }
#pragma warning disable CA1031 // A sink must never fail the run or the other sinks, whatever it throws.
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            LogSinkFailed(logger, sink.Name, e.GetType().Name, e.Message);
            return [];
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Alerts: {Firing} firing in this window ({Pending} waiting for more windows in a row), {Resolving} resolved; {Notices} notices delivered")]
    private static partial void LogState(ILogger logger, int firing, int pending, int resolving, int notices);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent {Firing} firing and {Resolved} resolved alerts to {Sink} (attempts: {Attempts})")]
    private static partial void LogSent(ILogger logger, string sink, int firing, int resolved, int attempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "Alert sink {Sink} failed ({ExceptionType}: {Reason}); the run goes on and the next run tries again")]
    private static partial void LogSinkFailed(ILogger logger, string sink, string exceptionType, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "No alerts sent: the window ending {WindowEnd:o} is older than the newest one the alert state of version {ModelVersion} has seen (a backfill)")]
    private static partial void LogBackfill(ILogger logger, DateTimeOffset windowEnd, string modelVersion);
}
