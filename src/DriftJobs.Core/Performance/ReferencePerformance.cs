namespace DriftJobs.Core.Performance;

/// <summary>
/// The model's performance on its validation data (VALIDATION_DATA of the baseline job), stored in baseline.json as
/// <c>performance</c>: what the detector compares each window's realized (and estimated) performance with. Absent from
/// baselines built without validation data (and from every baseline written before it existed).
/// </summary>
internal sealed record ReferencePerformance
{
    public required PerformanceTask Task { get; init; }

    /// <summary>Where the validation data came from (files, blob), as the baseline's source.</summary>
    public required string Source { get; init; }

    /// <summary>Rows read from the validation data.</summary>
    public required long Rows { get; init; }

    /// <summary>Rows without a label or a prediction, left out of every metric.</summary>
    public required long Unlabelled { get; init; }

    /// <summary>The class <c>prediction_score</c> is the probability of (binary classification); null otherwise.</summary>
    public string? PositiveClass { get; init; }

    public ClassificationSummary? Classification { get; init; }

    public RegressionSummary? Regression { get; init; }

    /// <summary>The scores' calibration (binary classification with scores); null without scores.</summary>
    public CalibrationSummary? Calibration { get; init; }
}
