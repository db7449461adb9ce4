using DriftJobs.Core.Performance;

namespace DriftJobs.Core.Tests.Performance;

public sealed class TwoProportionZTestTests
{
    [Fact]
    public void Matches_statsmodels_proportions_ztest_larger()
    {
        var cases = PerformanceReference.Value.Ztest;
        Assert.Contains(cases, c => c.P < 1e-9);
        Assert.Contains(cases, c => c.P > 0.9);
        Assert.Contains(cases, c => c.WindowErrors == 0 || c.ReferenceErrors == 0);
        foreach (var c in cases.Where(c => c.Z is not null))
        {
            var result = TwoProportionZTest.Larger(c.WindowErrors, c.WindowCount, c.ReferenceErrors, c.ReferenceCount);
            Assert.True(Math.Abs(result.Z - c.Z!.Value) <= 1e-12 * Math.Max(1, Math.Abs(c.Z.Value)), $"{c.Name}: z {result.Z:R} vs {c.Z:R}");
            Assert.True(Math.Abs(result.PValue - c.P!.Value) <= Math.Max(1e-13, 1e-10 * c.P.Value), $"{c.Name}: p {result.PValue:R} vs {c.P:R}");
        }
    }

    [Fact]
    public void Rates_statsmodels_cannot_test_are_equal_so_z_is_0_and_p_one_half()
    {
        // statsmodels returns NaN for these (0/0); the reference records that, and the engine defines them instead.
        var undefined = PerformanceReference.Value.Ztest.Where(c => c.Z is null).ToArray();
        Assert.Equal(2, undefined.Length);
        foreach (var c in undefined)
        {
            Assert.Equal(new ZTestResult(0, 0.5), TwoProportionZTest.Larger(c.WindowErrors, c.WindowCount, c.ReferenceErrors, c.ReferenceCount));
        }
    }

    [Fact]
    public void Without_rows_on_either_side_there_is_no_test()
    {
        var noWindow = TwoProportionZTest.Larger(0, 0, 5, 100);
        var noReference = TwoProportionZTest.Larger(3, 10, 0, 0);
        Assert.True(double.IsNaN(noWindow.Z) && double.IsNaN(noWindow.PValue));
        Assert.True(double.IsNaN(noReference.Z) && double.IsNaN(noReference.PValue));
    }

    [Fact]
    public void Impossible_counts_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TwoProportionZTest.Larger(11, 10, 1, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => TwoProportionZTest.Larger(1, 10, -1, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => TwoProportionZTest.Larger(0, -1, 1, 10));
    }
}
