using DriftJobs.Core.Reports;

namespace DriftJobs.Detector.Alerts;

/// <summary>Why an alert is sent in this run.</summary>
internal enum NoticeReason
{
    /// <summary>First time to this sink (after DRIFT_ALERT_MIN_CONSECUTIVE_WINDOWS windows in a row).</summary>
    New,

    /// <summary>Its severity rose above the one last sent.</summary>
    Escalated,

    /// <summary>Still firing DRIFT_ALERT_COOLDOWN_HOURS after it was last sent.</summary>
    Reminder,

    /// <summary>It no longer fires where it could be judged (the feature is back to normal).</summary>
    Resolved,
}

/// <summary>One alert as a sink sends it. A resolved notice carries the severity that was sent while it fired.</summary>
internal sealed record AlertNotice(
    NoticeReason Reason,
    string Code,
    string? Feature,
    AlertSeverity Severity,
    string Message,
    int ConsecutiveWindows,
    DateTimeOffset FirstWindowEnd,
    AlertSeverity? PreviousSeverity = null)
{
    public bool IsResolved => Reason == NoticeReason.Resolved;
}

/// <summary>Absolute links to the run's report (HTML and JSON); null when they cannot be formed.</summary>
internal sealed record ReportLinks(Uri? Html, Uri? Json)
{
    public static ReportLinks None { get; } = new(null, null);
}

/// <summary>What one sink is given in one run: the report's context and the notices due to that sink.</summary>
internal sealed record AlertNotification(DriftReport Report, ReportLinks Links, IReadOnlyList<AlertNotice> Notices, DateTimeOffset SentAt, TimeSpan Cooldown);

/// <summary>The outcome of one delivery, after its retries.</summary>
internal sealed record DeliveryResult(bool Delivered, int Attempts, string? Failure)
{
    public static DeliveryResult Success(int attempts) => new(true, attempts, null);
}
