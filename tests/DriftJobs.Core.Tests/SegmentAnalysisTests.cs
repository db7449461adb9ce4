using DriftJobs.Core.Profiles;
using DriftJobs.Core.Profiles.Segments;
using DriftJobs.Core.Reports;
using DriftJobs.Core.Serialization;
using DriftJobs.Core.Statistics;

namespace DriftJobs.Core.Tests;

public class SegmentAnalysisTests
{
    private static readonly ReportWindow Range = new() { Start = TestData.Created, End = TestData.Created.AddHours(24), Hours = 24 };

    private static string?[] Segments(Random random, int n, params (string? Key, double Share)[] shares)
    {
        var keys = new string?[n];
        for (var i = 0; i < n; i++)
        {
            var u = random.NextDouble();
            var k = 0;
            while (k < shares.Length - 1 && (u -= shares[k].Share) > 0)
            {
                k++;
            }

            keys[i] = shares[k].Key;
        }

        return keys;
    }

    private static Dictionary<string, double[]> Features(Random random, int count, int n) =>
        Enumerable.Range(0, count).ToDictionary(i => "f" + i, _ => TestData.Normal(random, n));

    private static DriftReport DriftInItaly()
    {
        var random = new Random(7);
        (string?, double)[] segments = [("DE", 0.6), ("FR", 0.3), ("IT", 0.1)];
        var trainingSegments = Segments(random, 20_000, segments);
        var baseline = Segmented.Baseline(Features(random, 5, 20_000), trainingSegments);
        var windowSegments = Segments(random, 20_000, segments);
        var window = Features(random, 5, 20_000);
        for (var i = 0; i < window["f0"].Length; i++)
        {
            window["f0"][i] += windowSegments[i] == "IT" ? 1.0 : 0;
        }

        return DriftAnalyzer.Analyze(Segmented.Window(baseline, window, windowSegments), Range, new DriftThresholds());
    }

