using Microsoft.Extensions.Options;

namespace DriftJobs.InferenceLogger;

/// <summary>Checks every setting and names the offending one, so a misconfigured gateway fails at start.</summary>
internal sealed class InferenceLoggerOptionsValidator : IValidateOptions<InferenceLoggerOptions>
{
    private const string Section = InferenceLoggerOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, InferenceLoggerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = Errors(options).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> listing every problem.</summary>
    public static void ThrowIfInvalid(InferenceLoggerOptions options)
    {
        var result = new InferenceLoggerOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(InferenceLoggerOptions), result.Failures);
        }
    }

    private static IEnumerable<string> Errors(InferenceLoggerOptions o)
    {
        if (!LogFileNames.IsValidRoot(o.LogsRoot))
        {
            yield return $"{Section}:LogsRoot '{o.LogsRoot}' is not valid: use one or more '/'-separated segments of [A-Za-z0-9._=-] (not '.' or '..'), at most {LogFileNames.MaxRootLength} characters.";
        }

        if (!LogFileNames.IsValidRoot(o.GroundTruthRoot))
        {
            yield return $"{Section}:GroundTruthRoot '{o.GroundTruthRoot}' is not valid: use one or more '/'-separated segments of [A-Za-z0-9._=-] (not '.' or '..'), at most {LogFileNames.MaxRootLength} characters.";
        }
        else if (LogFileNames.IsValidRoot(o.LogsRoot) && LogFileNames.Overlap(o.LogsRoot, o.GroundTruthRoot))
        {
            // The detector would read one kind's files as the other's, and a spilled file's kind is told by its prefix.
            yield return $"{Section}:GroundTruthRoot '{o.GroundTruthRoot}' and LogsRoot '{o.LogsRoot}' must differ, and neither may lie inside the other.";
        }

        if (o.InstanceId is not null && !LogFileNames.IsValidSegment(o.InstanceId))
        {
            yield return $"{Section}:InstanceId '{o.InstanceId}' is not valid: use 1-{LogFileNames.MaxSegmentLength} characters from [A-Za-z0-9._-].";
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (feature, kind) in o.Features)
        {
            if (!LogSchema.IsValidColumnName(feature))
            {
                yield return $"{Section}:Features: feature name '{feature}' is not valid: use 1-{LogSchema.MaxColumnNameLength} characters without control characters.";
            }
            else if (LogSchema.IsReservedColumnName(feature))
            {
                yield return $"{Section}:Features:{feature} clashes with a fixed column ({string.Join(", ", LogSchema.FixedColumnNames)}).";
            }
            else if (!seen.Add(feature))
            {
                yield return $"{Section}:Features:{feature} is declared twice (names are compared ignoring case, as DuckDB does).";
            }

            if (!Enum.IsDefined(kind))
            {
                yield return $"{Section}:Features:{feature} has kind '{kind}': use Number or String.";
            }
        }

        if (!Enum.IsDefined(o.PredictionKind))
        {
            yield return $"{Section}:PredictionKind '{o.PredictionKind}' is not valid: use Number or String.";
        }

        if (o.BufferCapacity < 1)
        {
            yield return $"{Section}:BufferCapacity must be at least 1 (got {o.BufferCapacity}).";
        }

        if (o.BatchSize < 1 || o.BatchSize > Math.Max(1, o.BufferCapacity))
        {
            yield return $"{Section}:BatchSize must be between 1 and BufferCapacity ({o.BufferCapacity}) (got {o.BatchSize}).";
        }

        if (o.FlushInterval <= TimeSpan.Zero || o.FlushInterval > TimeSpan.FromDays(1))
        {
            yield return $"{Section}:FlushInterval must be positive and at most one day (got {o.FlushInterval}).";
        }

        if (o.ShutdownTimeout <= TimeSpan.Zero || o.ShutdownTimeout > TimeSpan.FromHours(1))
        {
            yield return $"{Section}:ShutdownTimeout must be positive and at most one hour (got {o.ShutdownTimeout}).";
        }

        if (o.SpillDirectory is not null && string.IsNullOrWhiteSpace(o.SpillDirectory))
        {
            yield return $"{Section}:SpillDirectory is blank: remove it or name a folder.";
        }

        if (o.SpillDirectoryMaxBytes < 1)
        {
            yield return $"{Section}:SpillDirectoryMaxBytes must be positive (got {o.SpillDirectoryMaxBytes}).";
        }

        if (o.UploadTimeout < TimeSpan.FromSeconds(1) || o.UploadTimeout > TimeSpan.FromMinutes(10))
        {
            yield return $"{Section}:UploadTimeout must be between 1 second and 10 minutes (got {o.UploadTimeout}).";
        }

        if (o.MinRetryDelay <= TimeSpan.Zero || o.MinRetryDelay > TimeSpan.FromHours(1))
        {
            yield return $"{Section}:MinRetryDelay must be positive and at most one hour (got {o.MinRetryDelay}).";
        }
        else if (o.MaxRetryDelay < o.MinRetryDelay || o.MaxRetryDelay > TimeSpan.FromHours(1))
        {
            yield return $"{Section}:MaxRetryDelay must be between MinRetryDelay ({o.MinRetryDelay}) and one hour (got {o.MaxRetryDelay}).";
        }

        if (o.ProbeInterval <= TimeSpan.Zero)
        {
            yield return $"{Section}: the probe interval must be positive (got {o.ProbeInterval}).";
        }
    }
}
