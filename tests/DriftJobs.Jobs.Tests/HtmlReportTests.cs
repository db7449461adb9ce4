using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DriftJobs.Cli;
using DriftJobs.Core.Profiles;
using DriftJobs.Core.Reports;
using DriftJobs.Core.Reports.Html;
using DriftJobs.Jobs.Tests.Services;
using DriftJobs.Testing;

namespace DriftJobs.Jobs.Tests;

/// <summary>
/// The HTML report: written by the detector beside the JSON, saved by driftctl view-report, and opened in a real
/// headless Chromium, which must show a chart for every feature without a console error or a network request.
/// </summary>
[Collection(DeliveryCollection.Name)]
public sealed partial class HtmlReportTests(DeliveryServices services) : IDisposable
{
    private static readonly DateTimeOffset End = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Directory.CreateTempSubdirectory("html-report-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private async Task<(int Code, string Output, string Error)> DriftCtlAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await DriftCtl.InvokeAsync(args, new CliRuntime(output, error, TimeProvider.System));
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>What a page shows: its feature sections and, per section, whether a chart with bars was rendered.</summary>
    private const string FeatureScript = """
        [...document.querySelectorAll('section[data-feature]')].map(s => {
          const svg = s.querySelector('svg.chart');
          const box = svg ? svg.getBoundingClientRect() : null;
          const bars = svg ? [...svg.querySelectorAll('path.training, path.window')].map(p => (p.getAttribute('d') || '').length) : [];
          return { feature: s.dataset.feature, drifted: !!s.querySelector('.b-drifted'), width: box ? box.width : 0, height: box ? box.height : 0, bars };
        })
        """;

    [Fact]
    public async Task The_detectors_html_report_opens_in_chromium_with_a_chart_per_feature_and_view_report_saves_it()
    {
        var container = await services.Azurite.CreateContainerAsync();
        var storage = new[] { "--connection-string", services.Azurite.ConnectionString, "--container", container.Name };
        var simulated = await DriftCtlAsync(["simulate", .. storage, "--scenario", "covariate-shift", "--hours", "6", "--rows-per-hour", "300",
            "--training-rows", "5000", "--seed", "7", "--end", End.ToString("o")]);
        Assert.True(simulated.Code == 0, simulated.Error);
        var baseline = await Jobs.BaselineAsync(services.Azurite.ConnectionString, container,
            "--training-data", "training-data/fraud-detector/1/train.parquet", "--model-name", "fraud-detector", "--model-version", "1", "--target-column", "is_fraud");
        Assert.True(baseline.ExitCode == 0, baseline.Output);
        var detector = await Jobs.DetectorAsync(services.Azurite.ConnectionString, container,
            "--model-name", "fraud-detector", "--model-version", "1", "--drift-window-end", End.ToString("o"), "--drift-analysis-window-hours", "6");
        Assert.True(detector.ExitCode == 0, detector.Output);
        var report = await Jobs.LatestReportAsync(container, "fraud-detector");
        Assert.NotEmpty(report.DriftedFeatures);

        // Written beside the JSON report and as latest.html, served as HTML.
        var windowPage = container.GetBlobClient("drift-reports/fraud-detector/1/2026-11-22T00Z.html");
        Assert.Equal("text/html; charset=utf-8", (await windowPage.GetPropertiesAsync()).Value.ContentType);
        var latest = (await container.GetBlobClient("drift-reports/fraud-detector/latest.html").DownloadContentAsync()).Value.Content.ToArray();

        var saved = Path.Combine(_folder, "report.html");
        var view = await DriftCtlAsync(["view-report", .. storage, "--model-name", "fraud-detector", "--output", saved]);
        Assert.True(view.Code == 0, view.Error);
        Assert.Contains($"to {saved}", view.Output, StringComparison.Ordinal);
        Assert.Equal(latest, await File.ReadAllBytesAsync(saved));
        var html = Encoding.UTF8.GetString(latest);
        AssertSelfContained(html);
        Assert.Contains("href=\"1/2026-11-22T00Z.json\"", html, StringComparison.Ordinal);

        await using var browser = await HeadlessChromium.StartAsync();
        await browser.OpenAsync(new Uri(saved).AbsoluteUri);
        var sections = (await browser.EvaluateAsync(FeatureScript))!.AsArray();

        Assert.Empty(browser.Errors);
        Assert.All(browser.RequestedUrls, url => Assert.StartsWith("file://", url, StringComparison.Ordinal));
        // The prediction first, then every monitored feature, drifted ones before the others.
        Assert.Equal("prediction", (string?)sections[0]!["feature"]);
        var names = sections.Skip(1).Select(s => (string)s!["feature"]!).ToList();
        Assert.Equal(report.Features.Select(f => f.Name).Order(), names.Order());
        Assert.Equal(report.DriftedFeatures.Order(), names.Take(report.DriftedFeatures.Count).Order());
        Assert.All(sections, s => AssertChart(s!));
        var screenshot = Path.Combine(RepositoryRoot.Find(), "artifacts", "html-report.png");
        await browser.ScreenshotAsync(screenshot);
        Assert.True(new FileInfo(screenshot).Length > 10_000, "the screenshot is (nearly) empty");

        // Fifty features of a hundred bins and categories each: under 500 KB, and still a chart for every one.
        var large = HtmlReportRenderer.Render(LargeReport(25, 25));
        Assert.InRange(Encoding.UTF8.GetByteCount(large), 100_000, 500_000);
        AssertSelfContained(large);
        var largePath = Path.Combine(_folder, "large.html");
        await File.WriteAllTextAsync(largePath, large);
        await browser.OpenAsync(new Uri(largePath).AbsoluteUri);
        var largeSections = (await browser.EvaluateAsync(FeatureScript))!.AsArray();
        Assert.Equal(50, largeSections.Count);
        Assert.All(largeSections, s => AssertChart(s!));
        Assert.Empty(browser.Errors);
        await browser.EvaluateAsync("document.querySelector('section[data-feature=categorical_0]').scrollIntoView()");
        await browser.ScreenshotAsync(Path.Combine(RepositoryRoot.Find(), "artifacts", "html-report-50-features.png"));
    }

    [Fact]
    public async Task View_report_names_what_is_missing_and_saves_one_windows_report()
    {
        var scenario = await DeliveryScenario.CreateAsync(services.Azurite, "viewed");
        var storage = new[] { "--connection-string", services.Azurite.ConnectionString, "--container", scenario.Container.Name };

        var none = await DriftCtlAsync(["view-report", .. storage, "--model-name", "viewed", "--output", Path.Combine(_folder, "none.html")]);
        Assert.Equal(ExitCodes.NoReport, none.Code);
        Assert.Contains("no HTML report at", none.Error, StringComparison.Ordinal);
        Assert.Contains("drift-reports/viewed/latest.html", none.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "none.html")));

