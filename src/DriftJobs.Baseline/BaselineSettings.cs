using DriftJobs.Hosting;
using DriftJobs.Storage;

namespace DriftJobs.Baseline;

internal static class BaselineSettings
{
    public static IReadOnlyList<JobSetting> All { get; } =
    [
        new("TRAINING_DATA", "blob name or prefix in the container, or a local path (./ or absolute); Parquet or CSV (required)"),
        new("MODEL_NAME", "model name (required)"),
        new("MODEL_VERSION", "model version (required)"),
        new("TARGET_COLUMN", "the label: profiled as the target, compared with the logs' prediction column"),
        new("EXCLUDE_COLUMNS", "comma list of columns not to profile (ids, timestamps)"),
        new("CATEGORICAL_COLUMNS", "comma list of numeric columns to profile as categories"),
        new("DRIFT_PSI_BINS", "quantile bins per numeric feature (10)"),
        new("DRIFT_BASELINE_SAMPLE_SIZE", "values per feature kept for quantiles and the ECDF (1000000)"),
        new("DRIFT_READ_CONCURRENCY", "Parquet readers per file, each on a share of the columns, 0 = one per core (0)"),
        new("FORCE", "replace an existing baseline", IsFlag: true),
        new(StorageOptions.ContainerSetting, "blob container (model-monitoring)"),
        new(StorageOptions.ConnectionStringSetting, "storage connection string (development; prefer the account URL)"),
        new(StorageOptions.AccountUrlSetting, "storage account URL, authenticated with DefaultAzureCredential"),
    ];
}
