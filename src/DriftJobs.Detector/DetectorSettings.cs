using DriftJobs.Hosting;
using DriftJobs.Storage;

namespace DriftJobs.Detector;

internal static class DetectorSettings
{
    public static IReadOnlyList<JobSetting> All { get; } =
    [
        new("MODEL_NAME", "model to check (required)"),
        new("MODEL_VERSION", "its version: the baseline to compare with (required)"),
        new("DRIFT_ANALYSIS_WINDOW_HOURS", "hours of logs in the window (24)"),
        new("DRIFT_WINDOW_END", "ISO-8601 end of the window, on the hour (now, truncated to the hour)"),
        new("DRIFT_PSI_THRESHOLD", "PSI at or above it is drift (0.2)"),
        new("DRIFT_KS_PVALUE_THRESHOLD", "alpha for the adjusted KS / chi-square p-values (0.05)"),
        new("DRIFT_KS_MIN_STATISTIC", "smallest KS D or L-infinity that counts as drift (0.05)"),
        new("DRIFT_MULTIPLE_TESTING", "bh | bonferroni | none (bh)"),
        new("DRIFT_MIN_SAMPLES", "rows below which no verdict is given (100)"),
        new("DRIFT_SCORE_CRITICAL_THRESHOLD", "drift score raising a CRITICAL alert (0.5)"),
        new("DRIFT_MISSING_RATE_INCREASE", "missing-rate rise reported as a data-quality warning (0.1)"),
        new("DRIFT_OUT_OF_RANGE_SHARE", "share outside the training range that is reported (0.05)"),
        new("DRIFT_UNSEEN_CATEGORY_SHARE", "share of never-seen categories that is reported (0.05)"),
        new("DRIFT_LOGS_PATH", "directory where the logs container is mounted: logs are read as files there (unset: Blob API)"),
        new("DRIFT_READ_CONCURRENCY", "files read at once, 0 = one per core (0)"),
        new("DRIFT_ALERTMANAGER_URL", "Alertmanager base URL: alerts are posted to its /api/v2/alerts (off)"),
        new("DRIFT_SLACK_WEBHOOK_URL", "Slack incoming-webhook URL, a secret (off)"),
        new("DRIFT_WEBHOOK_URL", "JSON webhook URL, requests signed with DRIFT_WEBHOOK_SECRET (off)"),
        new("DRIFT_WEBHOOK_SECRET", "HMAC-SHA256 key for the webhook's X-DriftJobs-Signature, a secret"),
        new("DRIFT_PUSHGATEWAY_URL", "Prometheus Pushgateway base URL for the run's metrics (off)"),
        new("DRIFT_REPORT_BASE_URL", "base URL of the reports, for links in alerts (the container's URL)"),
        new("DRIFT_ALERT_COOLDOWN_HOURS", "hours before an unchanged alert is sent again (24)"),
        new("DRIFT_ALERT_MIN_CONSECUTIVE_WINDOWS", "windows in a row an alert must fire before it is first sent (1)"),
        new("DRIFT_SINK_TIMEOUT_SECONDS", "timeout of one request to a sink or the Pushgateway (10)"),
        new("DRIFT_SINK_RETRIES", "retries after a failed request, with exponential backoff (3)"),
        new("DRIFT_SINK_RETRY_BACKOFF_SECONDS", "first retry delay, doubled each retry (1)"),
        new(StorageOptions.ContainerSetting, "blob container (model-monitoring)"),
        new(StorageOptions.LogsPrefixSetting, "root of the hour-partitioned logs (inference-logs)"),
        new(StorageOptions.ConnectionStringSetting, "storage connection string (development; prefer the account URL)"),
        new(StorageOptions.AccountUrlSetting, "storage account URL, authenticated with DefaultAzureCredential"),
    ];
}
