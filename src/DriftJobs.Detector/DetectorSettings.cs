using DriftJobs.Core;
using DriftJobs.Core.Performance;
using DriftJobs.Core.Reports;
using DriftJobs.Hosting;
using DriftJobs.Storage;

namespace DriftJobs.Detector;

/// <summary>
/// Every detector setting, declared once. Defaults are read from a fresh <see cref="DetectorOptions"/> (whose thresholds
/// start from <see cref="DriftThresholds.Defaults"/>), ranges from what they bound; <see cref="DetectorOptions"/> binds
/// the same names and <see cref="DetectorOptionsValidator"/> checks each range through its declaration.
/// </summary>
internal static class DetectorSettings
{
    private static readonly DetectorOptions Defaults = new();

    public static JobSetting ModelName { get; } = new("MODEL_NAME", "model to check") { IsRequired = true };

    public static JobSetting ModelVersion { get; } = new("MODEL_VERSION", "its version: the baseline to compare with") { IsRequired = true };

    public static JobSetting WindowHours { get; } =
        JobSetting.Number("DRIFT_ANALYSIS_WINDOW_HOURS", "hours of logs in the window", Defaults.WindowHours, new ValueRange(1, StorageLayout.MaxWindowHours));

    public static JobSetting WindowEnd { get; } = new("DRIFT_WINDOW_END", "ISO-8601 end of the window, on the hour") { Default = "now, truncated to the hour" };

    public static JobSetting PsiThreshold { get; } =
        JobSetting.Number("DRIFT_PSI_THRESHOLD", "PSI at or above it is drift", Defaults.PsiThreshold, DriftThresholds.PsiThresholdRange);

    public static JobSetting KsPValueThreshold { get; } =
        JobSetting.Number("DRIFT_KS_PVALUE_THRESHOLD", "alpha for the adjusted KS / chi-square p-values", Defaults.KsPValueThreshold, DriftThresholds.KsPValueThresholdRange);

    public static JobSetting KsMinStatistic { get; } =
        JobSetting.Number("DRIFT_KS_MIN_STATISTIC", "smallest KS D or L-infinity that counts as drift", Defaults.KsMinStatistic, DriftThresholds.KsMinStatisticRange);

    public static JobSetting MultipleTesting { get; } = new("DRIFT_MULTIPLE_TESTING", "correction across features: bh, bonferroni or none") { Default = Defaults.MultipleTesting };

    public static JobSetting MinSamples { get; } =
        JobSetting.Number("DRIFT_MIN_SAMPLES", "rows below which no verdict is given", Defaults.MinSamples, DriftThresholds.MinSamplesRange);

    public static JobSetting ScoreCriticalThreshold { get; } =
        JobSetting.Number("DRIFT_SCORE_CRITICAL_THRESHOLD", "drift score raising a CRITICAL alert", Defaults.ScoreCriticalThreshold, DriftThresholds.ShareRange);

    public static JobSetting MissingRateIncrease { get; } =
        JobSetting.Number("DRIFT_MISSING_RATE_INCREASE", "missing-rate rise reported as a data-quality warning", Defaults.MissingRateIncrease, DriftThresholds.ShareRange);

    public static JobSetting OutOfRangeShare { get; } =
        JobSetting.Number("DRIFT_OUT_OF_RANGE_SHARE", "share outside the training range that is reported", Defaults.OutOfRangeShare, DriftThresholds.ShareRange);

    public static JobSetting UnseenCategoryShare { get; } =
        JobSetting.Number("DRIFT_UNSEEN_CATEGORY_SHARE", "share of never-seen categories that is reported", Defaults.UnseenCategoryShare, DriftThresholds.ShareRange);

    public static JobSetting SegmentColumns { get; } =
        new(Hosting.SegmentColumns.Setting, "categorical columns (comma-separated) whose segments are judged one by one: the baseline's, in its order") { Default = "off" };

    public static JobSetting LogsPath { get; } =
        new("DRIFT_LOGS_PATH", "directory where the logs container is mounted: logs are read as files there") { Default = "unset: the Blob API" };

    public static JobSetting ReadConcurrency { get; } =
        JobSetting.Number("DRIFT_READ_CONCURRENCY", "files read at once, 0 = one per core", Defaults.ReadConcurrency, new ValueRange(0, 64));

    public static JobSetting AlertmanagerUrl { get; } = new("DRIFT_ALERTMANAGER_URL", "Alertmanager base URL: alerts are posted to its /api/v2/alerts") { Default = "off" };

