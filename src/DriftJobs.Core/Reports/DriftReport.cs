using System.Text.Json.Serialization;
using DriftJobs.Core.Profiles;
using DriftJobs.Core.Statistics;

namespace DriftJobs.Core.Reports;

/// <summary>One window's drift report (drift-reports/{model}/{version}/{window end}.json). Fields: docs/formats.md.</summary>
internal sealed record DriftReport
{
    public const int CurrentSchemaVersion = 1;

    public required int SchemaVersion { get; init; }

    public required string ModelName { get; init; }

    public required string ModelVersion { get; init; }

    public required BaselineReference Baseline { get; init; }

    public required ReportWindow Window { get; init; }

    public required ReportStatus Status { get; init; }

    /// <summary>Rows of the window that belong to this model.</summary>
    public required long Samples { get; init; }

    public required bool DriftDetected { get; init; }

    /// <summary>Drifted features / monitored features; null without a verdict.</summary>
    public required double? DriftScore { get; init; }

    public required int FeaturesMonitored { get; init; }

    public required int FeaturesDrifted { get; init; }

    public required IReadOnlyList<string> DriftedFeatures { get; init; }

    public required ReportThresholds Settings { get; init; }

    public required IReadOnlyList<FeatureDrift> Features { get; init; }

    /// <summary>The window's <c>prediction</c> column against the training label, when the baseline profiles one.</summary>
    public FeatureDrift? Prediction { get; init; }

    public required IReadOnlyList<DriftAlert> Alerts { get; init; }

    public required ReportFiles Files { get; init; }

    /// <summary>Realized performance of the delayed window; null when the baseline has no validation performance.</summary>
    public Performance.PerformanceSection? Performance { get; init; }

    /// <summary>The comparison with the same hours a week earlier; absent unless DRIFT_REFERENCE asks for it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Seasonal.PreviousWeekSection? PreviousWeek { get; init; }

    /// <summary>The window split by segment (DRIFT_SEGMENT_COLUMNS); not written when the window is not segmented.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SegmentsSection? Segments { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<ReportStatus>))]
internal enum ReportStatus
{
    [JsonStringEnumMemberName("ok")]
    Ok,

    /// <summary>Fewer rows than DRIFT_MIN_SAMPLES: no verdict.</summary>
    [JsonStringEnumMemberName("insufficient_data")]
    InsufficientData,
}

internal sealed record BaselineReference
{
    public required DateTimeOffset CreatedAt { get; init; }

    public required long Rows { get; init; }
}

internal sealed record ReportWindow
{
    /// <summary>Inclusive start (UTC).</summary>
    public required DateTimeOffset Start { get; init; }

    /// <summary>Exclusive end (UTC), on an hour boundary.</summary>
    public required DateTimeOffset End { get; init; }

    public required int Hours { get; init; }
}

internal sealed record ReportThresholds
{
    public required double PsiThreshold { get; init; }

    public required double KsPValueThreshold { get; init; }

    public required double KsMinStatistic { get; init; }

    public required MultipleTestingMethod MultipleTesting { get; init; }

    public required long MinSamples { get; init; }

    public required double ScoreCriticalThreshold { get; init; }

    public static ReportThresholds From(DriftThresholds s) => new()
    {
        PsiThreshold = s.PsiThreshold,
        KsPValueThreshold = s.KsPValueThreshold,
        KsMinStatistic = s.KsMinStatistic,
        MultipleTesting = s.MultipleTesting,
        MinSamples = s.MinSamples,
        ScoreCriticalThreshold = s.ScoreCriticalThreshold,
    };
}

internal sealed record ReportFiles
{
    public static ReportFiles None { get; } = new() { Read = 0, Skipped = [] };

    public required int Read { get; init; }

    /// <summary>Rows in the window's files that belong to another model (models may share a logs root).</summary>
    public long RowsOfOtherModels { get; init; }

    public required IReadOnlyList<SkippedFile> Skipped { get; init; }
}

internal sealed record SkippedFile(string Path, string Reason);

[JsonConverter(typeof(JsonStringEnumConverter<DriftSeverity>))]
internal enum DriftSeverity
{
    [JsonStringEnumMemberName("none")]
    None,

    [JsonStringEnumMemberName("minor")]
    Minor,

    [JsonStringEnumMemberName("significant")]
    Significant,
}

internal sealed record FeatureDrift
{
    public required string Name { get; init; }

