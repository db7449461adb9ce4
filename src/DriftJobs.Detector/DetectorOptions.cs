using System.Globalization;
using DriftJobs.Core.Performance;
using DriftJobs.Core.Reports;
using DriftJobs.Core.Reports.Seasonal;
using DriftJobs.Core.Statistics;
using DriftJobs.Hosting;
using DriftJobs.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace DriftJobs.Detector;

/// <summary>
/// The detector's settings, bound from environment variables (or the matching options). Each is declared, with its
/// meaning and range, in <see cref="DetectorSettings"/>; a test holds the two lists of names together.
/// </summary>
internal sealed class DetectorOptions
{
    [ConfigurationKeyName("MODEL_NAME")]
    public string? ModelName { get; set; }

    [ConfigurationKeyName("MODEL_VERSION")]
    public string? ModelVersion { get; set; }

    [ConfigurationKeyName("DRIFT_ANALYSIS_WINDOW_HOURS")]
    public int WindowHours { get; set; } = 24;

    /// <summary>ISO-8601 end of the window; unset: now truncated to the hour (UTC).</summary>
    [ConfigurationKeyName("DRIFT_WINDOW_END")]
    public string? WindowEnd { get; set; }

    [ConfigurationKeyName("DRIFT_PSI_THRESHOLD")]
    public double PsiThreshold { get; set; } = DriftThresholds.Defaults.PsiThreshold;

    [ConfigurationKeyName("DRIFT_KS_PVALUE_THRESHOLD")]
    public double KsPValueThreshold { get; set; } = DriftThresholds.Defaults.KsPValueThreshold;

    [ConfigurationKeyName("DRIFT_KS_MIN_STATISTIC")]
    public double KsMinStatistic { get; set; } = DriftThresholds.Defaults.KsMinStatistic;

    [ConfigurationKeyName("DRIFT_MULTIPLE_TESTING")]
    public string MultipleTesting { get; set; } = "bh";

    [ConfigurationKeyName("DRIFT_MIN_SAMPLES")]
    public long MinSamples { get; set; } = DriftThresholds.Defaults.MinSamples;

    [ConfigurationKeyName("DRIFT_SCORE_CRITICAL_THRESHOLD")]
    public double ScoreCriticalThreshold { get; set; } = DriftThresholds.Defaults.ScoreCriticalThreshold;

    [ConfigurationKeyName("DRIFT_MISSING_RATE_INCREASE")]
    public double MissingRateIncrease { get; set; } = DriftThresholds.Defaults.MissingRateIncrease;

    [ConfigurationKeyName("DRIFT_OUT_OF_RANGE_SHARE")]
    public double OutOfRangeShare { get; set; } = DriftThresholds.Defaults.OutOfRangeShare;

    [ConfigurationKeyName("DRIFT_UNSEEN_CATEGORY_SHARE")]
    public double UnseenCategoryShare { get; set; } = DriftThresholds.Defaults.UnseenCategoryShare;

    /// <summary>
    /// A directory holding the container's layout (the logs container mounted with the Blob CSI driver or blobfuse,
    /// or a copy): the window's logs are read from {path}/{DRIFT_LOGS_PREFIX}/year=…/hour=… there instead of through
    /// the Blob API. Baselines and reports stay in the container.
    /// </summary>
    /// <summary>Comma-separated segment columns; unset or empty: no segments.</summary>
    [ConfigurationKeyName("DRIFT_SEGMENT_COLUMNS")]
    public string? SegmentColumns { get; set; }

    public IReadOnlyList<string> SegmentColumnList => Hosting.SegmentColumns.Parse(SegmentColumns);

    public bool Segmented => SegmentColumnList.Count > 0;

    [ConfigurationKeyName("DRIFT_LOGS_PATH")]
    public string? LogsPath { get; set; }

