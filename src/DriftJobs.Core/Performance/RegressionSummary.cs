namespace DriftJobs.Core.Performance;

/// <summary>
/// A regressor's metrics over one set of (label, prediction) pairs as stored in baseline.json and in reports
/// (docs/formats.md); null where undefined. The loss variances are what the tests of a rise in MAE and RMSE need.
/// </summary>
internal sealed record RegressionSummary
{
    public required long Count { get; init; }

    public required double? Mae { get; init; }

    public required double? Rmse { get; init; }

    /// <summary>Mean of prediction − label: positive when the model over-predicts.</summary>
    public required double? MeanError { get; init; }

    public required double? R2 { get; init; }

    /// <summary>Sample variance (ddof = 1) of the per-pair |error|.</summary>
    public double? AbsoluteErrorVariance { get; init; }

    /// <summary>Sample variance (ddof = 1) of the per-pair error².</summary>
    public double? SquaredErrorVariance { get; init; }

    public static RegressionSummary From(RegressionMetrics m)
    {
        ArgumentNullException.ThrowIfNull(m);
        return new RegressionSummary
        {
            Count = m.Count,
            Mae = Defined(m.Mae),
            Rmse = Defined(m.Rmse),
            MeanError = Defined(m.MeanError),
            R2 = Defined(m.R2),
            AbsoluteErrorVariance = Defined(m.AbsoluteErrorVariance),
            SquaredErrorVariance = Defined(m.SquaredErrorVariance),
        };
    }

    private static double? Defined(double value) => double.IsFinite(value) ? value : null;
}