    public static JobSetting SlackWebhookUrl { get; } = new("DRIFT_SLACK_WEBHOOK_URL", "Slack incoming-webhook URL") { Default = "off", IsSecret = true };

    public static JobSetting WebhookUrl { get; } = new("DRIFT_WEBHOOK_URL", "JSON webhook URL, requests signed with DRIFT_WEBHOOK_SECRET") { Default = "off", IsSecret = true };

    public static JobSetting WebhookSecret { get; } = new("DRIFT_WEBHOOK_SECRET", "HMAC-SHA256 key for the webhook's X-DriftJobs-Signature") { IsSecret = true };

    public static JobSetting PushgatewayUrl { get; } = new("DRIFT_PUSHGATEWAY_URL", "Prometheus Pushgateway base URL for the run's metrics") { Default = "off" };

    public static JobSetting ReportBaseUrl { get; } = new("DRIFT_REPORT_BASE_URL", "base URL of the reports, for links in alerts") { Default = "the container's URL" };

    public static JobSetting AlertCooldownHours { get; } =
        JobSetting.Number("DRIFT_ALERT_COOLDOWN_HOURS", "hours before an unchanged alert is sent again", Defaults.AlertCooldownHours, new ValueRange(0, StorageLayout.MaxWindowHours, ExcludesMin: true));

    public static JobSetting AlertMinConsecutiveWindows { get; } =
        JobSetting.Number("DRIFT_ALERT_MIN_CONSECUTIVE_WINDOWS", "windows in a row an alert must fire before it is first sent", Defaults.AlertMinConsecutiveWindows, new ValueRange(1, 168));

    public static JobSetting SinkTimeoutSeconds { get; } =
        JobSetting.Number("DRIFT_SINK_TIMEOUT_SECONDS", "timeout of one request to a sink or the Pushgateway", Defaults.SinkTimeoutSeconds, new ValueRange(0, 300, ExcludesMin: true));

    public static JobSetting SinkRetries { get; } =
        JobSetting.Number("DRIFT_SINK_RETRIES", "retries after a failed request, with exponential backoff", Defaults.SinkRetries, new ValueRange(0, 10));

    public static JobSetting SinkRetryBackoffSeconds { get; } =
        JobSetting.Number("DRIFT_SINK_RETRY_BACKOFF_SECONDS", "first retry delay, doubled each retry", Defaults.SinkRetryBackoffSeconds, new ValueRange(0, 60));

    public static JobSetting LabelDelayHours { get; } =
        JobSetting.Number("DRIFT_LABEL_DELAY_HOURS", "hours the evaluated window lies behind the data window, so its labels have arrived", Defaults.LabelDelayHours, new ValueRange(0, StorageLayout.MaxWindowHours));

    public static JobSetting PerformanceMetric { get; } =
        new("DRIFT_PERFORMANCE_METRIC", "metric of the performance verdict: auto (accuracy or rmse), accuracy, f1, rmse, mae") { Default = Defaults.PerformanceMetric };

    public static JobSetting PerformanceEffectFloor { get; } =
        JobSetting.Number("DRIFT_PERFORMANCE_EFFECT_FLOOR", "relative worsening of the metric that is a degradation (if significant)", Defaults.PerformanceEffectFloor, PerformanceThresholds.FloorRange);

    public static JobSetting PerformanceCriticalFloor { get; } =
        JobSetting.Number("DRIFT_PERFORMANCE_CRITICAL_FLOOR", "relative worsening that makes the degradation CRITICAL", Defaults.PerformanceCriticalFloor, PerformanceThresholds.FloorRange);

    public static JobSetting PerformanceAlpha { get; } =
        JobSetting.Number("DRIFT_PERFORMANCE_ALPHA", "alpha of the one-sided degradation and label-drift tests", Defaults.PerformanceAlpha, PerformanceThresholds.AlphaRange);

    public static JobSetting MinLabels { get; } =
        JobSetting.Number("DRIFT_MIN_LABELS", "labelled predictions below which no performance verdict is given", Defaults.MinLabels, DriftThresholds.MinSamplesRange);

    public static JobSetting MinLabelCoverage { get; } =
        JobSetting.Number("DRIFT_MIN_LABEL_COVERAGE", "label coverage below which an INFO alert is raised", Defaults.MinLabelCoverage, PerformanceThresholds.ShareRange);

    public static JobSetting MaxCalibrationError { get; } =
        JobSetting.Number("DRIFT_MAX_CALIBRATION_ERROR", "validation ECE above which performance is not estimated from scores", Defaults.MaxCalibrationError, PerformanceThresholds.ShareRange);