    /// <summary>Files read at once; 0 means one per core.</summary>
    [ConfigurationKeyName("DRIFT_READ_CONCURRENCY")]
    public int ReadConcurrency { get; set; }

    /// <summary>Alertmanager base URL (alerts go to its /api/v2/alerts); unset: no Alertmanager delivery.</summary>
    [ConfigurationKeyName("DRIFT_ALERTMANAGER_URL")]
    public string? AlertmanagerUrl { get; set; }

    /// <summary>Slack incoming-webhook URL. A secret: the URL is the credential, so it is never logged.</summary>
    [ConfigurationKeyName("DRIFT_SLACK_WEBHOOK_URL")]
    public string? SlackWebhookUrl { get; set; }

    [ConfigurationKeyName("DRIFT_WEBHOOK_URL")]
    public string? WebhookUrl { get; set; }

    /// <summary>HMAC-SHA256 key signing the webhook's requests; required with DRIFT_WEBHOOK_URL, never logged.</summary>
    [ConfigurationKeyName("DRIFT_WEBHOOK_SECRET")]
    public string? WebhookSecret { get; set; }

    [ConfigurationKeyName("DRIFT_PUSHGATEWAY_URL")]
    public string? PushgatewayUrl { get; set; }

    /// <summary>Where the reports are served from, for links in alerts; unset: the container's URL.</summary>
    [ConfigurationKeyName("DRIFT_REPORT_BASE_URL")]
    public string? ReportBaseUrl { get; set; }

    [ConfigurationKeyName("DRIFT_ALERT_COOLDOWN_HOURS")]
    public double AlertCooldownHours { get; set; } = 24;

    [ConfigurationKeyName("DRIFT_ALERT_MIN_CONSECUTIVE_WINDOWS")]
    public int AlertMinConsecutiveWindows { get; set; } = 1;

    [ConfigurationKeyName("DRIFT_SINK_TIMEOUT_SECONDS")]
    public double SinkTimeoutSeconds { get; set; } = 10;

    [ConfigurationKeyName("DRIFT_SINK_RETRIES")]
    public int SinkRetries { get; set; } = 3;

    [ConfigurationKeyName("DRIFT_SINK_RETRY_BACKOFF_SECONDS")]
    public double SinkRetryBackoffSeconds { get; set; } = 1;

    [ConfigurationKeyName("DRIFT_LABEL_DELAY_HOURS")]
    public int LabelDelayHours { get; set; } = 24;

    /// <summary>auto (accuracy for classification, rmse for regression), accuracy, f1, rmse or mae.</summary>
    [ConfigurationKeyName("DRIFT_PERFORMANCE_METRIC")]
    public string PerformanceMetric { get; set; } = "auto";

    [ConfigurationKeyName("DRIFT_PERFORMANCE_EFFECT_FLOOR")]
    public double PerformanceEffectFloor { get; set; } = PerformanceThresholds.Defaults.EffectFloor;

    [ConfigurationKeyName("DRIFT_PERFORMANCE_CRITICAL_FLOOR")]
    public double PerformanceCriticalFloor { get; set; } = PerformanceThresholds.Defaults.CriticalFloor;

    [ConfigurationKeyName("DRIFT_PERFORMANCE_ALPHA")]
    public double PerformanceAlpha { get; set; } = PerformanceThresholds.Defaults.Alpha;

    [ConfigurationKeyName("DRIFT_MIN_LABELS")]
    public long MinLabels { get; set; } = PerformanceThresholds.Defaults.MinLabels;

    [ConfigurationKeyName("DRIFT_MIN_LABEL_COVERAGE")]
    public double MinLabelCoverage { get; set; } = PerformanceThresholds.Defaults.MinLabelCoverage;

    [ConfigurationKeyName("DRIFT_MAX_CALIBRATION_ERROR")]
    public double MaxCalibrationError { get; set; } = PerformanceThresholds.Defaults.MaxCalibrationError;

