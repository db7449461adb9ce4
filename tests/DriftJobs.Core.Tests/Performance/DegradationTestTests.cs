using DriftJobs.Core.Performance;

namespace DriftJobs.Core.Tests.Performance;

public sealed class DegradationTestTests
{
    [Fact]
    public void Mae_and_rmse_are_welch_tests_on_the_summaries_losses()
    {
        foreach (var c in SignificanceReference.Value.Regression)
        {
            var window = Summary(c.Window);
            var reference = Summary(c.Reference);
            foreach (var (result, expected, metric) in new[]
            {
                (DegradationTest.Mae(window, reference), c.Mae, "mae"),
                (DegradationTest.Rmse(window, reference), c.Rmse, "rmse"),
            })
            {
                Assert.Equal("welch_t", result.Test);
                Assert.True(Math.Abs(result.Statistic - expected.T!.Value) <= 1e-12 * Math.Abs(expected.T.Value), $"{c.Name} {metric}: t {result.Statistic:R} vs {expected.T:R}");
                Assert.True(Math.Abs(result.PValue - expected.P!.Value) <= 1e-10 * expected.P.Value, $"{c.Name} {metric}: p {result.PValue:R} vs {expected.P:R}");
            }
        }
    }

    [Fact]
    public void Regression_summaries_without_a_variance_give_no_test()
    {
        var side = SignificanceReference.Value.Regression[0].Window;
        var single = Summary(side) with { Count = 1, AbsoluteErrorVariance = null, SquaredErrorVariance = null };
        var result = DegradationTest.Rmse(single, Summary(side));
        Assert.True(double.IsNaN(result.Statistic) && double.IsNaN(result.PValue));
    }

    [Fact]
    public void Accuracy_is_the_two_proportion_z_test_on_the_errors()
    {
        // performance.json's statsmodels case "window-worse": 130 errors in 1,000 against 1,000 in 10,000.
        var c = PerformanceReference.Value.Ztest.Single(z => z.Name == "window-worse");
        var result = DegradationTest.Accuracy(
            Classification(c.WindowErrors, c.WindowCount - c.WindowErrors),
            Classification(c.ReferenceErrors, c.ReferenceCount - c.ReferenceErrors));
        Assert.Equal("two_proportion_z", result.Test);
        Assert.True(Math.Abs(result.PValue - c.P!.Value) <= 1e-10 * c.P.Value, $"p {result.PValue:R} vs {c.P:R}");
    }

    [Fact]
    public void F1_bootstraps_the_positive_class_of_the_confusion_matrices()
    {
        var c = SignificanceReference.Value.Bootstrap.Single(b => b.Name == "binary-slightly-worse");
        var result = DegradationTest.F1(FromMatrix(c.Window, "1"), FromMatrix(c.Reference, "1"));
        Assert.Equal("bootstrap", result.Test);
        Assert.Equal(c.WindowF1 - c.ReferenceF1, result.Statistic, 15);
        Assert.Equal(F1Bootstrap.Lower(c.Window, 1, c.Reference, 1).PValue, result.PValue);
        // Without a positive class the same matrices are tested on macro F1, a different statistic.
        var macro = DegradationTest.F1(FromMatrix(c.Window, null), FromMatrix(c.Reference, null));
        Assert.NotEqual(result.Statistic, macro.Statistic);
    }

    [Fact]
    public void F1_needs_the_same_positive_class_on_both_sides()
    {
        long[][] m = [[5, 1], [2, 4]];
        Assert.Throws<ArgumentException>(() => DegradationTest.F1(FromMatrix(m, "1"), FromMatrix(m, null)));
    }

    private static RegressionSummary Summary(RegressionSide s) => new()
    {
        Count = s.Count,
        Mae = s.Mae,
        Rmse = s.Rmse,
        MeanError = null,
        R2 = null,
        AbsoluteErrorVariance = s.AbsoluteErrorVariance,
        SquaredErrorVariance = s.SquaredErrorVariance,
    };

    private static ClassificationSummary Classification(long errors, long correct) =>
        FromMatrix([[correct, errors], [0, 0]], null);

    /// <summary>A summary of the pairs a 2×2 matrix counts, through the accumulator the jobs use.</summary>
    private static ClassificationSummary FromMatrix(long[][] matrix, string? positive)
    {
        var accumulator = new ClassificationAccumulator(positive);
        for (var i = 0; i < 2; i++)
        {
            for (var j = 0; j < 2; j++)
            {
                for (var n = 0; n < matrix[i][j]; n++)
                {
                    accumulator.Add(i.ToString(System.Globalization.CultureInfo.InvariantCulture), j.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }

        return ClassificationSummary.From(accumulator.Compute());
    }
}
