using DriftJobs.Core.Performance;

namespace DriftJobs.Core.Tests.Performance;

public sealed class RegressionAccumulatorTests
{
    public static TheoryData<string> CaseNames() => [.. PerformanceReference.Value.Regression.Select(c => c.Name)];

    [Fact]
    public void Reference_data_covers_the_edge_cases()
    {
        var cases = PerformanceReference.Value.Regression;
        Assert.Contains(cases, c => c.Labels.Distinct().Count() == 1 && c.R2 == 0);
        Assert.Contains(cases, c => c.Labels.Distinct().Count() == 1 && c.R2 == 1);
        Assert.Contains(cases, c => c.Count == 1 && c.R2 is null);
        Assert.Contains(cases, c => c.Exact is not null && c.Labels.Min() >= 1e12);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Metrics_match_sklearn(string name)
    {
        var c = PerformanceReference.Value.Regression.Single(x => x.Name == name);
        var m = Accumulate(c, 0, c.Labels.Length).Compute();

        Assert.Equal(c.Count, m.Count);
        // Away from large offsets float64 sklearn is accurate to a few ulps; near 10^9 its Σ(y − ȳ)² loses ~7 digits,
        // so there the exact rational values are the reference and sklearn only a sanity check.
        var tolerance = c.Exact is null ? 1e-13 : 1e-6;
        Close(c.Mae, m.Mae, tolerance, "MAE");
        Close(c.Rmse, m.Rmse, tolerance, "RMSE");
        Close(c.Bias, m.MeanError, tolerance, "mean error");
        if (c.R2 is null)
        {
            Assert.True(double.IsNaN(m.R2), $"R² {m.R2} where sklearn gives NaN");
        }
        else
        {
            Close(c.R2.Value, m.R2, tolerance, "R²");
        }

        // numpy's two-pass var is as accurate as the double-double sums except at the large offsets, where both
        // subtract nearly equal numbers; there the variances are of errors near 1, not of the labels, so 1e-9 holds.
        CloseOrNaN(c.AbsoluteErrorVariance, m.AbsoluteErrorVariance, c.Exact is null ? 1e-12 : 1e-9, "|error| variance");
        CloseOrNaN(c.SquaredErrorVariance, m.SquaredErrorVariance, c.Exact is null ? 1e-12 : 1e-9, "error² variance");

        if (c.Exact is { } exact)
        {
            Close(exact.Mae, m.Mae, 1e-14, "exact MAE");
            Close(Math.Sqrt(exact.Mse), m.Rmse, 1e-14, "exact RMSE");
            Close(exact.Bias, m.MeanError, 1e-14, "exact mean error");
            Close(exact.R2!.Value, m.R2, 1e-12, "exact R²");
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Accumulators_split_at_random_points_and_merged_equal_one_pass(string name)
    {
        var c = PerformanceReference.Value.Regression.Single(x => x.Name == name);
        var whole = Accumulate(c, 0, c.Labels.Length).Compute();
        var random = new Random(name.Length);
        for (var round = 0; round < 5; round++)
        {
            var cuts = Enumerable.Range(0, random.Next(1, 6)).Select(_ => random.Next(c.Labels.Length + 1)).Append(0).Append(c.Labels.Length).Distinct().Order().ToArray();
            var parts = cuts.Zip(cuts.Skip(1), (from, to) => Accumulate(c, from, to)).ToArray();
            random.Shuffle(parts);
            var merged = new RegressionAccumulator();
            foreach (var part in parts)
            {
                merged.Merge(part);
            }

            Assert.Equal(whole, merged.Compute());
        }
    }

    [Fact]
    public void An_empty_accumulator_gives_NaN_and_non_finite_input_is_refused()
    {
        var empty = new RegressionAccumulator().Compute();
        Assert.Equal(0, empty.Count);
        Assert.True(double.IsNaN(empty.Mae) && double.IsNaN(empty.Rmse) && double.IsNaN(empty.MeanError) && double.IsNaN(empty.R2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RegressionAccumulator().Add(double.NaN, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RegressionAccumulator().Add(1, double.PositiveInfinity));
    }

    private static RegressionAccumulator Accumulate(RegressionCase c, int from, int to)
    {
        var accumulator = new RegressionAccumulator();
        for (var i = from; i < to; i++)
        {
            accumulator.Add(c.Labels[i], c.Predictions[i]);
        }

        return accumulator;
    }

    private static void Close(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"{what}: {actual:R} vs {expected:R}");

    private static void CloseOrNaN(double? expected, double actual, double tolerance, string what)
    {
        if (expected is null)
        {
            Assert.True(double.IsNaN(actual), $"{what} {actual:R} where numpy gives none");
        }
        else
        {
            Close(expected.Value, actual, tolerance, what);
        }
    }
}
