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
}
