namespace DriftJobs.Core.Performance;

/// <summary>
/// Is the window's primary metric significantly worse than the reference's (issue 24, "The verdict")? One entry per
/// metric, each one-sided; the verdict combines the p-value with an effect floor, since on large windows a trivial
/// change is significant.
/// </summary>
internal static class DegradationTest
{
    public const string TwoProportionZ = "two_proportion_z";

    public const string WelchT = "welch_t";

    public const string Bootstrap = "bootstrap";

    /// <summary>A higher error rate: <see cref="TwoProportionZTest.Larger"/> on the error counts.</summary>
    public static DegradationTestResult Accuracy(ClassificationSummary window, ClassificationSummary reference)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(reference);
        var z = TwoProportionZTest.Larger(window.Errors, window.Count, reference.Errors, reference.Count);
        return new DegradationTestResult(TwoProportionZ, z.Z, z.PValue);
    }

    /// <summary>
    /// A lower F1 (the positive class's when the summaries declare one, else macro), by <see cref="F1Bootstrap"/> on the
    /// confusion matrices. Both summaries must declare the same positive class, or none, to be comparable.
    /// </summary>
    public static DegradationTestResult F1(ClassificationSummary window, ClassificationSummary reference)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(reference);
        if (!string.Equals(window.PositiveClass, reference.PositiveClass, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"The window's positive class '{window.PositiveClass}' differs from the reference's '{reference.PositiveClass}'.",
                nameof(window));
        }

        var result = F1Bootstrap.Lower(
            window.ConfusionMatrix,
            PositiveIndex(window),
            reference.ConfusionMatrix,
            PositiveIndex(reference));
        return new DegradationTestResult(Bootstrap, result.WindowF1 - result.ReferenceF1, result.PValue);
    }

    /// <summary>A higher mean |error|: <see cref="WelchTTest.Greater"/> on the absolute errors' means and variances.</summary>
    public static DegradationTestResult Mae(RegressionSummary window, RegressionSummary reference)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(reference);
        return Welch(window.Mae, window.AbsoluteErrorVariance, window.Count, reference.Mae, reference.AbsoluteErrorVariance, reference.Count);
    }

    /// <summary>
    /// A higher RMSE, tested as a higher mean error² (MSE = RMSE², which rises exactly when RMSE does): the mean of the
    /// losses is what Welch's test is about, and the squared errors' variance is what the summaries keep.
    /// </summary>
    public static DegradationTestResult Rmse(RegressionSummary window, RegressionSummary reference)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(reference);
        return Welch(
            window.Rmse * window.Rmse,
            window.SquaredErrorVariance,
            window.Count,
            reference.Rmse * reference.Rmse,
            reference.SquaredErrorVariance,
            reference.Count);
    }

    private static DegradationTestResult Welch(double? windowMean, double? windowVariance, long windowCount, double? referenceMean, double? referenceVariance, long referenceCount)
    {
        var t = WelchTTest.Greater(
            windowMean ?? double.NaN,
            windowVariance ?? double.NaN,
            windowCount,
            referenceMean ?? double.NaN,
            referenceVariance ?? double.NaN,
            referenceCount);
        return new DegradationTestResult(WelchT, t.T, t.PValue);
    }

    private static int? PositiveIndex(ClassificationSummary summary)
    {
        if (summary.PositiveClass is not { } positive)
        {
            return null;
        }

        for (var i = 0; i < summary.Classes.Count; i++)
        {
            if (string.Equals(summary.Classes[i], positive, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
