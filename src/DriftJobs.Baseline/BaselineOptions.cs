using DriftJobs.Core.Profiles;
using DriftJobs.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace DriftJobs.Baseline;

internal sealed class BaselineOptions
{
    [ConfigurationKeyName("TRAINING_DATA")]
    public string? TrainingData { get; set; }

    [ConfigurationKeyName("MODEL_NAME")]
    public string? ModelName { get; set; }

    [ConfigurationKeyName("MODEL_VERSION")]
    public string? ModelVersion { get; set; }

    [ConfigurationKeyName("TARGET_COLUMN")]
    public string? TargetColumn { get; set; }

    [ConfigurationKeyName("EXCLUDE_COLUMNS")]
    public string? ExcludeColumns { get; set; }

    [ConfigurationKeyName("CATEGORICAL_COLUMNS")]
    public string? CategoricalColumns { get; set; }

    [ConfigurationKeyName("DRIFT_PSI_BINS")]
    public int PsiBins { get; set; } = BaselineBuildOptions.DefaultPsiBins;

    [ConfigurationKeyName("DRIFT_BASELINE_SAMPLE_SIZE")]
    public int SampleSize { get; set; } = BaselineBuildOptions.DefaultSampleSize;

    /// <summary>Parquet readers working on a file at once, each on its own share of the columns; 0 means one per core.</summary>
    [ConfigurationKeyName("DRIFT_READ_CONCURRENCY")]
    public int ReadConcurrency { get; set; }

    /// <summary>Replace an existing baseline (reports already written were judged against the old one).</summary>
    [ConfigurationKeyName("FORCE")]
    public bool Force { get; set; }

    public IReadOnlySet<string> Excluded => List(ExcludeColumns);

    public IReadOnlySet<string> Categorical => List(CategoricalColumns);

    public BaselineBuildOptions ToBuildOptions() => new()
    {
        PsiBins = PsiBins,
        SampleSize = SampleSize,
        TargetColumn = string.IsNullOrWhiteSpace(TargetColumn) ? null : TargetColumn.Trim(),
    };

    private static HashSet<string> List(string? value) =>
        new((value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal);
}

internal sealed class BaselineOptionsValidator : IValidateOptions<BaselineOptions>
{
    public ValidateOptionsResult Validate(string? name, BaselineOptions options)
    {
        var failures = new List<string>();
        foreach (var (value, setting) in new[] { (options.ModelName, "MODEL_NAME"), (options.ModelVersion, "MODEL_VERSION") })
        {
            try
            {
                ModelIdentity.Validate(value, setting);
            }
            catch (StorageConfigurationException e)
            {
                failures.Add(e.Message);
            }
        }

        if (string.IsNullOrWhiteSpace(options.TrainingData))
        {
            failures.Add("TRAINING_DATA is required: a blob name or prefix in the container, or a local path (absolute, or starting with ./).");
        }

        if (options.PsiBins is < 2 or > 100)
        {
            failures.Add($"DRIFT_PSI_BINS = {options.PsiBins} is out of range: it must be between 2 and 100.");
        }

        if (options.SampleSize is < BaselineBuildOptions.DefaultKsReferencePoints or > 50_000_000)
        {
            failures.Add($"DRIFT_BASELINE_SAMPLE_SIZE = {options.SampleSize} is out of range: it must be between {BaselineBuildOptions.DefaultKsReferencePoints} and 50,000,000.");
        }

        if (options.ReadConcurrency is < 0 or > 64)
        {
            failures.Add($"DRIFT_READ_CONCURRENCY = {options.ReadConcurrency} is out of range: it must be between 0 (one per core) and 64.");
        }

        var both = options.Excluded.Intersect(options.Categorical).ToList();
        if (both.Count > 0)
        {
            failures.Add($"EXCLUDE_COLUMNS and CATEGORICAL_COLUMNS both name {string.Join(", ", both)}.");
        }

        if (options.TargetColumn is { } target && options.Excluded.Contains(target.Trim()))
        {
            failures.Add($"TARGET_COLUMN '{target}' is also in EXCLUDE_COLUMNS.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
