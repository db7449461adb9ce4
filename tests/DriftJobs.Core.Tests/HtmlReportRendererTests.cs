using DriftJobs.Core.Performance;
using System.Text;
using DriftJobs.Core.Reports;
using DriftJobs.Core.Reports.Html;

namespace DriftJobs.Core.Tests;

public class HtmlReportRendererTests
{
    private static DriftReport Report(Dictionary<string, double[]> numeric, Dictionary<string, double[]> window, Dictionary<string, string?[]>? categorical = null, Dictionary<string, string?[]>? categoricalWindow = null)
    {
        var baseline = TestData.Baseline(numeric, categorical);
        return DriftAnalyzer.Analyze(TestData.Window(baseline, window, categoricalWindow),
            new ReportWindow { Start = TestData.Created, End = TestData.Created.AddHours(24), Hours = 24 }, new DriftThresholds());
    }

    [Fact]
    public void Names_from_the_data_are_text_never_markup()
    {
        const string hostile = "<script>alert('x')</script>";
        var random = new Random(1);
        var report = Report(
            new() { [hostile] = TestData.Normal(random, 1000) },
            new() { [hostile] = TestData.Normal(random, 500, 2) },
            new() { ["c"] = Enumerable.Range(0, 1000).Select(i => i % 2 == 0 ? "<marquee>m</marquee>" : "a&b").ToArray() },
            new() { ["c"] = Enumerable.Range(0, 500).Select(i => i % 2 == 0 ? "<marquee>m</marquee>" : "\"><img src=x>").ToArray() });

        var html = HtmlReportRenderer.Render(report);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<marquee", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("&lt;marquee&gt;m&lt;/marquee&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_feature_without_training_values_has_a_note_saying_so_and_no_range_note()
    {
        var random = new Random(7);
        var report = Report(
            new() { ["amount"] = Enumerable.Repeat(double.NaN, 1000).ToArray(), ["x"] = TestData.Normal(random, 1000) },
            new() { ["amount"] = TestData.Normal(random, 600, 50), ["x"] = TestData.Normal(random, 600) });

        var html = HtmlReportRenderer.Render(report);

        Assert.Contains("<li>amount had no values in the training data; its 600 window values cannot be compared.</li>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("training range", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Drifted_features_come_first_and_every_feature_has_its_chart_and_numbers()
    {
        var random = new Random(2);
        var report = Report(
            new() { ["steady"] = TestData.Normal(random, 2000), ["moved"] = TestData.Normal(random, 2000) },
            new() { ["steady"] = TestData.Normal(random, 800), ["moved"] = TestData.Normal(random, 800, 1.5) });

        var html = HtmlReportRenderer.Render(report, new HtmlReportLinks("2026-01-02T00Z.json"));

        var moved = html.IndexOf("data-feature=\"moved\"", StringComparison.Ordinal);
        var steady = html.IndexOf("data-feature=\"steady\"", StringComparison.Ordinal);
        Assert.True(moved > 0 && steady > moved, "the drifted feature is not first");
        Assert.Equal(2, html.Split("<svg class=\"chart\"").Length - 1);
        Assert.Contains("DRIFT DETECTED", html, StringComparison.Ordinal);
        var psi = HtmlReportRenderer.Num(report.Features.Single(f => f.Name == "moved").Psi!.Value);
        Assert.Contains($"<td>PSI</td><td>{psi}</td>", html, StringComparison.Ordinal);
        Assert.Contains("<meta name=\"driftjobs-window-end\" content=\"2026-01-02T00:00:00Z\">", html, StringComparison.Ordinal);
        Assert.Contains("href=\"2026-01-02T00Z.json\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_report_without_a_verdict_says_so()
    {
        var html = HtmlReportRenderer.Render(Report(new() { ["x"] = [1, 2, 3] }, new() { ["x"] = [1, 2] }));
        Assert.Contains("NO VERDICT", html, StringComparison.Ordinal);
        Assert.Contains("no verdict", html, StringComparison.Ordinal);
        Assert.True(Encoding.UTF8.GetByteCount(html) < 20_000);
    }

    [Fact]
    public void The_performance_section_says_the_verdict_in_words_and_shows_metrics_hours_matrix_and_label_shares()
    {
        var report = PerformanceReports.Classification();

        var html = HtmlReportRenderer.Render(report);

        var section = Section(html);
        Assert.Contains("Evaluated window: predictions logged 2026-01-01 14:00Z to 2026-01-01 18:00Z (4 h), label delay 6 h behind the data window", section, StringComparison.Ordinal);
        Assert.Contains("Accuracy 0.729 against 0.9 on validation data: 19% worse, significant (two-proportion z test, p = ", section, StringComparison.Ordinal);
        Assert.Contains("— degraded (CRITICAL).", section, StringComparison.Ordinal);
        Assert.Contains("<span class=\"badge b-drifted\">DEGRADED (CRITICAL)</span>", section, StringComparison.Ordinal);
        Assert.Contains("<span class=\"muted\">Label coverage</span><b>70%</b>", section, StringComparison.Ordinal);
        Assert.Contains("<span class=\"muted\">Model performance</span><b>degraded</b>", html, StringComparison.Ordinal);
        // Window against validation; precision is TP / (TP + FP) = 290 / 385 in the window, 400 / 450 in validation.
        Assert.Contains("<tr class=\"primary\"><td>Accuracy <span class=\"muted\">(verdict)</span></td><td class=\"n\">0.729</td><td class=\"n\">0.9</td></tr>", section, StringComparison.Ordinal);
        Assert.Contains("<td>Precision (class 1)</td><td class=\"n\">0.753</td><td class=\"n\">0.889</td>", section, StringComparison.Ordinal);
        Assert.Contains("<td>Labelled pairs</td><td class=\"n\">700</td><td class=\"n\">1,000</td>", section, StringComparison.Ordinal);
        var auc = HtmlReportRenderer.Num(report.Performance!.Classification!.RocAuc!.Value);
        Assert.Contains($"<td>ROC AUC</td><td class=\"n\">{auc}</td>", section, StringComparison.Ordinal);
        // Hour by hour: hour 0 is 80 % right with 200 of 250 labelled, hour 3 has 100 labels.
        Assert.Contains("<tr><td>2026-01-01 14:00Z</td><td class=\"n\">250</td><td class=\"n\">200</td><td class=\"n\">80%</td><td class=\"n\">0.8</td></tr>", section, StringComparison.Ordinal);
        Assert.Contains("<tr><td>2026-01-01 17:00Z</td><td class=\"n\">250</td><td class=\"n\">100</td><td class=\"n\">40%</td><td class=\"n\">0.7</td></tr>", section, StringComparison.Ordinal);
        // Classes in ordinal order "0", "1": rows are labels, columns predictions (TN 220, FP 95 / FN 95, TP 290).
        Assert.Contains("<tr><th>0</th><td class=\"n hit\">220</td><td class=\"n\">95</td></tr><tr><th>1</th><td class=\"n\">95</td><td class=\"n hit\">290</td></tr>", section, StringComparison.Ordinal);
        Assert.Contains("<tr><td>1</td><td class=\"n\">45%</td><td class=\"n\">55%</td></tr>", section, StringComparison.Ordinal);
        Assert.Contains("Label drift <span class=\"badge b-drifted\">DRIFTED</span>", section, StringComparison.Ordinal);
        Assert.Contains("statistic 0.625 against the alarm threshold λ 0.5 (δ 0.005), 30 hours seen, last 2026-01-01 17:00Z — ALARM", section, StringComparison.Ordinal);
        Assert.Contains("3 files read, 712 label rows of this model (5 duplicates", section, StringComparison.Ordinal);
        Assert.DoesNotContain("RMSE", section, StringComparison.Ordinal);
    }

    [Fact]
    public void A_calibrated_estimate_gets_its_own_column_and_an_uncalibrated_one_says_why()
    {
        var report = PerformanceReports.Classification();
        var estimate = new EstimatedPerformanceAccumulator();
        // 100 predicted positives at score 0.9 and 100 predicted negatives at 0.2: expected accuracy (90 + 80) / 200.
        for (var i = 0; i < 100; i++)
        {
            estimate.Add(predictedPositive: true, 0.9);
            estimate.Add(predictedPositive: false, 0.2);
        }

        var computed = estimate.Compute();
        var calibrated = report with
        {
            Performance = report.Performance! with
            {
                Estimate = new PerformanceEstimate { CalibrationError = 0.01, MaxCalibrationError = 0.05, Calibrated = true, Window = computed, Evaluated = computed },
            },
        };
        var uncalibrated = report with
        {
            Performance = report.Performance! with
            {
                Estimate = new PerformanceEstimate { CalibrationError = 0.2, MaxCalibrationError = 0.05, Calibrated = false, Reason = "not calibrated: the validation data's expected calibration error 0.2 is above 0.05" },
            },
        };

        var withColumn = Section(HtmlReportRenderer.Render(calibrated));
        var without = Section(HtmlReportRenderer.Render(uncalibrated));

        var se = HtmlReportRenderer.Num(computed.AccuracyStdError!.Value);
        Assert.Contains($"<td>Accuracy <span class=\"muted\">(verdict)</span></td><td class=\"n\">0.729</td><td class=\"n\">0.85 &#177; {se}</td><td class=\"n\">0.9</td>", withColumn, StringComparison.Ordinal);
        Assert.Contains("<th class=\"n\">Estimated from scores</th>", withColumn, StringComparison.Ordinal);
        Assert.Contains($"before its labels: accuracy 0.85 &#177; {se}", withColumn, StringComparison.Ordinal);
        Assert.DoesNotContain("Estimated from scores</th>", without, StringComparison.Ordinal);
        Assert.Contains("Not estimated from scores: not calibrated: the validation data&#39;s expected calibration error 0.2 is above 0.05.", without, StringComparison.Ordinal);
    }

    [Fact]
    public void A_regression_shows_its_errors_and_no_confusion_matrix()
    {
        var html = HtmlReportRenderer.Render(PerformanceReports.Regression());

        var section = Section(html);
        Assert.Contains("RMSE 2.236 against 1 on validation data: 123.6% worse, significant (Welch t test, p = ", section, StringComparison.Ordinal);
        Assert.Contains("<td>MAE</td><td class=\"n\">2</td><td class=\"n\">1</td>", section, StringComparison.Ordinal);
        Assert.Contains("<td>Mean error (prediction − label)</td><td class=\"n\">1</td><td class=\"n\">0</td>", section, StringComparison.Ordinal);
        // R² = 1 − MSE / Var(label), the labels 0…49 having variance 208.25; WebUtility encodes "²" as a character reference.
        Assert.Contains("<td>R&#178;</td><td class=\"n\">0.976</td><td class=\"n\">0.995</td>", section, StringComparison.Ordinal);
        Assert.DoesNotContain("Confusion matrix", section, StringComparison.Ordinal);
        Assert.DoesNotContain("Label drift", section, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_performance_section_the_page_has_none()
    {
        var html = HtmlReportRenderer.Render(PerformanceReports.WithoutPerformance());
        Assert.DoesNotContain("id=\"performance\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Model performance", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Class_names_and_skipped_paths_in_the_performance_section_are_text_never_markup()
    {
        var html = HtmlReportRenderer.Render(PerformanceReports.Classification(positive: "<b onmouseover=x>yes</b>", negative: "a&b"));

        var section = Section(html);
        Assert.DoesNotContain("<b onmouseover", section, StringComparison.Ordinal);
        Assert.DoesNotContain("<bad>", section, StringComparison.Ordinal);
        Assert.Contains("<th>&lt;b onmouseover=x&gt;yes&lt;/b&gt;</th>", section, StringComparison.Ordinal);
        Assert.Contains("Precision (class &lt;b onmouseover=x&gt;yes&lt;/b&gt;)", section, StringComparison.Ordinal);
        Assert.Contains("<td>a&amp;b</td>", section, StringComparison.Ordinal);
        Assert.Contains("hour=20/&lt;bad&gt;.parquet", section, StringComparison.Ordinal);
    }

    private static string Section(string html)
    {
        var start = html.IndexOf("<section class=\"card perf\"", StringComparison.Ordinal);
        Assert.True(start >= 0, "no performance section");
        return html[start..html.IndexOf("</section>", start, StringComparison.Ordinal)];
    }
}