    public required FeatureKind Kind { get; init; }

    /// <summary>False when the feature had fewer valid values than DRIFT_MIN_SAMPLES in the window (or none in training).</summary>
    public required bool Judged { get; init; }

    public required DriftSeverity Severity { get; init; }

    public required bool Drifted { get; init; }

    /// <summary>Why it drifted: <c>psi</c>, <c>ks</c>, <c>chi_square</c>.</summary>
    public required IReadOnlyList<string> Reasons { get; init; }

    public required long Rows { get; init; }

    public required long Valid { get; init; }

    public required long Missing { get; init; }

    public required double MissingRate { get; init; }

    public required double BaselineMissingRate { get; init; }

    public required long Invalid { get; init; }

    /// <summary>Rows from files that had no column for the feature.</summary>
    public required long AbsentRows { get; init; }

    public double? Psi { get; init; }

    public double? JsDistance { get; init; }

    public KsResult? Ks { get; init; }

    public ChiSquareTestResult? ChiSquare { get; init; }

    /// <summary>Wasserstein-1 between window and training divided by the training std ("normed", as Evidently reports it).</summary>
    public double? WassersteinNormed { get; init; }

    /// <summary>Share of valid values outside the training [min, max].</summary>
    public double? OutOfRangeShare { get; init; }

    public UnseenCategories? Unseen { get; init; }

    public required Distribution Distribution { get; init; }

    /// <summary>The feature against the same hours a week earlier; absent unless DRIFT_REFERENCE asks for it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Seasonal.FeaturePreviousWeek? PreviousWeek { get; init; }
}

internal sealed record KsResult
{
    public required double Statistic { get; init; }

    public required double PValue { get; init; }

    public required double PValueAdjusted { get; init; }

    /// <summary>True when the baseline kept every training value (D exact); else D is within 1/K.</summary>
    public required bool ExactReference { get; init; }
}

internal sealed record ChiSquareTestResult
{
    public required double Statistic { get; init; }

    public required int DegreesOfFreedom { get; init; }

    public required double PValue { get; init; }

    public required double PValueAdjusted { get; init; }

    /// <summary>L∞ distance between the window's and the training's category shares (the effect size).</summary>
    public required double Linf { get; init; }
}

internal sealed record UnseenCategories
{
    public required double Share { get; init; }

    public required long Count { get; init; }

    /// <summary>The most frequent unseen values (at most 10).</summary>
    public required IReadOnlyList<CategoryCount> Top { get; init; }
}

internal sealed record CategoryCount(string Value, long Count);

/// <summary>Training vs window shares on the PSI bins (numeric: Edges) or categories (categorical: Labels).</summary>
internal sealed record Distribution
{
    public IReadOnlyList<double>? Edges { get; init; }

    public IReadOnlyList<string>? Labels { get; init; }

    public required IReadOnlyList<double> Expected { get; init; }

    public required IReadOnlyList<double> Actual { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<AlertSeverity>))]
internal enum AlertSeverity
{
    [JsonStringEnumMemberName("INFO")]
    Info,

    [JsonStringEnumMemberName("WARNING")]
    Warning,

    [JsonStringEnumMemberName("CRITICAL")]
    Critical,
}

internal sealed record DriftAlert(AlertSeverity Severity, string Code, string? Feature, string Message);

/// <summary>Alert codes, one place.</summary>
internal static class AlertCodes
{
    public const string DriftCritical = "drift_critical";
    public const string FeatureDrift = "feature_drift";
    public const string SegmentDrift = "segment_drift";
    public const string PredictionDrift = "prediction_drift";
    public const string InsufficientData = "insufficient_data";
    public const string FeatureAbsent = "feature_absent";
    public const string MissingRateIncrease = "missing_rate_increase";
    public const string InvalidValues = "invalid_values";
    public const string OutOfRange = "out_of_range";
    public const string UnseenCategories = "unseen_categories";
    public const string NoTrainingValues = "no_training_values";
    public const string FileSkipped = "file_skipped";
    public const string PerformanceDegradation = "performance_degradation";
    public const string PerformanceTrend = "performance_trend";
    public const string LabelDrift = "label_drift";
    public const string LowLabelCoverage = "low_label_coverage";
    public const string SeasonalDrift = "seasonal_drift";
    public const string SeasonalReferenceUnavailable = "seasonal_reference_unavailable";
}
