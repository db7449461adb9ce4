using MathNet.Numerics;

namespace DriftJobs.Core.Statistics;

internal readonly record struct ChiSquareResult(double Statistic, int DegreesOfFreedom, double PValue);

internal static class ChiSquare
{
    /// <summary>
    /// Pearson's goodness-of-fit test of observed counts against expected shares, as
    /// scipy.stats.chisquare(f_obs, f_exp = shares·Σf_obs). Categories expected with share 0 must be smoothed by the
    /// caller (an observed count there makes the statistic infinite).
    /// </summary>
    public static ChiSquareResult GoodnessOfFit(ReadOnlySpan<long> observed, ReadOnlySpan<double> expectedShares)
    {
        if (observed.Length != expectedShares.Length)
        {
            throw new ArgumentException("One expected share per observed count.", nameof(expectedShares));
        }

        double total = 0, shareTotal = 0;
        for (var i = 0; i < observed.Length; i++)
        {
            total += observed[i];
            shareTotal += expectedShares[i];
        }

        var categories = observed.Length;
        if (total <= 0 || categories < 2)
        {
            return new ChiSquareResult(double.NaN, categories - 1, double.NaN);
        }

        double statistic = 0;
        for (var i = 0; i < observed.Length; i++)
        {
            var expected = expectedShares[i] / shareTotal * total;
            var diff = observed[i] - expected;
            statistic += diff * diff / expected;
        }

        var dof = categories - 1;
        // The upper regularized gamma keeps precision for tiny p-values, where 1 − CDF would round to 0.
        var p = double.IsPositiveInfinity(statistic) ? 0 : SpecialFunctions.GammaUpperRegularized(dof / 2.0, statistic / 2.0);
        return new ChiSquareResult(statistic, dof, p);
    }

    /// <summary>
    /// Pearson's test that two samples' counts over the same categories come from one distribution, as
    /// scipy.stats.chi2_contingency([a, b], correction=False). Categories empty in both samples are left out (they carry
    /// no information, and SciPy refuses a zero expected count).
    /// </summary>
    public static ChiSquareResult Homogeneity(ReadOnlySpan<long> a, ReadOnlySpan<long> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException("Both samples need one count per category.", nameof(b));
        }

        double totalA = 0, totalB = 0;
        var categories = 0;
        for (var i = 0; i < a.Length; i++)
        {
            totalA += a[i];
            totalB += b[i];
            categories += a[i] + b[i] > 0 ? 1 : 0;
        }

        if (totalA <= 0 || totalB <= 0 || categories < 2)
        {
            return new ChiSquareResult(double.NaN, Math.Max(categories - 1, 0), double.NaN);
        }

        var total = totalA + totalB;
        double statistic = 0;
        for (var i = 0; i < a.Length; i++)
        {
            double column = a[i] + b[i];
            if (column == 0)
            {
                continue;
            }

            var expectedA = column * totalA / total;
            var expectedB = column * totalB / total;
            statistic += ((a[i] - expectedA) * (a[i] - expectedA) / expectedA) + ((b[i] - expectedB) * (b[i] - expectedB) / expectedB);
        }

        var dof = categories - 1;
        return new ChiSquareResult(statistic, dof, SpecialFunctions.GammaUpperRegularized(dof / 2.0, statistic / 2.0));
    }
}
