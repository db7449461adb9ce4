namespace DriftJobs.Core.Performance;

/// <summary>
/// What <see cref="RegressionAccumulator.Compute"/> returns; every value NaN without pairs.
/// <see cref="MeanError"/> is prediction − label: positive when the model over-predicts.
/// <see cref="R2"/> follows sklearn's r2_score (force_finite): NaN below two pairs; with a constant label 1 for
/// perfect predictions, else 0. <see cref="AbsoluteErrorVariance"/> and <see cref="SquaredErrorVariance"/> are the
/// sample variances (ddof = 1, NaN below two pairs) of the per-pair |error| and error², what a test of a rise in MAE
/// or in MSE (RMSE²) needs besides the means.
/// </summary>
internal sealed record RegressionMetrics(
    long Count, double Mae, double Rmse, double MeanError, double R2, double AbsoluteErrorVariance, double SquaredErrorVariance);
