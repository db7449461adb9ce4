using DriftJobs.Core.Profiles;
using DriftJobs.Core.Reports;
using DriftJobs.Detector.Alerts;

namespace DriftJobs.Jobs.Tests;

/// <summary>The alert-state rules on reports the engine builds in memory: the cases the end-to-end runs don't reach.</summary>
public sealed class AlertPolicyTests
{
    private static readonly DateTimeOffset End = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private static readonly AlertRules Rules = new(TimeSpan.FromHours(24), 1);
    private static readonly HashSet<string> Sinks = ["webhook"];

    /// <summary>A report of features x and y over the hour ending <paramref name="end"/>; x shifted by <paramref name="shift"/>, <paramref name="rows"/> window rows.</summary>
    private static DriftReport Report(DateTimeOffset end, double shift, int rows = 400)
    {
        var builder = new BaselineBuilder(new BaselineBuildOptions());
        builder.AddNumeric("x", LogFiles.Normal(new Random(1), 2000).Select(v => v!.Value).ToArray());
        builder.AddNumeric("y", LogFiles.Normal(new Random(2), 2000).Select(v => v!.Value).ToArray());
        builder.AddRows(2000);
        var window = new WindowProfile(builder.Build("m", "1", "test", End.AddDays(-1)));
        window.AddNumeric("x", LogFiles.Normal(new Random(3), rows, shift).Select(v => v!.Value).ToArray());
        window.AddNumeric("y", LogFiles.Normal(new Random(4), rows).Select(v => v!.Value).ToArray());
        window.AddRows(rows);
        return DriftAnalyzer.Analyze(window, new ReportWindow { Start = end.AddHours(-1), End = end, Hours = 1 }, new DriftThresholds());
    }

    private static VersionAlertState Deliver(VersionAlertState state) =>
        AlertPolicy.Record(state, [.. AlertPolicy.Due(state, "webhook", Rules).Select(n => ("webhook", n))], Sinks, End);

    [Fact]
    public void A_window_without_a_verdict_neither_resolves_nor_repeats_a_drift_alert()
    {
        var sent = Deliver(AlertPolicy.Advance(null, Report(End, shift: 1), End)!);

        // Too few rows for a verdict: the drift alerts stay as they were, only the INFO alert is new.
        var quiet = AlertPolicy.Advance(sent, Report(End.AddHours(1), shift: 0, rows: 20), End)!;

        var due = AlertPolicy.Due(quiet, "webhook", Rules);
        Assert.Equal([AlertCodes.InsufficientData], due.Select(n => n.Code));
        Assert.Contains(quiet.Alerts, e => e is { Code: AlertCodes.FeatureDrift, Feature: "x", Active: true });
        Assert.Contains(quiet.Alerts, e => e is { Code: AlertCodes.DriftCritical, Active: true });

        // Data again and x back to normal: now both resolve, and the INFO alert with them.
        var normal = AlertPolicy.Advance(Deliver(quiet), Report(End.AddHours(2), shift: 0), End)!;
        Assert.Equal(
            [(AlertCodes.DriftCritical, NoticeReason.Resolved), (AlertCodes.FeatureDrift, NoticeReason.Resolved), (AlertCodes.InsufficientData, NoticeReason.Resolved)],
            AlertPolicy.Due(normal, "webhook", Rules).Select(n => (n.Code, n.Reason)).Order());
        Assert.Empty(Deliver(normal).Alerts);
    }