    [ConfigurationKeyName("DRIFT_TREND_DELTA")]
    public double TrendDelta { get; set; } = PerformanceThresholds.Defaults.Trend.Delta;

    [ConfigurationKeyName("DRIFT_TREND_LAMBDA")]
    public double TrendLambda { get; set; } = PerformanceThresholds.Defaults.Trend.Lambda;

    [ConfigurationKeyName("DRIFT_JOIN_MEMORY_MB")]
    public int JoinMemoryMb { get; set; } = 256;

    /// <summary>on (default) or off: whether hour profiles are read and written.</summary>
    [ConfigurationKeyName("DRIFT_HOUR_PROFILES")]
    public string HourProfiles { get; set; } = "on";

    [ConfigurationKeyName("DRIFT_HOUR_PROFILE_RETENTION_HOURS")]
    public int HourProfileRetentionHours { get; set; } = StorageLayout.MaxWindowHours;

    [ConfigurationKeyName("DRIFT_SHARDS")]
    public int Shards { get; set; } = 1;

    /// <summary>Kubernetes' own name for an Indexed Job pod's index, so the pod needs no extra wiring.</summary>
    [ConfigurationKeyName("JOB_COMPLETION_INDEX")]
    public int ShardIndex { get; set; }

    [ConfigurationKeyName("DRIFT_SHARD_WAIT_SECONDS")]
    public double ShardWaitSeconds { get; set; } = 1800;

    [ConfigurationKeyName("DRIFT_BACKFILL_FROM")]
    public string? BackfillFrom { get; set; }

    [ConfigurationKeyName("DRIFT_BACKFILL_TO")]
    public string? BackfillTo { get; set; }

    /// <summary>baseline (default) or baseline+previous-week.</summary>
    [ConfigurationKeyName("DRIFT_REFERENCE")]
    public string Reference { get; set; } = "baseline";

    /// <summary>info (default) or warning.</summary>
    [ConfigurationKeyName("DRIFT_SEASONAL_SEVERITY")]
    public string SeasonalSeverity { get; set; } = "info";

    public bool UsesHourProfiles => ParseHourProfiles(HourProfiles);

    public bool ComparesPreviousWeek => ParseReference(Reference);

    internal static bool ParseReference(string value) => value.Trim().ToLowerInvariant() switch
    {
        "baseline" or "" => false,
        "baseline+previous-week" => true,
        _ => throw new SettingException(DetectorSettings.Reference.Name, $"{DetectorSettings.Reference.Name} = '{value}' is not one of baseline, baseline+previous-week."),
    };

    internal static AlertSeverity ParseSeasonalSeverity(string value) => value.Trim().ToLowerInvariant() switch
    {
        "info" or "" => AlertSeverity.Info,
        "warning" => AlertSeverity.Warning,
        _ => throw new SettingException(DetectorSettings.SeasonalSeverity.Name, $"{DetectorSettings.SeasonalSeverity.Name} = '{value}' is not one of info, warning."),
    };

    internal static bool ParseHourProfiles(string value) => value.Trim().ToLowerInvariant() switch
    {
        "on" or "" => true,
        "off" => false,
        _ => throw new SettingException(DetectorSettings.HourProfiles.Name, $"{DetectorSettings.HourProfiles.Name} = '{value}' is not one of on, off."),
    };