        var noVersion = await DriftCtlAsync(["view-report", .. storage, "--model-name", "viewed", "--window-end", End.ToString("o")]);
        Assert.Equal(ExitCodes.Usage, noVersion.Code);
        Assert.Contains("--window-end needs --model-version", noVersion.Error, StringComparison.Ordinal);

        await scenario.LogHourAsync(DeliveryScenario.End.AddHours(-1), shift: 1);
        Assert.Equal(0, (await scenario.DetectAsync(DeliveryScenario.End)).ExitCode);
        Assert.Equal(0, (await scenario.DetectAsync(DeliveryScenario.End.AddHours(1))).ExitCode);
        // A backfill writes its own page but leaves latest.html at the newer window.
        Assert.Equal(0, (await scenario.DetectAsync(DeliveryScenario.End.AddHours(-5))).ExitCode);

        var saved = Path.Combine(_folder, "window.html");
        var window = await DriftCtlAsync(["view-report", .. storage, "--model-name", "viewed", "--model-version", "1",
            "--window-end", DeliveryScenario.End.ToString("o"), "--output", saved]);
        Assert.True(window.Code == 0, window.Error);
        Assert.Contains("drift-reports/viewed/1/2026-11-20T12Z.html", window.Output, StringComparison.Ordinal);
        Assert.Contains("<meta name=\"driftjobs-window-end\" content=\"2026-11-20T12:00:00Z\">", await File.ReadAllTextAsync(saved), StringComparison.Ordinal);
        Assert.Contains("DRIFT DETECTED", await File.ReadAllTextAsync(saved), StringComparison.Ordinal);

