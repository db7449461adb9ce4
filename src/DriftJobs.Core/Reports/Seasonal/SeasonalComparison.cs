using DriftJobs.Core.Profiles;
using DriftJobs.Core.Statistics;

namespace DriftJobs.Core.Reports.Seasonal;

/// <summary>
/// Compares each feature of the window with the same hours a week earlier. Both sides are counts on the baseline's
/// PSI bins, KS grid points and categories (no values are kept), so every test here is the binned one: the KS D is
/// taken at the grid's cut points only (a lower bound of the D of the raw values, hence a conservative test), and the
/// categories never seen in training count as one category on both sides.
/// </summary>
internal static class SeasonalComparison
{
    public static IReadOnlyList<FeaturePreviousWeek> Compare(
        IReadOnlyList<FeatureWindow> current, IReadOnlyList<FeatureWindow> previous, IReadOnlyList<bool> driftedFromTraining, DriftThresholds settings)
    {
        var measured = current.Select((window, i) => Measure(window, previous[i], settings)).ToArray();
        var pValues = measured.Select(m => m.Judged ? m.PValue : double.NaN).ToArray();
        var adjusted = MultipleTesting.Adjust(pValues, settings.MultipleTesting);
        return measured.Select((m, i) =>
        {
            if (!m.Judged)
            {
                return m.Result;
            }

            var drifted = m.Result.Psi >= settings.PsiThreshold
                || (adjusted[i] < settings.KsPValueThreshold && m.Result.Statistic >= settings.KsMinStatistic);
            return m.Result with
            {
                Judged = true,
                PValueAdjusted = adjusted[i],
                Drifted = drifted,
                Seasonal = driftedFromTraining[i] && !drifted,
            };
        }).ToArray();
    }

    /// <summary>The two-sample D of two windows counted on the same grid, taken at every cut point of the grid.</summary>
    internal static double BinnedKsStatistic(NumericWindow a, NumericWindow b)
    {
        double na = a.Valid, nb = b.Valid;
        var gapsA = a.GapCounts;
        var gapsB = b.GapCounts;
        var equalA = a.EqualCounts;
        var equalB = b.EqualCounts;
        long cumulativeA = 0, cumulativeB = 0;
        double d = 0;
        for (var j = 0; j < gapsA.Length; j++)
        {
            cumulativeA += gapsA[j];
            cumulativeB += gapsB[j];
            d = Math.Max(d, Math.Abs((cumulativeA / na) - (cumulativeB / nb)));
            if (j < equalA.Length)
            {
                cumulativeA += equalA[j];
                cumulativeB += equalB[j];
                d = Math.Max(d, Math.Abs((cumulativeA / na) - (cumulativeB / nb)));
            }
        }

        return d;
    }

    private static Measurement Measure(FeatureWindow current, FeatureWindow previous, DriftThresholds settings)
    {
        var none = new FeaturePreviousWeek { Judged = false, Drifted = false, Seasonal = false, Valid = previous.Valid };
        if (current.Valid == 0 || previous.Valid == 0)
        {
            return new Measurement(none, double.NaN, false);
        }

        var judged = current.Valid >= settings.MinSamples && previous.Valid >= settings.MinSamples;
        switch (current, previous)
        {
            case (NumericWindow c, NumericWindow p):
            {
                var d = BinnedKsStatistic(c, p);
                var pValue = KolmogorovSmirnov.TwoSamplePValue(d, c.Valid, p.Valid);
                var result = none with
                {
                    Psi = Psi.Compute(DriftAnalyzer.Shares(p.BinCounts, p.Valid), DriftAnalyzer.Shares(c.BinCounts, c.Valid)),
                    Test = "ks",
                    Statistic = d,
                    PValue = pValue,
                    PValueAdjusted = pValue,
                };
                return new Measurement(result, pValue, judged && !double.IsNaN(pValue));
            }

            case (CategoricalWindow c, CategoricalWindow p):
            {
                long[] currentCounts = [.. c.CategoryCounts, c.OtherCount, c.UnseenCount];
                long[] previousCounts = [.. p.CategoryCounts, p.OtherCount, p.UnseenCount];
                var currentShares = DriftAnalyzer.Shares(currentCounts, c.Valid);
                var previousShares = DriftAnalyzer.Shares(previousCounts, p.Valid);
                var linf = 0.0;
                for (var i = 0; i < currentShares.Length; i++)
                {
                    linf = Math.Max(linf, Math.Abs(currentShares[i] - previousShares[i]));
                }

                var chi = ChiSquare.Homogeneity(currentCounts, previousCounts);
                var result = none with
                {
                    Psi = Psi.Compute(previousShares, currentShares),
                    Test = "chi_square",
                    Statistic = linf,
                    PValue = double.IsNaN(chi.PValue) ? null : chi.PValue,
                    PValueAdjusted = double.IsNaN(chi.PValue) ? null : chi.PValue,
                };
                return new Measurement(result, chi.PValue, judged && !double.IsNaN(chi.PValue));
            }

            default:
                throw new InvalidOperationException($"Feature {current.Baseline.Name} is of another kind a week earlier.");
        }
    }

    private sealed record Measurement(FeaturePreviousWeek Result, double PValue, bool Judged);
}