    /// <summary>The backfill's window ends, first to last; null when this run is not a backfill.</summary>
    public (DateTimeOffset From, DateTimeOffset To)? ResolveBackfill()
    {
        var from = string.IsNullOrWhiteSpace(BackfillFrom) ? (DateTimeOffset?)null : ParseHour(DetectorSettings.BackfillFrom, BackfillFrom);
        var to = string.IsNullOrWhiteSpace(BackfillTo) ? (DateTimeOffset?)null : ParseHour(DetectorSettings.BackfillTo, BackfillTo);
        if (from is null && to is null)
        {
            return null;
        }

        if (from is null || to is null)
        {
            throw new SettingException(from is null ? DetectorSettings.BackfillFrom.Name : DetectorSettings.BackfillTo.Name,
                $"{DetectorSettings.BackfillFrom.Name} and {DetectorSettings.BackfillTo.Name} go together: set both or neither.");
        }

        if (to < from)
        {
            throw new SettingException(DetectorSettings.BackfillTo.Name, $"{DetectorSettings.BackfillTo.Name} ({to:o}) is before {DetectorSettings.BackfillFrom.Name} ({from:o}).");
        }

        return (from.Value, to.Value);
    }

    public PerformanceThresholds ToPerformanceThresholds() => new()
    {
        Metric = ParsePerformanceMetric(PerformanceMetric),
        EffectFloor = PerformanceEffectFloor,
        CriticalFloor = PerformanceCriticalFloor,
        Alpha = PerformanceAlpha,
        MinLabels = MinLabels,
        MinLabelCoverage = MinLabelCoverage,
        MaxCalibrationError = MaxCalibrationError,
        Trend = PerformanceThresholds.Defaults.Trend with { Delta = TrendDelta, Lambda = TrendLambda },
    };

    internal static PerformanceMetric? ParsePerformanceMetric(string value) => value.Trim().ToLowerInvariant() switch
    {
        "auto" or "" => null,
        "accuracy" => Core.Performance.PerformanceMetric.Accuracy,
        "f1" => Core.Performance.PerformanceMetric.F1,
        "rmse" => Core.Performance.PerformanceMetric.Rmse,
        "mae" => Core.Performance.PerformanceMetric.Mae,
        _ => throw new SettingException(DetectorSettings.PerformanceMetric.Name, $"{DetectorSettings.PerformanceMetric.Name} = '{value}' is not one of auto, accuracy, f1, rmse, mae."),
    };

    public DriftThresholds ToThresholds() => new()
    {
        PsiThreshold = PsiThreshold,
        KsPValueThreshold = KsPValueThreshold,
        KsMinStatistic = KsMinStatistic,
        MultipleTesting = ParseMultipleTesting(MultipleTesting),
        MinSamples = MinSamples,
        ScoreCriticalThreshold = ScoreCriticalThreshold,
        MissingRateIncrease = MissingRateIncrease,
        OutOfRangeShare = OutOfRangeShare,
        UnseenCategoryShare = UnseenCategoryShare,
        SeasonalSeverity = ParseSeasonalSeverity(SeasonalSeverity),
    };

    /// <summary>The window's end: the setting, or now truncated to the hour so a retry in the same hour computes the same window.</summary>
    public DateTimeOffset ResolveWindowEnd(TimeProvider time)
    {
        if (string.IsNullOrWhiteSpace(WindowEnd))
        {
            var now = time.GetUtcNow();
            return new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        }

        return ParseHour(DetectorSettings.WindowEnd, WindowEnd);
    }

    private static DateTimeOffset ParseHour(JobSetting setting, string value)
    {
        if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var end))
        {
            throw new SettingException(setting.Name, $"{setting.Name} = '{value}' is not an ISO-8601 date and time (e.g. 2026-11-23T14:00:00Z).");
        }

        if (end.Minute != 0 || end.Second != 0 || end.Millisecond != 0 || end.Microsecond != 0)
        {
            throw new SettingException(setting.Name, $"{setting.Name} = '{value}' must be on an hour boundary: windows are whole hour partitions.");
        }

        return end.ToUniversalTime();
    }

    internal static MultipleTestingMethod ParseMultipleTesting(string value) => value.Trim().ToLowerInvariant() switch
    {
        "bh" => MultipleTestingMethod.BenjaminiHochberg,
        "bonferroni" => MultipleTestingMethod.Bonferroni,
        "none" => MultipleTestingMethod.None,
        _ => throw new SettingException(DetectorSettings.MultipleTesting.Name, $"{DetectorSettings.MultipleTesting.Name} = '{value}' is not one of bh, bonferroni, none."),
    };
}