    [Fact]
    public void A_drift_in_one_small_segment_is_found_there_and_not_in_the_whole_window()
    {
        var report = DriftInItaly();

        Assert.False(report.DriftDetected);
        var section = report.Segments!;
        Assert.Equal(["country=IT"], section.DriftedSegments);
        Assert.Equal("country=IT", section.Segments[0].Key);
        Assert.Equal(["f0"], section.Segments[0].DriftedFeatures);
        Assert.Equal(3 * 5, section.TestsInFamily);
        var alert = Assert.Single(report.Alerts, a => a.Code == AlertCodes.SegmentDrift);
        Assert.Equal("country=IT/f0", alert.Feature);
        Assert.Contains("segment country=IT", alert.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_summary_and_the_html_report_show_the_drifted_segments_first()
    {
        var report = DriftInItaly();
        var it = report.Segments!.Segments[0];

        var summary = ReportSummary.Format(report);
        Assert.Contains("Overall drift detected: NO", summary, StringComparison.Ordinal);
        Assert.Contains($"Segments drifted: 1/3 judged (15 tests adjusted together){Environment.NewLine}  country=IT ({it.Rows} rows): f0", summary, StringComparison.Ordinal);

        var html = Core.Reports.Html.HtmlReportRenderer.Render(report);
        var segments = html.IndexOf("id=\"segments\"", StringComparison.Ordinal);
        Assert.InRange(segments, 0, html.IndexOf("Alerts (", StringComparison.Ordinal));
        Assert.InRange(html.IndexOf("<td>country=IT</td>", segments, StringComparison.Ordinal), segments, html.IndexOf("<td>country=DE</td>", segments, StringComparison.Ordinal));
        Assert.Contains($"f0 (PSI {Core.Reports.Html.HtmlReportRenderer.Num(it.Features[0].Psi!.Value)}", html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_segments_numbers_are_those_of_its_rows_alone_against_its_training_rows_and_adjusted_over_all_segments()
    {
        var random = new Random(11);
        (string?, double)[] segments = [("DE", 0.5), ("FR", 0.3), ("IT", 0.2)];
        var trainingSegments = Segments(random, 6_000, segments);
        var training = Features(random, 4, 6_000);
        training["f3"] = training["f3"].Select(x => Math.Round(x)).ToArray();
        var categories = new[] { "a", "b", "c" };
        var trainingCategories = new Dictionary<string, string?[]> { ["c"] = Enumerable.Range(0, 6_000).Select(_ => categories[random.Next(3)]).ToArray() };
        var baseline = Segmented.Baseline(training, trainingSegments, categorical: trainingCategories);
        var windowSegments = Segments(random, 5_000, segments);
        var window = Features(random, 4, 5_000);
        window["f3"] = window["f3"].Select(x => Math.Round(x)).ToArray();
        var windowCategories = new Dictionary<string, string?[]> { ["c"] = windowSegments.Select(s => s == "FR" ? "a" : categories[random.Next(3)]).ToArray() };
        for (var i = 0; i < 5_000; i++)
        {
            window["f1"][i] += windowSegments[i] == "DE" ? 0.4 : 0;
        }

        var report = DriftAnalyzer.Analyze(Segmented.Window(baseline, window, windowSegments, windowCategories), Range, new DriftThresholds());

        // Each segment alone: a window of its rows against a baseline of its training rows on the whole data's bins and
        // grid, analysed as a whole window, without correction; the family is then adjusted by hand.
        var layout = SegmentLayout.For(baseline);
        var alone = layout.Keys.Select((key, s) =>
        {
            var value = key["country=".Length..];
            var reference = layout.References[s];
            Assert.Equal(trainingSegments.Count(x => x == value), reference.Source.Rows);
            var rows = TestData.Window(reference,
                window.ToDictionary(kv => kv.Key, kv => Segmented.Of(kv.Value, windowSegments, value)),
                windowCategories.ToDictionary(kv => kv.Key, kv => Segmented.Of(kv.Value, windowSegments, value)));
            return DriftAnalyzer.Analyze(rows, Range, new DriftThresholds { MultipleTesting = MultipleTestingMethod.None });
        }).ToArray();
        var family = MultipleTesting.Adjust(alone.SelectMany(r => r.Features.Select(f => f.Ks?.PValue ?? f.ChiSquare?.PValue ?? double.NaN)).ToArray(), MultipleTestingMethod.BenjaminiHochberg);

        Assert.Equal(["country=DE", "country=FR"], report.Segments!.DriftedSegments.Order());
        for (var s = 0; s < layout.Keys.Count; s++)
        {
            var segment = report.Segments.Segments.Single(x => x.Key == layout.Keys[s]);
            Assert.Equal(alone[s].Samples, segment.Rows);
            for (var i = 0; i < alone[s].Features.Count; i++)
            {
                var expected = alone[s].Features[i];
                var judged = DriftAnalyzer.Judge(
                    new DriftAnalyzer.Measurement(expected, expected.Ks?.PValue ?? expected.ChiSquare!.PValue, expected.Ks?.Statistic ?? expected.ChiSquare!.Linf, true),
                    family[(s * alone[s].Features.Count) + i], new DriftThresholds(), enoughRows: true);
                var actual = segment.Features.SingleOrDefault(f => f.Name == expected.Name);
                Assert.Equal(judged.Drifted, actual is not null);
                if (actual is not null)
                {
                    Assert.Equal(Json(judged), Json(actual));
                }
            }
        }
    }

    [Fact]
    public void Small_segments_get_no_verdict_and_never_seen_ones_are_listed_apart()
    {
        var random = new Random(3);
        var training = Segments(random, 4_000, ("DE", 0.7), ("FR", 0.25), ("rare,=(x)", 0.03), (null, 0.02));
        var baseline = Segmented.Baseline(Features(random, 2, 4_000), training, maxSegments: 2);
        Assert.Equal(["country=DE", "country=FR", SegmentKey.Other], baseline.Segments!.Segments.Select(s => s.Key));
        Assert.Equal(["country=(missing)", @"country=rare\,\=\(x\)"], baseline.Segments.OtherKeys);

        var windowSegments = Segments(random, 2_000, ("DE", 0.9), ("FR", 0.03), ("NL", 0.05), (null, 0.02));
        var report = DriftAnalyzer.Analyze(Segmented.Window(baseline, Features(random, 2, 2_000), windowSegments), Range, new DriftThresholds());

        var section = report.Segments!;
        var fr = section.Segments.Single(s => s.Key == "country=FR");
        Assert.False(fr.Judged);
        Assert.Null(fr.DriftScore);
        Assert.Equal(windowSegments.Count(s => s == "FR"), fr.Rows);
        Assert.Equal(2, section.TestsInFamily); // DE and (other): 2 features each, but (other) has fewer rows than DRIFT_MIN_SAMPLES
        var nl = Assert.Single(section.Unseen.Top);
        Assert.Equal("country=NL", nl.Key);
        Assert.Equal(windowSegments.Count(s => s == "NL"), nl.Rows);
        Assert.Equal(nl.Rows, section.Unseen.Rows);
        Assert.Equal((double)nl.Rows / 2_000, section.Unseen.Share);
        Assert.Equal(2_000, section.Segments.Sum(s => s.Rows) + section.Unseen.Rows);
    }

    [Fact]
    public void Twenty_segments_of_fifty_unchanged_features_rarely_raise_a_false_alarm()
    {
        // The goal of the whole window's test (Fifty_unchanged_features_rarely_raise_a_false_alarm_once_p_values_are_adjusted):
        // BH over the family of 20 × 50 tests keeps the rate of runs with any alarm near α.
        var settings = new DriftThresholds { KsMinStatistic = 0, PsiThreshold = 10 };
        var random = new Random(42);
        const int features = 50, segments = 20, perSegment = 120, runs = 20;
        var keys = Enumerable.Range(0, segments).Select(i => ((string?)("s" + i), 1.0 / segments)).ToArray();
        var alarms = 0;
        for (var run = 0; run < runs; run++)
        {
            var baseline = Segmented.Baseline(Features(random, features, segments * perSegment), Segments(random, segments * perSegment, keys), options: Grid);
            var windowSegments = Enumerable.Range(0, segments * perSegment).Select(i => (string?)("s" + (i % segments))).ToArray();
            var report = DriftAnalyzer.Analyze(Segmented.Window(baseline, Features(random, features, segments * perSegment), windowSegments), Range, settings);
            Assert.Equal(segments * features, report.Segments!.TestsInFamily);
            alarms += report.Segments.SegmentsDrifted > 0 ? 1 : 0;
        }

        Assert.InRange((double)alarms / runs, 0, 0.15);
    }

    [Fact]
    public void A_segmented_baseline_reads_back_as_written_and_its_counts_are_checked()
    {
        var random = new Random(5);
        var baseline = Segmented.Baseline(Features(random, 2, 1_000), Segments(random, 1_000, ("a", 0.5), ("b", 0.5)));
        var bytes = DriftJson.Serialize(baseline);

        Assert.Equal(bytes, DriftJson.Serialize(DriftJson.ReadBaseline(bytes, "baseline.json")));
        var broken = System.Text.Encoding.UTF8.GetString(bytes).Replace("\"bin_counts\": [", "\"bin_counts\": [1,", StringComparison.Ordinal);
        var error = Assert.Throws<InvalidDataException>(() => DriftJson.ReadBaseline(System.Text.Encoding.UTF8.GetBytes(broken), "baseline.json"));
        Assert.Contains("segments.segments[0] ('country=", error.Message, StringComparison.Ordinal);
        Assert.Contains("bin_counts", error.Message, StringComparison.Ordinal);
    }

    // A coarser KS grid than the default (which keeps all 2,400 training values of a run; D is then within 1/500 of the
    // exact statistic) and a smaller sample: the 1,000 windows of a run are counted and measured in less time.
    private static readonly BaselineBuildOptions Grid = new() { KsReferencePoints = 500, SampleSize = 10_000 };

    private static string Json(FeatureDrift feature) => System.Text.Json.JsonSerializer.Serialize(feature, DriftJson.TypeInfo<FeatureDrift>());
}
