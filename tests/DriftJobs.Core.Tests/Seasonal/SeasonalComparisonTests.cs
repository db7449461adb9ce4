using DriftJobs.Core.Profiles;
using DriftJobs.Core.Reports;
using DriftJobs.Core.Reports.Seasonal;
using DriftJobs.Core.Serialization;
using DriftJobs.Core.Statistics;

namespace DriftJobs.Core.Tests.Seasonal;

public class SeasonalComparisonTests
{
    private static readonly ReportWindow Range = new()
    {
        Start = new DateTimeOffset(2026, 3, 8, 0, 0, 0, TimeSpan.Zero),
        End = new DateTimeOffset(2026, 3, 9, 0, 0, 0, TimeSpan.Zero),
        Hours = 24,
    };

    public static TheoryData<string> HomogeneityCases() => [.. Reference().Homogeneity.Select(c => c.Name)];

    public static TheoryData<string> BinnedKsCases() => [.. Reference().BinnedKs.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(HomogeneityCases))]
    public void Two_windows_category_counts_are_tested_as_scipys_chi2_contingency(string name)
    {
        var c = Reference().Homogeneity.Single(h => h.Name == name);
        var result = ChiSquare.Homogeneity(c.A, c.B);

        Assert.Equal(c.Dof, result.DegreesOfFreedom);
        Assert.Equal(c.Statistic, result.Statistic, Math.Max(1e-12 * c.Statistic, 1e-12));
        AssertP(c.P, result.PValue);
    }

    [Theory]
    [MemberData(nameof(BinnedKsCases))]
    public void Two_windows_on_the_grid_give_scipys_ks_2samp_statistic_and_p_value(string name)
    {
        var c = Reference().BinnedKs.Single(k => k.Name == name);
        // Training holds every grid value, so the baseline's KS grid is exactly 0..k-1 and no window value falls between.
        var grid = Enumerable.Range(0, c.XCounts.Length).SelectMany(v => Enumerable.Repeat((double)v, 10)).ToArray();
        var baseline = TestData.Baseline(new() { ["x"] = grid });
        var current = TestData.Window(baseline, new() { ["x"] = Expand(c.XCounts) });
        var earlier = TestData.Window(baseline, new() { ["x"] = Expand(c.YCounts) });

        var d = SeasonalComparison.BinnedKsStatistic((NumericWindow)current.Features["x"], (NumericWindow)earlier.Features["x"]);
        Assert.Equal(c.Statistic, d, 1e-12);

        // Through the analyzer: one feature, so its family of one leaves the p-value as it is.
        var report = DriftAnalyzer.Analyze(current, Range, new DriftThresholds(), previousWeek: Week(earlier));
        var week = report.Features.Single().PreviousWeek!;
        Assert.Equal("ks", week.Test);
        Assert.Equal(c.Statistic, week.Statistic!.Value, 1e-12);
        AssertP(c.P, week.PValue!.Value);
        Assert.Equal(week.PValue, week.PValueAdjusted);
    }

    [Fact]
    public void A_shift_present_a_week_earlier_is_seasonal_and_does_not_page_while_a_new_one_does()
    {
        var (baseline, current, earlier) = WeeklyCycle(new Random(7));
        var report = DriftAnalyzer.Analyze(current, Range, new DriftThresholds(), previousWeek: Week(earlier));

        var cycle = report.Features.Single(f => f.Name == "cycle");
        var fresh = report.Features.Single(f => f.Name == "fresh");
        Assert.True(cycle.Drifted);
        Assert.True(cycle.PreviousWeek is { Judged: true, Drifted: false, Seasonal: true });
        Assert.True(fresh.Drifted);
        Assert.True(fresh.PreviousWeek is { Judged: true, Drifted: true, Seasonal: false });
        Assert.False(report.Features.Single(f => f.Name == "steady").Drifted);

        Assert.Equal(PreviousWeekStatus.Compared, report.PreviousWeek!.Status);
        Assert.Equal(["cycle"], report.PreviousWeek.SeasonalFeatures);
        Assert.Equal(3, report.PreviousWeek.Tests);
        Assert.Equal(baseline.Features.Count, report.FeaturesMonitored);

        // The shift seen a week earlier is told, not paged; the new one pages; the score stays what training says.
        Assert.Equal(AlertSeverity.Info, report.Alerts.Single(a => a.Feature == "cycle").Severity);
        Assert.Equal(AlertCodes.SeasonalDrift, report.Alerts.Single(a => a.Feature == "cycle").Code);
        Assert.Contains(report.Alerts, a => a is { Code: AlertCodes.FeatureDrift, Feature: "fresh", Severity: AlertSeverity.Warning });
        Assert.Equal(2.0 / 3, report.DriftScore);
        // 2 of 3 drifted is past the 0.5 critical score, but only 1 of them pages.
        Assert.DoesNotContain(report.Alerts, a => a.Code == AlertCodes.DriftCritical);
    }

    [Fact]
    public void Configured_to_page_the_seasonal_drift_is_a_warning_and_counts_for_the_critical_score()
    {
        var (_, current, earlier) = WeeklyCycle(new Random(7));
        var report = DriftAnalyzer.Analyze(current, Range, new DriftThresholds { SeasonalSeverity = AlertSeverity.Warning }, previousWeek: Week(earlier));

        Assert.Contains(report.Alerts, a => a is { Code: AlertCodes.SeasonalDrift, Feature: "cycle", Severity: AlertSeverity.Warning });
        Assert.Contains(report.Alerts, a => a.Code == AlertCodes.DriftCritical);
        Assert.Equal(AlertSeverity.Warning, report.PreviousWeek!.SeasonalSeverity);
    }

    [Fact]
    public void Without_the_week_before_features_page_as_against_training_alone_and_the_report_says_why()
    {
        var (_, current, _) = WeeklyCycle(new Random(7));
        var report = DriftAnalyzer.Analyze(current, Range, new DriftThresholds(),
            previousWeek: new PreviousWeekWindow(PreviousWeekWindow.RangeBefore(Range), null, 24, 20, "4 of its 24 hours with logs have no hour profile."));

        Assert.Equal(PreviousWeekStatus.Unavailable, report.PreviousWeek!.Status);
        Assert.Equal(Range.Start.AddDays(-7), report.PreviousWeek.Window.Start);
        Assert.Contains(report.Alerts, a => a.Code == AlertCodes.SeasonalReferenceUnavailable && a.Severity == AlertSeverity.Info && a.Message.Contains("4 of its 24 hours", StringComparison.Ordinal));
        Assert.Contains(report.Alerts, a => a is { Code: AlertCodes.FeatureDrift, Feature: "cycle" });
        Assert.Contains(report.Alerts, a => a.Code == AlertCodes.DriftCritical);
        Assert.All(report.Features, f => Assert.Null(f.PreviousWeek));
    }

    [Fact]
    public void An_earlier_window_too_small_for_a_verdict_is_not_compared()
    {
        var (baseline, current, _) = WeeklyCycle(new Random(7));
        var tiny = TestData.Window(baseline, new() { ["cycle"] = [1, 2, 3], ["fresh"] = [1, 2, 3], ["steady"] = [1, 2, 3] });
        var report = DriftAnalyzer.Analyze(current, Range, new DriftThresholds(), previousWeek: Week(tiny));

        Assert.Equal(PreviousWeekStatus.Unavailable, report.PreviousWeek!.Status);
        Assert.Contains("3 rows", report.PreviousWeek.Reason, StringComparison.Ordinal);
        Assert.Contains(report.Alerts, a => a is { Code: AlertCodes.FeatureDrift, Feature: "cycle" });
    }

    [Fact]
    public void Categorical_features_are_compared_on_their_categories_with_never_seen_values_as_one()
    {
        var random = new Random(3);
        string?[] Draw(int n, double shareOfB, double unseen) => [.. Enumerable.Range(0, n).Select(_ => random.NextDouble() is var u && u < unseen ? "new-" + random.Next(50) : u < unseen + shareOfB ? "b" : "a")];
        var baseline = TestData.Baseline(new(), new() { ["c"] = Draw(4000, 0.2, 0) });
        var current = TestData.Window(baseline, new(), new() { ["c"] = Draw(3000, 0.5, 0.1) });
        var earlier = TestData.Window(baseline, new(), new() { ["c"] = Draw(3000, 0.5, 0.1) });

        var report = DriftAnalyzer.Analyze(current, Range, new DriftThresholds(), previousWeek: Week(earlier));

        var c = report.Features.Single();
        var window = (CategoricalWindow)current.Features["c"];
        var week = (CategoricalWindow)earlier.Features["c"];
        var expected = ChiSquare.Homogeneity([.. window.CategoryCounts, window.OtherCount, window.UnseenCount], [.. week.CategoryCounts, week.OtherCount, week.UnseenCount]);
        Assert.True(c.Drifted);
        Assert.Equal("chi_square", c.PreviousWeek!.Test);
        Assert.Equal(expected.PValue, c.PreviousWeek.PValue);
        Assert.True(c.PreviousWeek.Seasonal);
    }

    [Fact]
    public void A_report_without_the_week_before_has_no_trace_of_it_in_its_json()
    {
        var (_, current, _) = WeeklyCycle(new Random(7));
        var json = System.Text.Encoding.UTF8.GetString(DriftJson.Serialize(DriftAnalyzer.Analyze(current, Range, new DriftThresholds())));

        Assert.DoesNotContain("previous_week", json, StringComparison.Ordinal);
    }

    /// <summary>"cycle" moved the same way in both weeks, "fresh" only now, "steady" not at all.</summary>
    private static (BaselineProfile Baseline, WindowProfile Current, WindowProfile Earlier) WeeklyCycle(Random random)
    {
        var baseline = TestData.Baseline(new()
        {
            ["cycle"] = TestData.Normal(random, 3000),
            ["fresh"] = TestData.Normal(random, 3000),
            ["steady"] = TestData.Normal(random, 3000),
        });
        var current = TestData.Window(baseline, new()
        {
            ["cycle"] = TestData.Normal(random, 2000, mean: 0.8),
            ["fresh"] = TestData.Normal(random, 2000, mean: 0.8),
            ["steady"] = TestData.Normal(random, 2000),
        });
        var earlier = TestData.Window(baseline, new()
        {
            ["cycle"] = TestData.Normal(random, 2000, mean: 0.8),
            ["fresh"] = TestData.Normal(random, 2000),
            ["steady"] = TestData.Normal(random, 2000),
        });
        return (baseline, current, earlier);
    }

    private static PreviousWeekWindow Week(WindowProfile earlier) =>
        new(PreviousWeekWindow.RangeBefore(Range), earlier, 24, 24, null);

    private static double[] Expand(int[] counts) => [.. counts.SelectMany((n, v) => Enumerable.Repeat((double)v, n))];

    private static void AssertP(double expected, double actual)
    {
        if (expected < 1e-300)
        {
            Assert.InRange(actual, 0, 1e-300);
        }
        else
        {
            Assert.Equal(expected, actual, expected * 1e-9);
        }
    }

    private static SeasonalReference Reference() => ReferenceData.Load<SeasonalReference>("seasonal.json");

    public sealed record SeasonalReference(IReadOnlyList<HomogeneityCase> Homogeneity, IReadOnlyList<BinnedKsCase> BinnedKs);

    public sealed record HomogeneityCase(string Name, long[] A, long[] B, double Statistic, int Dof, double P);

    public sealed record BinnedKsCase(string Name, int[] XCounts, int[] YCounts, double Statistic, double P);
}
