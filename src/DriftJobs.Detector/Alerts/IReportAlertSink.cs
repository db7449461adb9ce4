using DriftJobs.Core.Reports;

namespace DriftJobs.Detector.Alerts;

/// <summary>
/// Gets every alert of every report, each run, whatever was sent before (today: the log, <see cref="LogAlertSink"/>).
/// Destinations that should hear only what is due under the cooldown rules (Alertmanager, Slack, a webhook) are
/// <see cref="IAlertNotificationSink"/>s instead.
/// </summary>
internal interface IReportAlertSink
{
    Task SendAsync(DriftReport report, CancellationToken cancellationToken = default);
}
