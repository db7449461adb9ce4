using DriftJobs.Core.Profiles;
using DriftJobs.Core.Reports;
using DriftJobs.Core.Statistics;

namespace DriftJobs.Core.Tests;

/// <summary>The engine's statistics against scipy/numpy/statsmodels values (tools/reference/make_reference.py).</summary>
public class EngineReferenceTests
{
    public sealed record ChiSquareFile(ChiSquareCase[] Cases);

    public sealed record ChiSquareCase(string Name, long[] Observed, double[] ExpectedShares, int Dof, double Statistic, double P);

    public sealed record JensenShannonFile(JensenShannonCase[] Cases);

    public sealed record JensenShannonCase(string Name, double[] P, double[] Q, double Distance);

    public sealed record WassersteinFile(WassersteinCase[] Cases);

    public sealed record WassersteinCase(string Name, double[] UValues, double[]? UWeights, double[] VValues, double[]? VWeights, double Distance);

    public sealed record QuantileFile(double[] Probs, QuantileCase[] Cases);

    public sealed record QuantileCase(string Name, ReferenceSample Values, double[] Quantiles);

    public sealed record MultipleTestingFile(MultipleTestingCase[] Cases);

    public sealed record MultipleTestingCase(string Name, double[] P, double[] Bh, double[] Bonferroni);

    public static TheoryData<string> KsCases() => [.. ReferenceData.Load<KolmogorovSmirnovTests.KsReference>("ks.json").Cases.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(KsCases))]
    public void Baseline_and_window_profiles_give_scipys_ks_statistic_and_p_value(string name)
    {
        var c = ReferenceData.Load<KolmogorovSmirnovTests.KsReference>("ks.json").Cases.Single(k => k.Name == name);
        var x = ReferenceData.Expand(c.X);
        var y = ReferenceData.Expand(c.Y);
        // Keep every training value so the reference ECDF is exact, as a baseline of ≤ K distinct values is.
        var points = Math.Clamp(x.Length, 100, 1_000_000);
        var options = new BaselineBuildOptions { KsReferencePoints = points, SampleSize = Math.Max(points, x.Length) };
        var baseline = TestData.Baseline(new() { ["f"] = x }, options: options);
        Assert.True(baseline.Features[0].Numeric!.KsReference.Exact);
        var window = TestData.Window(baseline, new() { ["f"] = y });

        var report = DriftAnalyzer.Analyze(window, new ReportWindow { Start = TestData.Created, End = TestData.Created, Hours = 1 }, new DriftThresholds { MinSamples = 1 });
        var ks = report.Features[0].Ks!;

        Assert.Equal(c.D, ks.Statistic, 1e-12);
        if (c.Regime == "exact")
        {
            AssertSignificantDigits(c.P, ks.PValue, 6);
        }
        else
        {
            Assert.True(Math.Abs(c.P - ks.PValue) <= (c.P < 0.01 ? 0.01 * c.P : 1e-4), $"p {ks.PValue} vs scipy {c.P}");
        }
    }

    [Fact]
    public void Chi_square_matches_scipy()
    {
        foreach (var c in ReferenceData.Load<ChiSquareFile>("chisquare.json").Cases)
        {
            var result = ChiSquare.GoodnessOfFit(c.Observed, c.ExpectedShares);
            Assert.Equal(c.Dof, result.DegreesOfFreedom);
            Assert.True(Math.Abs(result.Statistic - c.Statistic) <= 1e-12 * Math.Max(1, c.Statistic), $"{c.Name}: statistic {result.Statistic} vs {c.Statistic}");
            AssertSignificantDigits(c.P, result.PValue, 6, c.Name);
        }
    }

    [Fact]
    public void Jensen_shannon_distance_matches_scipy()
    {
        foreach (var c in ReferenceData.Load<JensenShannonFile>("jensenshannon.json").Cases)
        {
            Assert.True(Math.Abs(JensenShannon.Distance(c.P, c.Q) - c.Distance) <= 1e-12, $"{c.Name}: {JensenShannon.Distance(c.P, c.Q)} vs {c.Distance}");
        }
    }

    [Fact]
    public void Wasserstein_distance_matches_scipy()
    {
        foreach (var c in ReferenceData.Load<WassersteinFile>("wasserstein.json").Cases)
        {
            var distance = Wasserstein.Distance(c.UValues, c.UWeights ?? [], c.VValues, c.VWeights ?? []);
            Assert.True(Math.Abs(distance - c.Distance) <= 1e-12 * Math.Max(1, Math.Abs(c.Distance)), $"{c.Name}: {distance} vs {c.Distance}");
        }
    }

    [Fact]
    public void Baseline_quantiles_match_numpy()
    {
        var file = ReferenceData.Load<QuantileFile>("quantiles.json");
        foreach (var c in file.Cases)
        {
            var values = ReferenceData.Expand(c.Values);
            var options = new BaselineBuildOptions { SampleSize = Math.Max(values.Length, BaselineBuildOptions.DefaultKsReferencePoints) };
            var q = TestData.Baseline(new() { ["f"] = values }, options: options).Features[0].Numeric!.Quantiles!;
            double[] ours = [q.P01, q.P05, q.P25, q.P50, q.P75, q.P95, q.P99];
            for (var i = 0; i < ours.Length; i++)
            {
                Assert.True(Math.Abs(ours[i] - c.Quantiles[i]) <= 1e-12 * Math.Max(1, Math.Abs(c.Quantiles[i])), $"{c.Name} q{file.Probs[i]}: {ours[i]} vs {c.Quantiles[i]}");
            }
        }
    }

    [Fact]
    public void Multiple_testing_adjustments_match_statsmodels_and_bonferroni()
    {
        foreach (var c in ReferenceData.Load<MultipleTestingFile>("bh.json").Cases)
        {
            var bh = MultipleTesting.Adjust(c.P, MultipleTestingMethod.BenjaminiHochberg);
            var bonferroni = MultipleTesting.Adjust(c.P, MultipleTestingMethod.Bonferroni);
            for (var i = 0; i < c.P.Length; i++)
            {
                Assert.True(Math.Abs(bh[i] - c.Bh[i]) <= 1e-15, $"{c.Name}[{i}] bh {bh[i]} vs {c.Bh[i]}");
                Assert.True(Math.Abs(bonferroni[i] - c.Bonferroni[i]) <= 1e-15, $"{c.Name}[{i}] bonferroni {bonferroni[i]} vs {c.Bonferroni[i]}");
            }

            Assert.Equal(c.P, MultipleTesting.Adjust(c.P, MultipleTestingMethod.None));
        }
    }

    private static void AssertSignificantDigits(double expected, double actual, int digits, string? name = null)
    {
        if (expected == 0)
        {
            Assert.True(Math.Abs(actual) < 1e-300, $"{name}: {actual} vs 0");
            return;
        }

        var relative = Math.Abs(actual - expected) / Math.Abs(expected);
        Assert.True(relative <= 0.5 * Math.Pow(10, 1 - digits), $"{name}: {actual} vs {expected} (relative {relative})");
    }
}