/// <summary>Validates every setting at start, naming the one that is wrong; the job then exits 2.</summary>
internal sealed class DetectorOptionsValidator : IValidateOptions<DetectorOptions>
{
    public ValidateOptionsResult Validate(string? name, DetectorOptions options)
    {
        var failures = new List<string>();
        void Check(Action check)
        {
            try
            {
                check();
            }
            catch (Exception e) when (e is SettingException or StorageConfigurationException or ArgumentException)
            {
                failures.Add(e.Message);
            }
        }

        void InRange(JobSetting setting, double value)
        {
            if (setting.Check(value) is { } failure)
            {
                failures.Add(failure);
            }
        }

        Check(() => ModelIdentity.Validate(options.ModelName, DetectorSettings.ModelName.Name));
        Check(() => ModelIdentity.Validate(options.ModelVersion, DetectorSettings.ModelVersion.Name));
        Check(() => options.ResolveWindowEnd(TimeProvider.System));
        Check(() => DetectorOptions.ParseMultipleTesting(options.MultipleTesting));
        InRange(DetectorSettings.WindowHours, options.WindowHours);
        InRange(DetectorSettings.PsiThreshold, options.PsiThreshold);
        InRange(DetectorSettings.KsPValueThreshold, options.KsPValueThreshold);
        InRange(DetectorSettings.KsMinStatistic, options.KsMinStatistic);
        InRange(DetectorSettings.MinSamples, options.MinSamples);
        InRange(DetectorSettings.ScoreCriticalThreshold, options.ScoreCriticalThreshold);
        InRange(DetectorSettings.MissingRateIncrease, options.MissingRateIncrease);
        InRange(DetectorSettings.OutOfRangeShare, options.OutOfRangeShare);
        InRange(DetectorSettings.UnseenCategoryShare, options.UnseenCategoryShare);
        InRange(DetectorSettings.ReadConcurrency, options.ReadConcurrency);
        InRange(DetectorSettings.AlertCooldownHours, options.AlertCooldownHours);
        InRange(DetectorSettings.AlertMinConsecutiveWindows, options.AlertMinConsecutiveWindows);
        InRange(DetectorSettings.SinkTimeoutSeconds, options.SinkTimeoutSeconds);
        InRange(DetectorSettings.SinkRetries, options.SinkRetries);
        InRange(DetectorSettings.SinkRetryBackoffSeconds, options.SinkRetryBackoffSeconds);
        Check(() => DetectorOptions.ParsePerformanceMetric(options.PerformanceMetric));
        InRange(DetectorSettings.LabelDelayHours, options.LabelDelayHours);
        InRange(DetectorSettings.PerformanceEffectFloor, options.PerformanceEffectFloor);
        InRange(DetectorSettings.PerformanceCriticalFloor, options.PerformanceCriticalFloor);
        InRange(DetectorSettings.PerformanceAlpha, options.PerformanceAlpha);
        InRange(DetectorSettings.MinLabels, options.MinLabels);
        InRange(DetectorSettings.MinLabelCoverage, options.MinLabelCoverage);
        InRange(DetectorSettings.MaxCalibrationError, options.MaxCalibrationError);
        InRange(DetectorSettings.TrendDelta, options.TrendDelta);
        InRange(DetectorSettings.TrendLambda, options.TrendLambda);
        InRange(DetectorSettings.JoinMemoryMb, options.JoinMemoryMb);
        Check(() => DetectorOptions.ParseHourProfiles(options.HourProfiles));
        Check(() => _ = options.SegmentColumnList);
        InRange(DetectorSettings.HourProfileRetentionHours, options.HourProfileRetentionHours);
        InRange(DetectorSettings.Shards, options.Shards);
        InRange(DetectorSettings.ShardIndex, options.ShardIndex);
        InRange(DetectorSettings.ShardWaitSeconds, options.ShardWaitSeconds);
        Check(() => options.ResolveBackfill());
        Check(() => DetectorOptions.ParseReference(options.Reference));
        Check(() => DetectorOptions.ParseSeasonalSeverity(options.SeasonalSeverity));
        if (ComparesPreviousWeek(options))
        {
            if (!SafeHourProfiles(options))
            {
                failures.Add($"{DetectorSettings.Reference.Name} = {options.Reference} needs {DetectorSettings.HourProfiles.Name} = on: the week before is read from its hour profiles.");
            }

            var needed = options.WindowHours + (int)PreviousWeekWindow.Offset.TotalHours;
            if (options.HourProfileRetentionHours < needed)
            {
                failures.Add($"{DetectorSettings.HourProfileRetentionHours.Name} ({options.HourProfileRetentionHours}) must be at least {DetectorSettings.WindowHours.Name} + 168 ({needed}) with {DetectorSettings.Reference.Name} = {options.Reference}: the week before's hour profiles would be deleted before they are compared.");
            }
        }

        if (options.HourProfileRetentionHours < options.WindowHours)
        {
            failures.Add($"{DetectorSettings.HourProfileRetentionHours.Name} ({options.HourProfileRetentionHours}) must be at least {DetectorSettings.WindowHours.Name} ({options.WindowHours}): the window's own hour profiles would be deleted.");
        }

        if (options.ShardIndex >= options.Shards)
        {
            failures.Add($"{DetectorSettings.ShardIndex.Name} ({options.ShardIndex}) must be below {DetectorSettings.Shards.Name} ({options.Shards}).");
        }

        if (options.Shards > 1 && !SafeHourProfiles(options))
        {
            failures.Add($"{DetectorSettings.Shards.Name} = {options.Shards} needs {DetectorSettings.HourProfiles.Name} = on: the shards hand their hours to the merge as hour profiles.");
        }

        if (options.Shards > 1 && !string.IsNullOrWhiteSpace(options.BackfillFrom))
        {
            failures.Add($"A backfill ({DetectorSettings.BackfillFrom.Name}) runs in one pod: {DetectorSettings.Shards.Name} must be 1.");
        }
        if (options.WindowHours + (long)options.LabelDelayHours > StorageLayout.MaxWindowHours)
        {
            // The labels of the evaluated window are looked for over both spans.
            failures.Add($"{DetectorSettings.WindowHours.Name} + {DetectorSettings.LabelDelayHours.Name} ({options.WindowHours} + {options.LabelDelayHours}) must be at most {StorageLayout.MaxWindowHours} hours.");
        }

        if (options.PerformanceCriticalFloor < options.PerformanceEffectFloor)
        {
            failures.Add($"{DetectorSettings.PerformanceCriticalFloor.Name} ({options.PerformanceCriticalFloor}) must be at least {DetectorSettings.PerformanceEffectFloor.Name} ({options.PerformanceEffectFloor}).");
        }
        if (!string.IsNullOrWhiteSpace(options.LogsPath) && !Directory.Exists(options.LogsPath))
        {
            failures.Add($"{DetectorSettings.LogsPath.Name} = '{options.LogsPath}' is not a directory: it must be where the logs container is mounted (or unset, to read the logs through the Blob API).");
        }

        failures.AddRange(Alerts.DeliveryChecks.Validate(options));

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool ComparesPreviousWeek(DetectorOptions options)
    {
        try
        {
            return options.ComparesPreviousWeek;
        }
        catch (SettingException)
        {
            return false; // Reported on its own.
        }
    }

    private static bool SafeHourProfiles(DetectorOptions options)
    {
        try
        {
            return options.UsesHourProfiles;
        }
        catch (SettingException)
        {
            return true; // Reported on its own.
        }
    }
}
