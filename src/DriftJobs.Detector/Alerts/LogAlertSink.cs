using DriftJobs.Core.Reports;
using Microsoft.Extensions.Logging;

namespace DriftJobs.Detector.Alerts;

/// <summary>One Serilog event per alert (compact JSON on stdout: severity, code, model, feature).</summary>
internal sealed partial class LogAlertSink(ILogger<LogAlertSink> logger) : IReportAlertSink
{
    public Task SendAsync(DriftReport report, CancellationToken cancellationToken = default)
    {
        foreach (var alert in report.Alerts)
        {
            var level = alert.Severity switch
            {
                AlertSeverity.Critical => LogLevel.Critical,
                AlertSeverity.Warning => LogLevel.Warning,
                _ => LogLevel.Information,
            };
            LogAlert(logger, level, alert.Severity.ToString().ToUpperInvariant(), alert.Code, report.ModelName, report.ModelVersion, alert.Feature, alert.Message);
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Message = "Drift alert {Severity} {Code} for {Model} {ModelVersion} {Feature}: {AlertMessage}")]
    private static partial void LogAlert(ILogger logger, LogLevel level, string severity, string code, string model, string modelVersion, string? feature, string alertMessage);
}
