using DriftJobs.Core.Performance;
using DriftJobs.Core.Profiles;
using DriftJobs.Hosting;
using DriftJobs.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace DriftJobs.Baseline;

/// <summary>The baseline job's settings, bound by name; each is declared, with its meaning and range, in <see cref="BaselineSettings"/>.</summary>
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

    [ConfigurationKeyName("VALIDATION_DATA")]
    public string? ValidationData { get; set; }

    [ConfigurationKeyName("MODEL_TASK")]
    public string ModelTask { get; set; } = "auto";

    [ConfigurationKeyName("POSITIVE_CLASS")]
    public string? PositiveClass { get; set; }

    /// <summary>Replace an existing baseline (reports already written were judged against the old one).</summary>
    /// <summary>Comma-separated segment columns; unset or empty: no segments.</summary>
    [ConfigurationKeyName("DRIFT_SEGMENT_COLUMNS")]
    public string? SegmentColumns { get; set; }

    [ConfigurationKeyName("DRIFT_MAX_SEGMENTS")]
    public int MaxSegments { get; set; } = 20;

    public IReadOnlyList<string> SegmentColumnList => Hosting.SegmentColumns.Parse(SegmentColumns);

    [ConfigurationKeyName("FORCE")]
    public bool Force { get; set; }

    public IReadOnlySet<string> Excluded => List(ExcludeColumns);

    /// <summary>The declared positive class, or null to take "1" or "true" (<see cref="PositiveClassRule"/>).</summary>
    public string? DeclaredPositiveClass => string.IsNullOrWhiteSpace(PositiveClass) ? null : PositiveClass.Trim();

    /// <summary>MODEL_TASK: the task, or null for auto (<see cref="PerformanceTaskRule"/>).</summary>
    public PerformanceTask? Task => ParseModelTask(ModelTask);

    public IReadOnlySet<string> Categorical => List(CategoricalColumns);

    public BaselineBuildOptions ToBuildOptions() => new()
    {
        PsiBins = PsiBins,
        SampleSize = SampleSize,
        TargetColumn = string.IsNullOrWhiteSpace(TargetColumn) ? null : TargetColumn.Trim(),
    };

    internal static PerformanceTask? ParseModelTask(string? value) => (value ?? "").Trim().ToLowerInvariant() switch
    {
        "auto" or "" => null,
        "classification" => PerformanceTask.Classification,
        "regression" => PerformanceTask.Regression,
        _ => throw new SettingException(BaselineSettings.ModelTask.Name, $"{BaselineSettings.ModelTask.Name} = '{value}' is not one of auto, classification, regression."),
    };

    private static HashSet<string> List(string? value) =>
        new((value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal);
}

internal sealed class BaselineOptionsValidator : IValidateOptions<BaselineOptions>
{
    public ValidateOptionsResult Validate(string? name, BaselineOptions options)
    {
        var failures = new List<string>();
        foreach (var (value, setting) in new[] { (options.ModelName, BaselineSettings.ModelName), (options.ModelVersion, BaselineSettings.ModelVersion) })
        {
            try
            {
                ModelIdentity.Validate(value, setting.Name);
            }
            catch (StorageConfigurationException e)
            {
                failures.Add(e.Message);
            }
        }

        if (string.IsNullOrWhiteSpace(options.TrainingData))
        {
            failures.Add($"{BaselineSettings.TrainingData.Name} is required: a blob name or prefix in the container, or a local path (absolute, or starting with ./).");
        }

        foreach (var (setting, value) in new[]
        {
            (BaselineSettings.PsiBins, options.PsiBins),
            (BaselineSettings.SampleSize, options.SampleSize),
            (BaselineSettings.ReadConcurrency, options.ReadConcurrency),
            (BaselineSettings.MaxSegments, options.MaxSegments),
        })
        {
            if (setting.Check(value) is { } failure)
            {
                failures.Add(failure);
            }
        }

        try
        {
            _ = options.Task;
        }
        catch (SettingException e)
        {
            failures.Add(e.Message);
        }

        try
        {
            _ = options.SegmentColumnList;
        }
        catch (SettingException e)
        {
            failures.Add(e.Message);
        }

        if (!string.IsNullOrWhiteSpace(options.ValidationData) && string.IsNullOrWhiteSpace(options.TargetColumn))
        {
            failures.Add($"{BaselineSettings.ValidationData.Name} needs {BaselineSettings.TargetColumn.Name}: the column of labels the validation data's predictions are compared with.");
        }

        var both = options.Excluded.Intersect(options.Categorical).ToList();
        if (both.Count > 0)
        {
            failures.Add($"{BaselineSettings.ExcludeColumns.Name} and {BaselineSettings.CategoricalColumns.Name} both name {string.Join(", ", both)}.");
        }

        if (options.TargetColumn is { } target && options.Excluded.Contains(target.Trim()))
        {
            failures.Add($"{BaselineSettings.TargetColumn.Name} '{target}' is also in {BaselineSettings.ExcludeColumns.Name}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
