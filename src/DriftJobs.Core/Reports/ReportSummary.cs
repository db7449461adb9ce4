using System.Globalization;
using System.Text;
using DriftJobs.Core.Reports.Html;

namespace DriftJobs.Core.Reports;

/// <summary>The plain-text summary a person reads at the end of a detector run or from driftctl.</summary>
internal static class ReportSummary
{
    private const int MaxNamesListed = 10;
    private static readonly string Rule = new('=', 60);

    public static string Format(DriftReport report)
    {
        var s = new StringBuilder();
        s.AppendLine(Rule).AppendLine("DRIFT DETECTION SUMMARY").AppendLine(Rule);
        s.AppendLine(CultureInfo.InvariantCulture, $"Model: {report.ModelName} v{report.ModelVersion}");
        s.AppendLine(CultureInfo.InvariantCulture, $"Window: {report.Window.Start:yyyy-MM-ddTHH:mm}Z to {report.Window.End:yyyy-MM-ddTHH:mm}Z ({report.Window.Hours} h)");
        s.AppendLine(CultureInfo.InvariantCulture, $"Samples analyzed: {report.Samples}");
        if (report.Status == ReportStatus.InsufficientData)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"Overall drift detected: NO VERDICT (fewer than {report.Settings.MinSamples} samples)");
        }
        else
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"Overall drift detected: {(report.DriftDetected ? "YES" : "NO")}");
            s.AppendLine(CultureInfo.InvariantCulture, $"Drift score: {DriftAnalyzer.Percent(report.DriftScore ?? 0)}");
            s.AppendLine(CultureInfo.InvariantCulture, $"Features drifted: {report.FeaturesDrifted}/{report.FeaturesMonitored}");
            if (report.DriftedFeatures.Count > 0)
            {
                var names = string.Join(", ", report.DriftedFeatures.Take(MaxNamesListed));
                s.AppendLine(CultureInfo.InvariantCulture, $"Drifted features: {names}{(report.DriftedFeatures.Count > MaxNamesListed ? "..." : "")}");
            }

            if (report.PreviousWeek is { } week)
            {
                s.AppendLine(CultureInfo.InvariantCulture, $"Week before ({week.Window.Start:yyyy-MM-ddTHH:mm}Z to {week.Window.End:yyyy-MM-ddTHH:mm}Z): {(week.Status == Seasonal.PreviousWeekStatus.Compared
                    ? week.SeasonalFeatures.Count == 0 ? "no drift is seasonal or persistent" : $"seasonal or persistent, {(week.SeasonalSeverity == AlertSeverity.Info ? "not paged" : "paged")}: {string.Join(", ", week.SeasonalFeatures.Take(MaxNamesListed))}{(week.SeasonalFeatures.Count > MaxNamesListed ? "..." : "")}"
                    : "not compared: " + week.Reason)}");
            }

            if (report.Prediction is { } prediction)
            {
                s.AppendLine(CultureInfo.InvariantCulture, $"Prediction drift: {(prediction.Drifted ? "YES" : "NO")}");
            }
        }

        if (report.Segments is { } segments)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"Segments drifted: {segments.SegmentsDrifted}/{segments.SegmentsJudged} judged ({segments.TestsInFamily} tests adjusted together)");
            foreach (var segment in segments.Segments.Where(x => x.FeaturesDrifted > 0).Take(MaxNamesListed))
            {
                s.AppendLine(CultureInfo.InvariantCulture, $"  {segment.Key} ({segment.Rows} rows): {string.Join(", ", segment.DriftedFeatures.Take(MaxNamesListed))}{(segment.DriftedFeatures.Count > MaxNamesListed ? "..." : "")}");
            }

            if (segments.Unseen.Rows > 0)
            {
                s.AppendLine(CultureInfo.InvariantCulture, $"Rows in segments never seen in training: {segments.Unseen.Rows} ({DriftAnalyzer.Percent(segments.Unseen.Share)})");
            }
        }

        if (report.Performance is { } p)
        {
            // The evaluated window is named because it is not the data window above: it lies the label delay behind it.
            s.AppendLine(CultureInfo.InvariantCulture, $"Model performance (predictions of {p.Window.Start:yyyy-MM-ddTHH:mm}Z to {p.Window.End:yyyy-MM-ddTHH:mm}Z, label delay {p.LabelDelayHours} h): {PerformanceHtml.Sentence(p)}");
            s.AppendLine(CultureInfo.InvariantCulture, $"Label coverage: {(p.LabelCoverage is { } c ? DriftAnalyzer.Percent(c) : "-")} ({p.Labelled:N0} of {p.Predictions:N0} predictions labelled)");
        }

        if (report.Files.Skipped.Count > 0)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"Files skipped: {report.Files.Skipped.Count} of {report.Files.Read + report.Files.Skipped.Count}");
        }

        var bySeverity = report.Alerts.GroupBy(a => a.Severity).OrderByDescending(g => g.Key)
            .Select(g => $"{g.Count()} {g.Key.ToString().ToUpperInvariant()}");
        s.AppendLine(CultureInfo.InvariantCulture, $"Alerts: {report.Alerts.Count}{(report.Alerts.Count > 0 ? $" ({string.Join(", ", bySeverity)})" : "")}");
        s.AppendLine(Rule);
        return s.ToString();
    }
}