        var latest = Path.Combine(_folder, "latest.html");
        Assert.Equal(0, (await DriftCtlAsync(["view-report", .. storage, "--model-name", "viewed", "--output", latest])).Code);
        Assert.Contains("content=\"2026-11-20T13:00:00Z\"", await File.ReadAllTextAsync(latest), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_performance_section_renders_its_tables_in_chromium()
    {
        var html = HtmlReportRenderer.Render(PerformanceReport.Create("performing", End));
        AssertSelfContained(html);
        var path = Path.Combine(_folder, "performance.html");
        await File.WriteAllTextAsync(path, html);

        await using var browser = await HeadlessChromium.StartAsync();
        await browser.OpenAsync(new Uri(path).AbsoluteUri);
        var shown = (await browser.EvaluateAsync("""
            (() => {
              const s = document.getElementById('performance');
              const rows = sel => [...s.querySelectorAll(sel + ' tr')].map(r => [...r.cells].map(c => c.innerText.trim()));
              return { width: s.getBoundingClientRect().width, verdict: s.querySelector('.perf-verdict').innerText,
                       matrix: rows('table.cm'), hours: rows('table.perf-hours').length };
            })()
            """))!;

        Assert.Empty(browser.Errors);
        Assert.True((double)shown["width"]! > 300, "the performance section is not laid out");
        Assert.StartsWith("Accuracy 0.729 against 0.9 on validation data: 19% worse", (string?)shown["verdict"], StringComparison.Ordinal);
        Assert.Equal("[[\"label \\\\ prediction\",\"0\",\"1\"],[\"0\",\"220\",\"95\"],[\"1\",\"95\",\"290\"]]", shown["matrix"]!.ToJsonString());
        Assert.Equal(5, (int)shown["hours"]!);
        await browser.ScreenshotAsync(Path.Combine(RepositoryRoot.Find(), "artifacts", "html-report-performance.png"));
    }

    private static void AssertChart(JsonNode section)
    {
        var name = (string?)section["feature"];
        Assert.True((double)section["width"]! > 100 && (double)section["height"]! > 50, $"{name}: no chart drawn");
        var bars = section["bars"]!.AsArray().Select(b => (int)b!).ToList();
        Assert.True(bars.Count == 2 && bars.All(length => length > 10), $"{name}: the chart has no training and window bars");
    }

    private static void AssertSelfContained(string html)
    {
        Assert.DoesNotMatch(ExternalReference(), html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A report of numeric features with 100 PSI bins and categorical ones with 100 categories, all shifted.</summary>
    internal static DriftReport LargeReport(int numeric, int categorical)
    {
        var random = new Random(3);
        var builder = new BaselineBuilder(new BaselineBuildOptions { PsiBins = 100 });
        string[] categories = [.. Enumerable.Range(0, 100).Select(i => $"category-with-a-long-name-{i}")];
        for (var i = 0; i < numeric; i++)
        {
            builder.AddNumeric($"numeric_{i}", LogFiles.Normal(random, 5000).Select(v => v!.Value).ToArray());
        }

        for (var i = 0; i < categorical; i++)
        {
            builder.AddCategorical($"categorical_{i}", Enumerable.Range(0, 5000).Select(_ => categories[random.Next(100)]).ToArray());
        }

        builder.AddRows(5000);
        var window = new WindowProfile(builder.Build("large", "1", "test", End));
        for (var i = 0; i < numeric; i++)
        {
            window.AddNumeric($"numeric_{i}", LogFiles.Normal(random, 2000, i % 2 == 0 ? 0.5 : 0).Select(v => v!.Value).ToArray());
        }

        for (var i = 0; i < categorical; i++)
        {
            window.AddCategorical($"categorical_{i}", Enumerable.Range(0, 2000).Select(_ => i % 2 == 0 ? categories[random.Next(60)] : "unseen-" + random.Next(5)).ToArray());
        }

        window.AddRows(2000);
        return DriftAnalyzer.Analyze(window, new ReportWindow { Start = End.AddHours(-24), End = End, Hours = 24 }, new DriftThresholds());
    }

    /// <summary>Anything a browser would fetch: a URL with a scheme, a protocol-relative one, CSS imports and url().</summary>
    [GeneratedRegex(@"[a-z][a-z0-9+.-]*://|(?:src|href)\s*=\s*[""']?//|@import|url\(", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();
}
