using DriftJobs.Core.Reports;

namespace DriftJobs.Core.Tests;

public class ReportSummaryTests
{
    [Fact]
    public void Summary_shows_model_samples_verdict_score_and_alerts()
    {
        var random = new Random(4);
        var baseline = TestData.Baseline(new() { ["url_count"] = TestData.Normal(random, 2000), ["word_count"] = TestData.Normal(random, 2000), ["steady"] = TestData.Normal(random, 2000) });
        var window = TestData.Window(baseline, new() { ["url_count"] = TestData.Normal(random, 500, 2), ["word_count"] = TestData.Normal(random, 500, -2), ["steady"] = TestData.Normal(random, 500) });
        var report = DriftAnalyzer.Analyze(window, new ReportWindow { Start = TestData.Created, End = TestData.Created.AddHours(24), Hours = 24 }, new DriftThresholds());

        var text = ReportSummary.Format(report);

        Assert.Contains("DRIFT DETECTION SUMMARY", text, StringComparison.Ordinal);
        Assert.Contains("Model: test-model v1", text, StringComparison.Ordinal);
        Assert.Contains("Samples analyzed: 500", text, StringComparison.Ordinal);
        Assert.Contains("Overall drift detected: YES", text, StringComparison.Ordinal);
        Assert.Contains("Drift score: 66.7%", text, StringComparison.Ordinal);
        Assert.Contains("Features drifted: 2/3", text, StringComparison.Ordinal);
        Assert.Contains("Drifted features: url_count, word_count", text, StringComparison.Ordinal);
        // Two drift warnings, and a 2σ shift puts more than 5 % of url_count above the training maximum.
        Assert.Single(report.Alerts, a => a.Code == AlertCodes.OutOfRange);
        Assert.Contains("Alerts: 4 (1 CRITICAL, 3 WARNING)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_without_verdict_says_so()
    {
        var baseline = TestData.Baseline(new() { ["x"] = [1, 2, 3] });
        var report = DriftAnalyzer.Analyze(new Profiles.WindowProfile(baseline), new ReportWindow { Start = TestData.Created, End = TestData.Created.AddHours(1), Hours = 1 }, new DriftThresholds());
        var text = ReportSummary.Format(report);
        Assert.Contains("Overall drift detected: NO VERDICT (fewer than 100 samples)", text, StringComparison.Ordinal);
        Assert.Contains("Alerts: 1 (1 INFO)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_names_the_evaluated_window_the_metric_against_validation_the_verdict_and_the_coverage()
    {
        var text = ReportSummary.Format(PerformanceReports.Classification());

        Assert.Contains("Model performance (predictions of 2026-01-01T14:00Z to 2026-01-01T18:00Z, label delay 6 h): Accuracy 0.729 against 0.9 on validation data: 19% worse, significant", text, StringComparison.Ordinal);
        Assert.Contains("— degraded (CRITICAL).", text, StringComparison.Ordinal);
        Assert.Contains("Label coverage: 70.0% (700 of 1,000 predictions labelled)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Model performance", ReportSummary.Format(PerformanceReports.WithoutPerformance()), StringComparison.Ordinal);
    }
}
