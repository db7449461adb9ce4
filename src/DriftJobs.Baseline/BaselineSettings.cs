using DriftJobs.Core;
using DriftJobs.Core.Profiles;
using DriftJobs.Hosting;

namespace DriftJobs.Baseline;

/// <summary>
/// Every baseline-job setting, declared once (see <see cref="JobSetting"/>); defaults are read from a fresh
/// <see cref="BaselineOptions"/>, which binds the same names.
/// </summary>
internal static class BaselineSettings
{
    private static readonly BaselineOptions Defaults = new();

    public static JobSetting TrainingData { get; } =
        new("TRAINING_DATA", "blob name or prefix in the container, or a local path (./ or absolute); Parquet or CSV") { IsRequired = true };

    public static JobSetting ModelName { get; } = new("MODEL_NAME", "model name") { IsRequired = true };

    public static JobSetting ModelVersion { get; } = new("MODEL_VERSION", "model version") { IsRequired = true };

    public static JobSetting TargetColumn { get; } = new("TARGET_COLUMN", "the label: profiled as the target, compared with the logs' prediction column");

    public static JobSetting ExcludeColumns { get; } = new("EXCLUDE_COLUMNS", "comma list of columns not to profile (ids, timestamps)");

    public static JobSetting CategoricalColumns { get; } = new("CATEGORICAL_COLUMNS", "comma list of numeric columns to profile as categories");

    public static JobSetting PsiBins { get; } =
        JobSetting.Number("DRIFT_PSI_BINS", "quantile bins per numeric feature", Defaults.PsiBins, new ValueRange(2, 100));

    // The sample must hold at least the KS reference points it is thinned to.
    public static JobSetting SampleSize { get; } =
        JobSetting.Number("DRIFT_BASELINE_SAMPLE_SIZE", "values per feature kept for quantiles and the ECDF", Defaults.SampleSize, new ValueRange(BaselineBuildOptions.DefaultKsReferencePoints, 50_000_000));

    public static JobSetting ReadConcurrency { get; } =
        JobSetting.Number("DRIFT_READ_CONCURRENCY", "Parquet readers per file, each on a share of the columns, 0 = one per core", Defaults.ReadConcurrency, new ValueRange(0, 64));

    public static JobSetting ValidationData { get; } =
        new("VALIDATION_DATA", "the model's validation data, found like TRAINING_DATA: TARGET_COLUMN, prediction and optional prediction_score; its performance goes into the baseline");

    public static JobSetting ModelTask { get; } =
        new("MODEL_TASK", "with VALIDATION_DATA: classification, regression, or auto (text or few integers are classes)") { Default = Defaults.ModelTask };

    public static JobSetting PositiveClass { get; } =
        new("POSITIVE_CLASS", "with VALIDATION_DATA: the class prediction_score is the probability of (binary)") { Default = "1 or true, of exactly two classes" };

    public static JobSetting SegmentColumns { get; } =
        new(Hosting.SegmentColumns.Setting, "categorical columns (comma-separated) whose value combinations are profiled as segments") { Default = "off" };

    public static JobSetting MaxSegments { get; } =
        JobSetting.Number("DRIFT_MAX_SEGMENTS", "segments with the most training rows profiled on their own; the rarer share one", Defaults.MaxSegments, new ValueRange(1, 200));

    public static JobSetting Force { get; } = new("FORCE", "replace an existing baseline") { IsFlag = true };

    /// <summary>In the order <c>--help</c> and the docs list them.</summary>
    public static IReadOnlyList<JobSetting> All { get; } =
    [
        TrainingData, ModelName, ModelVersion, TargetColumn, ExcludeColumns, CategoricalColumns, PsiBins, SampleSize, ReadConcurrency,
        ValidationData, ModelTask, PositiveClass, SegmentColumns, MaxSegments, Force,
        StorageSettings.Container, StorageSettings.ConnectionString, StorageSettings.AccountUrl,
    ];
}
