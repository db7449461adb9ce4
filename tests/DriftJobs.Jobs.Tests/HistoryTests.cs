using System.Text.Json.Nodes;
using DriftJobs.Cli;
using DriftJobs.Core.Reports;
using DriftJobs.Core.Reports.History;
using DriftJobs.Core.Reports.Index;
using DriftJobs.Detector.History;
using DriftJobs.Jobs.Tests.Services;
using DriftJobs.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace DriftJobs.Jobs.Tests;

/// <summary>
/// The history and the index page against a real Azurite: racing writers keep each other's windows, an unreadable
/// history is named and left alone, and the index lists every model, opening in a real Chromium at desktop and phone
/// widths without a request leaving the saved folder.
/// </summary>
[Collection(DeliveryCollection.Name)]
public sealed class HistoryTests(DeliveryServices services) : IDisposable
{
    private static readonly DateTimeOffset End = DeliveryScenario.End;
    private readonly string _folder = Directory.CreateTempSubdirectory("history-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task<DriftHistoryDay?> DayAsync(DeliveryScenario scenario, DateTimeOffset end)
    {
        var blob = scenario.Container.GetBlobClient($"drift-reports/{scenario.Model}/history/1/{end:yyyy-MM-dd}.json");
        return await blob.ExistsAsync() ? DriftHistoryJson.ReadDay((await blob.DownloadContentAsync()).Value.Content.ToArray(), blob.Name) : null;
    }

    [Fact]
    public async Task Racing_detectors_and_appenders_keep_every_window_in_the_history()
    {
        var scenario = await DeliveryScenario.CreateAsync(services.Azurite, "racing");
        await scenario.LogHourAsync(End.AddHours(-1), shift: 1);
        await scenario.LogHourAsync(End, shift: 0);

        var runs = await Task.WhenAll(scenario.DetectAsync(End), scenario.DetectAsync(End.AddHours(1)));
        Assert.All(runs, r => Assert.True(r.ExitCode == 0, r.Output));
        var day = await DayAsync(scenario, End);
        Assert.Equal([End, End.AddHours(1)], day!.Entries.Select(e => e.WindowEnd));
        Assert.Equal([true, false], day.Entries.Select(e => e.Drifted[0]));

        // Two writers appending the windows of one day in turns, each round racing the other's: all 24 survive (a
        // writer that gave up would have logged a warning and left its window out).
        var report = await Jobs.LatestReportAsync(scenario.Container, scenario.Model);
        var next = End.Date.AddDays(1);
        var recorder = new HistoryRecorder(scenario.Container, TimeProvider.System, NullLogger<HistoryRecorder>.Instance);
        async Task AppendAsync(int first)
        {
            for (var hour = first; hour < 24; hour += 2)
            {
                var end = new DateTimeOffset(next.AddHours(hour), TimeSpan.Zero);
                await recorder.AppendAsync(report with { Window = report.Window with { Start = end.AddHours(-1), End = end } }, readSeries: false);
            }
        }

        await Task.WhenAll(AppendAsync(0), AppendAsync(1));
        var full = await DayAsync(scenario, new DateTimeOffset(next, TimeSpan.Zero));
        Assert.Equal(Enumerable.Range(0, 24).Select(h => new DateTimeOffset(next.AddHours(h), TimeSpan.Zero)), full!.Entries.Select(e => e.WindowEnd));
    }

    [Fact]
    public async Task An_unreadable_history_day_is_named_in_a_warning_and_left_unchanged()
    {
        var scenario = await DeliveryScenario.CreateAsync(services.Azurite, "corrupt");
        await scenario.LogHourAsync(End.AddHours(-1), shift: 1);
        var name = "drift-reports/corrupt/history/1/2026-11-20.json";
        var corrupt = new BinaryData("{\"schema_version\":1,\"model_name\":\"corrupt\",\"entr"u8.ToArray());
        await scenario.Container.GetBlobClient(name).UploadAsync(corrupt);

        var run = await scenario.DetectAsync(End);

        Assert.True(run.ExitCode == 0, run.Output);
        var warning = Assert.Single(DeliveryScenario.Events(run.Output, "@l", "Warning"), e => ((string?)e["@m"])?.Contains("history", StringComparison.Ordinal) == true);
        Assert.Contains($"{scenario.Container.Name}/{name}: malformed JSON", (string?)warning["@m"], StringComparison.Ordinal);
        Assert.Equal(corrupt.ToArray(), (await scenario.Container.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToArray());
        // The report and the index did not depend on it.
        Assert.True((await Jobs.LatestReportAsync(scenario.Container, "corrupt")).DriftDetected);
        Assert.True(await scenario.Container.GetBlobClient("drift-reports/index.html").ExistsAsync());
    }

    [Fact]
    public async Task The_index_lists_every_model_after_runs_of_three_models_and_opens_saved_at_desktop_and_phone_widths()
    {
        var container = await services.Azurite.CreateContainerAsync();
        string[] models = ["alpha", "beta", "gamma"];
        var scenarios = new List<DeliveryScenario>();
        foreach (var model in models)
        {
            var scenario = await DeliveryScenario.CreateAsync(services.Azurite, model, container);
            for (var h = 1; h <= 3; h++)
            {
                await scenario.LogHourAsync(End.AddHours(-h), shift: model == "beta" ? 0 : h == 1 ? 1 : 0);
            }

            scenarios.Add(scenario);
        }

        // alpha's past two windows backfilled first: its history and its index row hold them too.
        var backfill = await scenarios[0].DetectAsync(End, "--drift-backfill-from", End.AddHours(-2).ToString("o"), "--drift-backfill-to", End.AddHours(-1).ToString("o"));
        Assert.True(backfill.ExitCode == 0, backfill.Output);
        var runs = await Task.WhenAll(scenarios.Select(s => s.DetectAsync(End)));
        Assert.All(runs, r => Assert.True(r.ExitCode == 0, r.Output));

        Assert.Equal([End.AddHours(-2), End.AddHours(-1), End], (await DayAsync(scenarios[0], End))!.Entries.Select(e => e.WindowEnd));
        var index = DriftHistoryJson.ReadIndex((await container.GetBlobClient("drift-reports/index.json").DownloadContentAsync()).Value.Content.ToArray(), "index.json");
        Assert.Equal(models, index.Models.Select(r => r.ModelName));
        Assert.All(index.Models, r => Assert.Equal(End, r.Window.End));
        Assert.Equal(3, index.Models[0].WeekScores.Count(s => s is not null));
        Assert.Equal([true, false, true], index.Models.Select(r => r.DriftDetected));

        using var output = new StringWriter();
        using var error = new StringWriter();
        var saved = Path.Combine(_folder, "site");
        var code = await DriftCtl.InvokeAsync(["view-report", "--index", "--output", saved, "--connection-string", services.Azurite.ConnectionString, "--container", container.Name],
            new CliRuntime(output, error, TimeProvider.System));
        Assert.True(code == 0, error.ToString());
        Assert.Contains("(3 model versions) and 9 linked files", output.ToString(), StringComparison.Ordinal);

        const string Rows = """
            [...document.querySelectorAll('tr[data-model]')].map(r => ({
              model: r.dataset.model, links: [...r.querySelectorAll('a')].map(a => a.getAttribute('href')),
              line: (r.querySelector('svg.spark path.score').getAttribute('d') || '').length,
              width: r.querySelector('svg.spark').getBoundingClientRect().width }))
            """;
        var page = new Uri(Path.Combine(saved, "index.html")).AbsoluteUri;
        await using (var desktop = await HeadlessChromium.StartAsync(1280, 900))
        {
            await desktop.OpenAsync(page);
            var rows = (await desktop.EvaluateAsync(Rows))!.AsArray();
            Assert.Equal(models, rows.Select(r => (string)r!["model"]!));
            foreach (var row in rows)
            {
                Assert.True((int)row!["line"]! > 5 && (double)row["width"]! > 100, $"{row["model"]}: no sparkline");
                Assert.All(row["links"]!.AsArray(), href => Assert.True(File.Exists(Path.Combine(saved, (string)href!)), $"{href} was not saved beside index.html"));
            }

            AssertOffline(desktop);
            await desktop.ScreenshotAsync(Path.Combine(RepositoryRoot.Find(), "artifacts", "index-desktop.png"));

            // latest.html, opened from the index's link: the week's heatmap and score line.
            await desktop.OpenAsync(new Uri(Path.Combine(saved, "alpha", "latest.html")).AbsoluteUri);
            var heatmap = (await desktop.EvaluateAsync("""
                (() => { const s = document.getElementById('history'); s.scrollIntoView();
                  return { rows: s.querySelectorAll('svg.heatmap text[data-feature]').length, drifted: !!s.querySelector('path.drifted'),
                           score: (s.querySelector('path.score').getAttribute('d') || '').length, width: s.querySelector('svg.heatmap').getBoundingClientRect().width }; })()
                """))!;
            Assert.Equal(2, (int)heatmap["rows"]!);
            Assert.True((bool)heatmap["drifted"]!, "no drifted hour is marked");
            Assert.True((int)heatmap["score"]! > 5 && (double)heatmap["width"]! > 500, heatmap.ToJsonString());
            AssertOffline(desktop);
            await desktop.ScreenshotAsync(Path.Combine(RepositoryRoot.Find(), "artifacts", "html-report-history.png"));

            // A full week of twelve features, their PSI rising and falling: what an operator sees after a week.
            var week = Path.Combine(_folder, "week.html");
            await File.WriteAllTextAsync(week, WeekPage());
            await desktop.OpenAsync(new Uri(week).AbsoluteUri);
            Assert.Equal(12, (int)(await desktop.EvaluateAsync("(() => { document.getElementById('history').scrollIntoView(); return document.querySelectorAll('#history text[data-feature]').length; })()"))!);
            AssertOffline(desktop);
            await desktop.ScreenshotAsync(Path.Combine(RepositoryRoot.Find(), "artifacts", "html-report-history-week.png"));
        }

        await using var phone = await HeadlessChromium.StartAsync(390, 844);
        await phone.OpenAsync(page);
        Assert.Equal(3, (await phone.EvaluateAsync(Rows))!.AsArray().Count);
        // The table scrolls inside its card; the page itself does not get wider than the phone.
        Assert.True((bool)(await phone.EvaluateAsync("document.documentElement.scrollWidth <= window.innerWidth"))!, "index.html is wider than a phone");
        AssertOffline(phone);
        await phone.ScreenshotAsync(Path.Combine(RepositoryRoot.Find(), "artifacts", "index-phone.png"));
    }

    /// <summary>latest.html of a report of twelve features after 168 hourly windows whose PSI follows a daily wave, growing on the last days.</summary>
    private static string WeekPage()
    {
        var report = HtmlReportTests.LargeReport(6, 6);
        var days = new Dictionary<DateOnly, DriftHistoryDay>();
        for (var h = 0; h < 168; h++)
        {
            var end = End.AddHours(h - 167);
            var features = report.Features.Select((f, i) =>
            {
                var psi = 0.02 + (0.1 * (1 + Math.Sin((h + (i * 5)) / 24.0 * 2 * Math.PI))) + (h > 120 && i % 3 == 0 ? 0.3 : 0);
                return f with { Psi = psi, Drifted = psi >= 0.2 };
            }).ToList();
            var window = report with { Window = new ReportWindow { Start = end.AddHours(-24), End = end, Hours = 24 }, Features = features, DriftScore = features.Count(f => f.Drifted) / 12.0 };
            var day = DriftHistory.DayOf(end);
            days[day] = DriftHistory.Append(days.GetValueOrDefault(day), window);
        }

        return Core.Reports.Html.HtmlReportRenderer.Render(report, history: DriftHistory.Series(report.ModelName, report.ModelVersion, days.Values, End));
    }

    private static void AssertOffline(HeadlessChromium browser)
    {
        Assert.Empty(browser.Errors);
        Assert.All(browser.RequestedUrls, url => Assert.StartsWith("file://", url, StringComparison.Ordinal));
    }
}
