namespace DriftJobs.Core.Performance;

/// <summary>
/// A binary classifier's performance on one window estimated from its calibrated scores alone, before any label has
/// arrived (<see cref="EstimatedPerformanceAccumulator"/>): the expected confusion matrix and the metrics it gives, for
/// the declared positive class.
/// <para>
/// A ratio whose denominator is 0 (nothing predicted positive; every score 0) is 0, as NannyML's estimates and the
/// realized metrics (sklearn's <c>zero_division=0</c>) have it, so estimate and realized value can stand side by side.
/// Metrics are null only without rows.
/// </para>
/// <para>
/// Each <c>…StdError</c> is the standard deviation of the realized metric around the estimate if the scores are
/// calibrated and the labels independent: what "estimated 0.91 ± 0.01" reports. Exact for accuracy and precision, the
/// delta method for recall and F1 (good once the window has a few dozen expected positives). It says nothing about
/// miscalibration, which biases the estimate itself; that is what the reference's <see cref="CalibrationSummary"/> is for.
/// </para>
/// </summary>
internal sealed record EstimatedPerformance
{
    public required long Count { get; init; }

    public required long PredictedPositives { get; init; }

    /// <summary>Σ score over rows predicted positive.</summary>
    public required double ExpectedTruePositives { get; init; }

    /// <summary>Σ (1 − score) over rows predicted positive.</summary>
    public required double ExpectedFalsePositives { get; init; }

    /// <summary>Σ score over rows predicted negative.</summary>
    public required double ExpectedFalseNegatives { get; init; }

    /// <summary>Σ (1 − score) over rows predicted negative.</summary>
    public required double ExpectedTrueNegatives { get; init; }

    public required double? Accuracy { get; init; }

    public required double? Precision { get; init; }

    public required double? Recall { get; init; }

    /// <summary>2·E[TP] / (2·E[TP] + E[FP] + E[FN]): NannyML's <c>TP / (TP + ½(FP + FN))</c>.</summary>
    public required double? F1 { get; init; }

    public required double? AccuracyStdError { get; init; }

    public required double? PrecisionStdError { get; init; }

    public required double? RecallStdError { get; init; }

    public required double? F1StdError { get; init; }
}