    public static JobSetting TrendDelta { get; } =
        JobSetting.Number("DRIFT_TREND_DELTA", "Page-Hinkley delta: hourly rise of the error tolerated as noise", Defaults.TrendDelta, PageHinkleyParameters.DeltaRange);

    public static JobSetting TrendLambda { get; } =
        JobSetting.Number("DRIFT_TREND_LAMBDA", "Page-Hinkley lambda: cumulative rise of the hourly error that alarms", Defaults.TrendLambda, PageHinkleyParameters.LambdaRange);

    public static JobSetting JoinMemoryMb { get; } =
        JobSetting.Number("DRIFT_JOIN_MEMORY_MB", "memory budget of the labels-to-predictions join (MiB); beyond it the join spills to disk", Defaults.JoinMemoryMb, new ValueRange(1, 65536));

    public static JobSetting HourProfiles { get; } =
        new("DRIFT_HOUR_PROFILES", "on: keep each hour's profile and reuse it while the hour's files are unchanged; off: read every hour") { Default = Defaults.HourProfiles };

    public static JobSetting HourProfileRetentionHours { get; } =
        JobSetting.Number("DRIFT_HOUR_PROFILE_RETENTION_HOURS", "hour profiles older than this (before the window's end) are deleted", Defaults.HourProfileRetentionHours, new ValueRange(1, 8784));

    public static JobSetting Shards { get; } =
        JobSetting.Number("DRIFT_SHARDS", "pods sharing the window's hours (an Indexed Job's completions); index 0 merges and reports", Defaults.Shards, new ValueRange(1, 100));

    public static JobSetting ShardIndex { get; } =
        JobSetting.Number("JOB_COMPLETION_INDEX", "this pod's shard, 0 to DRIFT_SHARDS - 1 (Kubernetes sets it in an Indexed Job)", Defaults.ShardIndex, new ValueRange(0, 99));

    public static JobSetting ShardWaitSeconds { get; } =
        JobSetting.Number("DRIFT_SHARD_WAIT_SECONDS", "how long the merging shard waits for the other shards' hour profiles", Defaults.ShardWaitSeconds, new ValueRange(0, 86400, ExcludesMin: true));

    public static JobSetting BackfillFrom { get; } = new("DRIFT_BACKFILL_FROM", "first window end of a backfill (ISO-8601, on the hour): reports only, no alerts") { Default = "off" };

    public static JobSetting BackfillTo { get; } = new("DRIFT_BACKFILL_TO", "last window end of a backfill (ISO-8601, on the hour)") { Default = "off" };

    public static JobSetting Reference { get; } =
        new("DRIFT_REFERENCE", "baseline, or baseline+previous-week: also compare the window with the same hours 7 days earlier (from their hour profiles)") { Default = Defaults.Reference };

    public static JobSetting SeasonalSeverity { get; } =
        new("DRIFT_SEASONAL_SEVERITY", "alert of a feature drifted from training but not from a week earlier: info (does not page) or warning") { Default = Defaults.SeasonalSeverity };

    /// <summary>In the order <c>--help</c> and the docs list them.</summary>
    public static IReadOnlyList<JobSetting> All { get; } =
    [
        ModelName, ModelVersion, WindowHours, WindowEnd, PsiThreshold, KsPValueThreshold, KsMinStatistic, MultipleTesting, MinSamples,
        ScoreCriticalThreshold, MissingRateIncrease, OutOfRangeShare, UnseenCategoryShare, SegmentColumns, LogsPath, ReadConcurrency, AlertmanagerUrl,
        SlackWebhookUrl, WebhookUrl, WebhookSecret, PushgatewayUrl, ReportBaseUrl, AlertCooldownHours, AlertMinConsecutiveWindows,
        SinkTimeoutSeconds, SinkRetries, SinkRetryBackoffSeconds, LabelDelayHours, PerformanceMetric, PerformanceEffectFloor,
        PerformanceCriticalFloor, PerformanceAlpha, MinLabels, MinLabelCoverage, MaxCalibrationError, TrendDelta, TrendLambda, JoinMemoryMb,
        HourProfiles, HourProfileRetentionHours, Shards, ShardIndex, ShardWaitSeconds, BackfillFrom, BackfillTo, Reference, SeasonalSeverity,
        StorageSettings.Container, StorageSettings.LogsPrefix, StorageSettings.GroundTruthPrefix, StorageSettings.ConnectionString, StorageSettings.AccountUrl,
    ];
}