    [Fact]
    public void A_window_with_too_few_labels_neither_resolves_nor_repeats_a_performance_alert()
    {
        var degraded = PerformanceReport.Create("m", End);
        var sent = Deliver(AlertPolicy.Advance(null, degraded, End)!);
        Assert.Contains(sent.Alerts, e => e is { Code: AlertCodes.PerformanceDegradation, Active: true });

        // The next window's labels are too few for a verdict: the degradation stays open, the trend alarm (an event) resolves.
        var fewLabels = degraded with
        {
            Window = degraded.Window with { End = End.AddHours(1) },
            Performance = degraded.Performance! with { Status = Core.Performance.PerformanceStatus.InsufficientLabels, Verdict = null, LabelDrift = null, Trend = degraded.Performance.Trend! with { Alarm = false } },
            Alerts = [],
        };
        var quiet = AlertPolicy.Advance(sent, fewLabels, End)!;
        Assert.Contains(quiet.Alerts, e => e is { Code: AlertCodes.PerformanceDegradation, Active: true });
        Assert.Equal(
            [AlertCodes.PerformanceTrend],
            AlertPolicy.Due(quiet, "webhook", Rules).Where(n => n.Reason == NoticeReason.Resolved && n.Code.StartsWith("performance", StringComparison.Ordinal)).Select(n => n.Code));

        // Labels enough again and no degradation: now it resolves.
        var recovered = fewLabels with
        {
            Window = degraded.Window with { End = End.AddHours(2) },
            Performance = fewLabels.Performance with { Status = Core.Performance.PerformanceStatus.Ok },
        };
        var normal = AlertPolicy.Advance(Deliver(quiet), recovered, End)!;
        Assert.Contains(AlertPolicy.Due(normal, "webhook", Rules), n => n is { Code: AlertCodes.PerformanceDegradation, Reason: NoticeReason.Resolved });
    }

    [Fact]
    public void A_resolved_notice_a_sink_missed_is_owed_until_it_is_delivered()
    {
        var sent = Deliver(AlertPolicy.Advance(null, Report(End, shift: 1), End)!);
        var resolved = AlertPolicy.Advance(sent, Report(End.AddHours(1), shift: 0), End)!;
        // The sink failed: nothing recorded.
        var failed = AlertPolicy.Record(resolved, [], Sinks, End);

        var later = AlertPolicy.Advance(failed, Report(End.AddHours(2), shift: 0), End)!;

        Assert.All(AlertPolicy.Due(later, "webhook", Rules), n => Assert.Equal(NoticeReason.Resolved, n.Reason));
        Assert.Equal(2, AlertPolicy.Due(later, "webhook", Rules).Count);
        // A sink that is no longer configured is owed nothing: its records go, and the resolved entries with them.
        Assert.Empty(AlertPolicy.Record(later, [], new HashSet<string>(), End).Alerts);
    }

    [Fact]
    public void A_higher_severity_is_sent_at_once_and_Alertmanager_ends_the_lower_one()
    {
        var report = Report(End, shift: 1);
        var state = Deliver(AlertPolicy.Advance(null, report, End)!);
        // The same alert, now CRITICAL (the engine's codes have fixed severities; a rule change could raise one).
        var raised = report with { Alerts = [.. report.Alerts.Select(a => a.Code == AlertCodes.FeatureDrift ? a with { Severity = AlertSeverity.Critical } : a)], Window = report.Window with { End = End.AddHours(1) } };

        var next = AlertPolicy.Advance(state, raised, End)!;
        var notice = Assert.Single(AlertPolicy.Due(next, "webhook", Rules));

        Assert.Equal((NoticeReason.Escalated, AlertSeverity.Critical, AlertSeverity.Warning), (notice.Reason, notice.Severity, notice.PreviousSeverity!.Value));
        var payload = AlertmanagerSink.Payload(new AlertNotification(raised, ReportLinks.None, [notice], End, Rules.Cooldown), End.AddHours(1));
        Assert.Equal([("critical", End.AddHours(49)), ("warning", End.AddHours(1))],
            payload.Select(a => ((string)a!["labels"]!["severity"]!, DateTimeOffset.Parse((string)a["endsAt"]!, System.Globalization.CultureInfo.InvariantCulture))));
    }

    [Fact]
    public void Alerts_sharing_a_key_are_one_alert()
    {
        var report = Report(End, shift: 0) with
        {
            Alerts =
            [
                new DriftAlert(AlertSeverity.Warning, AlertCodes.FileSkipped, null, "Skipped a.parquet: truncated"),
                new DriftAlert(AlertSeverity.Warning, AlertCodes.FileSkipped, null, "Skipped b.parquet: not Parquet"),
            ],
        };

        var state = AlertPolicy.Advance(null, report, End)!;

        var entry = Assert.Single(state.Alerts);
        Assert.Equal("Skipped a.parquet: truncated (and 1 more)", entry.Message);
    }
}
