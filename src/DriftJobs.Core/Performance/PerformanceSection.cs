using System.Text.Json.Serialization;
using DriftJobs.Core.Reports;

namespace DriftJobs.Core.Performance;

/// <summary>
/// A report's <c>performance</c>: the realized performance of the window that lies DRIFT_LABEL_DELAY_HOURS behind the
/// data window, joined with the labels that had arrived by the run, against the baseline's validation performance.
/// Fields: docs/formats.md.
/// </summary>
internal sealed record PerformanceSection
{
    public required PerformanceTask Task { get; init; }

    public required PerformanceMetric Metric { get; init; }

    public required PerformanceStatus Status { get; init; }

    /// <summary>The evaluated window: the predictions whose labels were looked for.</summary>
    public required ReportWindow Window { get; init; }

    public required int LabelDelayHours { get; init; }

    public required long Predictions { get; init; }

    /// <summary>Predictions that found their label.</summary>
    public required long Labelled { get; init; }

    /// <summary>Labelled ÷ predictions; null without predictions.</summary>
    public required double? LabelCoverage { get; init; }

    public required IReadOnlyList<HourPerformanceSummary> Hours { get; init; }

    public required GroundTruthCounts GroundTruth { get; init; }

    public ClassificationSummary? Classification { get; init; }

    public RegressionSummary? Regression { get; init; }

    /// <summary>The baseline's validation performance, what the window is compared with.</summary>
    public required ReferencePerformance Reference { get; init; }

    /// <summary>Null when the labels were too few for a verdict.</summary>
    public PerformanceVerdict? Verdict { get; init; }

    public LabelDrift? LabelDrift { get; init; }

    public PerformanceTrend? Trend { get; init; }

    /// <summary>Performance estimated from the scores alone (binary classifiers with calibrated scores); null otherwise.</summary>
    public PerformanceEstimate? Estimate { get; init; }
}

/// <summary>
/// Confidence-based performance estimation: the expected confusion matrix from calibrated scores, for the data window
/// (the hour it is logged, before any label) and for the evaluated window, beside its realized values.
/// </summary>
internal sealed record PerformanceEstimate
{
    public string Method { get; init; } = "cbpe";

    /// <summary>The validation data's expected calibration error; null when the baseline has none.</summary>
    public required double? CalibrationError { get; init; }

    public required double MaxCalibrationError { get; init; }

    /// <summary>False: the scores are not trusted and nothing is estimated (<see cref="Reason"/> says why).</summary>
    public required bool Calibrated { get; init; }

    public string? Reason { get; init; }

    /// <summary>The data window (the report's own window).</summary>
    public EstimatedPerformance? Window { get; init; }

    /// <summary>The evaluated window, to compare with its realized metrics.</summary>
    public EstimatedPerformance? Evaluated { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<PerformanceStatus>))]
internal enum PerformanceStatus
{
    [JsonStringEnumMemberName("ok")]
    Ok,

    /// <summary>Fewer labelled predictions than DRIFT_MIN_LABELS: metrics shown, no verdict.</summary>
    [JsonStringEnumMemberName("insufficient_labels")]
    InsufficientLabels,
}

/// <summary>One hour of the evaluated window: its predictions, how many found a label, and the primary metric.</summary>
internal sealed record HourPerformanceSummary(DateTimeOffset Hour, long Predictions, long Labelled, double? LabelCoverage, double? Value);

/// <summary>What the ground-truth files held and what became of their rows.</summary>
internal sealed record GroundTruthCounts
{
    public required int FilesRead { get; init; }

    /// <summary>Label rows of this model read (other models' rows not counted).</summary>
    public required long Rows { get; init; }

    /// <summary>Rows for a request that already had a label: the latest arrival wins.</summary>
    public required long Duplicates { get; init; }

    /// <summary>Labels whose request is not among the evaluated window's predictions (another window's, or unknown).</summary>
    public required long WithoutPrediction { get; init; }

    /// <summary>Rows without a request id or a label value.</summary>
    public required long Invalid { get; init; }

    public required long RowsOfOtherModels { get; init; }

    /// <summary>How many partitions the join needed to stay within DRIFT_JOIN_MEMORY_MB (1: all in memory).</summary>
    public required int JoinPartitions { get; init; }

    public required IReadOnlyList<SkippedFile> Skipped { get; init; }
}

internal sealed record PerformanceVerdict
{
    public required PerformanceMetric Metric { get; init; }

    public required double Value { get; init; }

    public required double Reference { get; init; }

    /// <summary>How much worse than the reference, relative to it: positive is worse (lower accuracy, higher RMSE).</summary>
    public required double RelativeChange { get; init; }

    public required double EffectFloor { get; init; }

    public required double CriticalFloor { get; init; }

    /// <summary><c>two_proportion_z</c>, <c>welch_t</c> or <c>bootstrap</c>.</summary>
    public required string Test { get; init; }

    public required double? Statistic { get; init; }

    public required double? PValue { get; init; }

    public required double Alpha { get; init; }

    public required bool Degraded { get; init; }

    public required AlertSeverity? Severity { get; init; }
}

/// <summary>The window's label class shares against the validation data's (chi-square goodness of fit).</summary>
internal sealed record LabelDrift
{
    public required IReadOnlyList<string> Classes { get; init; }

    public required IReadOnlyList<double> Expected { get; init; }

    public required IReadOnlyList<double> Actual { get; init; }

    public required double Statistic { get; init; }

    public required int DegreesOfFreedom { get; init; }

    public required double PValue { get; init; }

    /// <summary>L∞ distance between the shares (the effect size).</summary>
    public required double Linf { get; init; }

    public required bool Drifted { get; init; }
}

/// <summary>The Page–Hinkley detector on the hourly error series, as it stands after this run.</summary>
internal sealed record PerformanceTrend
{
    /// <summary>The hourly value fed: error rate (classification) or RMSE ÷ reference RMSE (regression).</summary>
    public required string Series { get; init; }

    public required long HoursSeen { get; init; }

    public DateTimeOffset? LastHour { get; init; }

    /// <summary>m_T − M_T: how far the cumulative sum rose above its minimum; an alarm past Lambda.</summary>
    public required double Statistic { get; init; }

    public required double Delta { get; init; }

    public required double Lambda { get; init; }

    public required bool Alarm { get; init; }
}
