using System.Text;
using System.Text.RegularExpressions;
using DriftJobs.Core.Reports;
using DriftJobs.Core.Reports.History;
using DriftJobs.Core.Reports.Html;
using DriftJobs.Core.Reports.Index;

namespace DriftJobs.Core.Tests;

/// <summary>The history's day documents, the series drawn from them, the index and their pages: pure functions.</summary>
public sealed partial class DriftHistoryTests
{
    private static readonly DateTimeOffset End = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    /// <summary>x shifted (drifts), c steady, over the window ending at <paramref name="end"/>.</summary>
    internal static DriftReport Report(DateTimeOffset end, double shift = 1, string model = "test-model")
    {
        var random = new Random(5);
        string?[] categories = [.. Enumerable.Range(0, 2000).Select(i => "k" + (i % 3))];
        var baseline = TestData.Baseline(new() { ["x"] = TestData.Normal(random, 2000) }, new() { ["c"] = categories });
        var window = TestData.Window(baseline, new() { ["x"] = TestData.Normal(random, 500, shift) }, new() { ["c"] = categories[..500] });
        return DriftAnalyzer.Analyze(window, new ReportWindow { Start = end.AddHours(-1), End = end, Hours = 1 }, new DriftThresholds()) with { ModelName = model };
    }

    [Fact]
    public void A_day_keeps_one_entry_per_window_end_and_a_rerun_replaces_its_entry()
    {
        var day = DriftHistory.Append(null, Report(End));
        day = DriftHistory.Append(day, Report(End.AddHours(-2), shift: 0));
        day = DriftHistory.Append(day, Report(End, shift: 0));

        Assert.Equal(new DateOnly(2026, 11, 20), day.Day);
        Assert.Equal(["x", "c"], day.Features);
        Assert.Equal([End.AddHours(-2), End], day.Entries.Select(e => e.WindowEnd));
        var rerun = day.Entries[1];
        Assert.Equal([false, false], rerun.Drifted);
        Assert.Null(rerun.KsD[1]); // c is categorical: chi-square's p, no KS
        Assert.NotNull(rerun.PAdjusted[1]);

        var json = DriftHistoryJson.Serialize(day);
        var read = DriftHistoryJson.ReadDay(json, "day.json");
        Assert.Equal(json, DriftHistoryJson.Serialize(read));
        Assert.DoesNotContain((byte)'\n', json); // one line: a program's file, kept small
        Assert.StartsWith("{\"schema_version\":1,\"model_name\":\"test-model\",\"model_version\":\"1\",\"day\":\"2026-11-20\",\"features\":[\"x\",\"c\"]", Encoding.UTF8.GetString(json), StringComparison.Ordinal);
    }

    [Fact]
    public void A_feature_added_later_is_appended_and_older_entries_read_as_null_for_it()
    {
        var day = DriftHistory.Append(null, Report(End.AddHours(-1)));
        var renamed = Report(End) is var r ? r with { Features = [.. r.Features.Select(f => f.Name == "c" ? f with { Name = "c2" } : f)] } : null!;
        day = DriftHistory.Append(day, renamed);

        Assert.Equal(["x", "c", "c2"], day.Features);
        var series = DriftHistory.Series("test-model", "1", [day], End, 3);
        Assert.Equal(3, series.Hours.Count);
        Assert.Equal([false, true, true], series.Recorded);
        Assert.NotNull(series.Cells[1][1]); // c in the first window
        Assert.Null(series.Cells[1][2]);    // c absent from the second
        Assert.NotNull(series.Cells[2][2]);
        Assert.True(series.Cells[0][2]!.Value.Drifted);
    }

    [Fact]
    public void An_unreadable_day_is_refused_naming_the_blob()
    {
        var day = DriftHistory.Append(null, Report(End));
        var tooMany = day with { Entries = [.. Enumerable.Repeat(day.Entries[0], 25)] };
        var e = Assert.Throws<InvalidDataException>(() => DriftHistoryJson.ReadDay(DriftHistoryJson.Serialize(tooMany), "c/drift-reports/m/history/1/2026-11-20.json"));
        Assert.Contains("c/drift-reports/m/history/1/2026-11-20.json", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => DriftHistoryJson.ReadDay("{\"schema_version\":2}"u8, "x"));
        Assert.Throws<InvalidDataException>(() => DriftHistoryJson.ReadDay("{\"schema_ver"u8, "x"));
    }

    [Fact]
    public void The_index_moves_each_row_forward_and_a_backfilled_window_only_fills_its_score()
    {
        var index = ReportIndexing.With(null, Report(End, model: "b"), null, End);
        index = ReportIndexing.With(index, Report(End, model: "a"), null, End);
        index = ReportIndexing.With(index, Report(End.AddHours(-5), shift: 0, model: "a"), null, End);

        Assert.Equal(3, index.Revision);
        Assert.Equal(["a", "b"], index.Models.Select(m => m.ModelName));
        var a = index.Models[0];
        Assert.Equal(End, a.Window.End);
        Assert.True(a.DriftDetected);
        Assert.Equal(ReportIndexRow.WeekHours, a.WeekScores.Count);
        Assert.Equal(0, a.WeekScores[^6]);
        Assert.Equal(a.DriftScore, a.WeekScores[^1]);

        // A newer window shifts the week along.
        index = ReportIndexing.With(index, Report(End.AddHours(2), model: "a"), null, End);
        Assert.Equal(0, index.Models[0].WeekScores[^8]);
        Assert.Equal(DriftHistoryJson.Serialize(index), DriftHistoryJson.Serialize(DriftHistoryJson.ReadIndex(DriftHistoryJson.Serialize(index), "index.json")));
    }

    [Fact]
    public void The_pages_are_self_contained_and_escape_names()
    {
        var day = DriftHistory.Append(null, Report(End.AddHours(-3)));
        day = DriftHistory.Append(day, Report(End, shift: 0));
        var series = DriftHistory.Series("test-model", "1", [day], End);
        var report = Report(End);
        var latest = HtmlReportRenderer.Render(report, history: series);
        Assert.Contains("id=\"history\"", latest, StringComparison.Ordinal);
        Assert.Contains("class=\"drifted\"", latest, StringComparison.Ordinal);
        Assert.Contains("class=\"score\"", latest, StringComparison.Ordinal);
        AssertSelfContained(latest);

        var index = ReportIndexing.With(null, report with { ModelName = "<b>evil</b>" }, series, End);
        var page = IndexHtmlRenderer.Render(index, row => new IndexRowLinks($"{row.ModelName}/latest.html", $"{row.ModelName}/{row.ModelVersion}/x.html"));
        AssertSelfContained(page);
        Assert.DoesNotContain("<b>evil", page, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;evil&lt;/b&gt;", page, StringComparison.Ordinal);
        Assert.Equal(1, IndexHtmlRenderer.RevisionOf(page));
        Assert.Null(IndexHtmlRenderer.RevisionOf("<html></html>"));
    }

    private static void AssertSelfContained(string html)
    {
        Assert.DoesNotMatch(ExternalReference(), html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex(@"[a-z][a-z0-9+.-]*://|(?:src|href)\s*=\s*[""']?//|@import|url\(", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();
}
