using MathNet.Numerics;

namespace DriftJobs.Core.Performance;

/// <summary>Z statistic and one-sided p-value; both NaN when there is nothing to test.</summary>
internal readonly record struct ZTestResult(double Z, double PValue);

/// <summary>
/// Is the window's error rate higher than the reference's? The one-sided two-proportion z-test with pooled variance,
/// as statsmodels' <c>proportions_ztest([windowErrors, referenceErrors], [windowCount, referenceCount],
/// alternative='larger')</c>, whose arithmetic it repeats step by step. A degradation verdict should combine its
/// p-value with the size of the rise: on large windows any trivial rise is significant.
/// </summary>
internal static class TwoProportionZTest
{
    /// <summary>
    /// Edge cases: without rows on either side there is no test (NaN, NaN). When both rates are 0 or both 1 the pooled
    /// variance is 0 and statsmodels returns NaN from 0/0; here the rates are equal, so z = 0 and p = 0.5, as
    /// statsmodels gives for any two equal rates it can test.
    /// </summary>
    public static ZTestResult Larger(long windowErrors, long windowCount, long referenceErrors, long referenceCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(windowCount);
        ArgumentOutOfRangeException.ThrowIfNegative(referenceCount);
        if (windowErrors < 0 || windowErrors > windowCount)
        {
            throw new ArgumentOutOfRangeException(nameof(windowErrors), windowErrors, "Errors are between 0 and the window's count.");
        }

        if (referenceErrors < 0 || referenceErrors > referenceCount)
        {
            throw new ArgumentOutOfRangeException(nameof(referenceErrors), referenceErrors, "Errors are between 0 and the reference's count.");
        }

        if (windowCount == 0 || referenceCount == 0)
        {
            return new ZTestResult(double.NaN, double.NaN);
        }

        var difference = ((double)windowErrors / windowCount) - ((double)referenceErrors / referenceCount);
        var pooled = (double)(windowErrors + referenceErrors) / (windowCount + referenceCount);
        var variance = pooled * (1 - pooled) * ((1.0 / windowCount) + (1.0 / referenceCount));
        if (variance == 0)
        {
            return new ZTestResult(0, 0.5);
        }

        var z = difference / Math.Sqrt(variance);
        // The upper tail directly (scipy's norm.sf), so tiny p-values keep their digits.
        return new ZTestResult(z, 0.5 * SpecialFunctions.Erfc(z / Math.Sqrt(2)));
    }
}
