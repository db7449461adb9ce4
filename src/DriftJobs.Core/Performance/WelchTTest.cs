namespace DriftJobs.Core.Performance;

/// <summary>
/// Is the window's mean loss higher than the reference's? Welch's unequal-variance t-test from summary statistics, as
/// scipy's <c>ttest_ind_from_stats(m1, √v1, n1, m2, √v2, n2, equal_var=False, alternative='greater')</c> with the
/// window as the first sample. Per-pair losses are far from normal (|error| and error² are skewed), but the test is on
/// their means, which the central limit theorem makes near normal for windows of a few dozen pairs and more.
/// </summary>
internal static class WelchTTest
{
    /// <summary>
    /// Variances are sample variances (ddof = 1). Edge cases: fewer than two pairs on a side, or a NaN or negative
    /// input, give no test (NaN, NaN, NaN). Both variances 0: scipy divides by 0, giving t = ±∞ (p 0 or 1) when the
    /// means differ and NaN when they are equal; here the means differ without any noise, so the same ±∞ and p 0 or
    /// 1, and equal means give t = 0, p = ½ like any two equal means (and as <see cref="TwoProportionZTest"/> does);
    /// the degrees of freedom are NaN in all three (scipy puts a placeholder 1 there).
    /// </summary>
    public static WelchTTestResult Greater(
        double windowMean,
        double windowVariance,
        long windowCount,
        double referenceMean,
        double referenceVariance,
        long referenceCount)
    {
        if (windowCount < 2 || referenceCount < 2
            || !(windowVariance >= 0) || !(referenceVariance >= 0)
            || double.IsNaN(windowMean) || double.IsNaN(referenceMean))
        {
            return new WelchTTestResult(double.NaN, double.NaN, double.NaN);
        }

        var windowShare = windowVariance / windowCount;
        var referenceShare = referenceVariance / referenceCount;
        var variance = windowShare + referenceShare;
        var difference = windowMean - referenceMean;
        if (variance == 0)
        {
            return difference > 0 ? new WelchTTestResult(double.PositiveInfinity, double.NaN, 0)
                : difference < 0 ? new WelchTTestResult(double.NegativeInfinity, double.NaN, 1)
                : new WelchTTestResult(0, double.NaN, 0.5);
        }

        var degreesOfFreedom = variance * variance
            / ((windowShare * windowShare / (windowCount - 1)) + (referenceShare * referenceShare / (referenceCount - 1)));
        var t = difference / Math.Sqrt(variance);
        return new WelchTTestResult(t, degreesOfFreedom, StudentT.UpperTail(t, degreesOfFreedom));
    }
}
