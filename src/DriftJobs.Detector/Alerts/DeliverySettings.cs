using System.Globalization;

namespace DriftJobs.Detector.Alerts;

/// <summary>How hard one request to a sink (or the Pushgateway) is tried: a timeout per attempt and bounded retries.</summary>
internal sealed record RetryPolicy(TimeSpan Timeout, int Retries, TimeSpan FirstBackoff)
{
    /// <summary>No single wait between attempts exceeds this, whatever Retry-After or the doubling says.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    public static RetryPolicy From(DetectorOptions options) => new(
        TimeSpan.FromSeconds(options.SinkTimeoutSeconds), options.SinkRetries, TimeSpan.FromSeconds(options.SinkRetryBackoffSeconds));
}

/// <summary>The delivery settings' checks, run with the detector's other settings at start (exit 2 naming the setting).</summary>
internal static class DeliverySettings
{
    public const int MinSecretLength = 16;

    public static IEnumerable<string> Validate(DetectorOptions o)
    {
        // Secrets and URLs that may carry a token are named but never echoed.
        if (CheckUrl("DRIFT_ALERTMANAGER_URL", o.AlertmanagerUrl, echo: true, baseOnly: true) is { } alertmanager)
        {
            yield return alertmanager;
        }

        if (CheckUrl("DRIFT_SLACK_WEBHOOK_URL", o.SlackWebhookUrl, echo: false, baseOnly: false) is { } slack)
        {
            yield return slack;
        }

        if (CheckUrl("DRIFT_WEBHOOK_URL", o.WebhookUrl, echo: false, baseOnly: false) is { } webhook)
        {
            yield return webhook;
        }

        if (CheckUrl("DRIFT_PUSHGATEWAY_URL", o.PushgatewayUrl, echo: true, baseOnly: true) is { } pushgateway)
        {
            yield return pushgateway;
        }

        if (CheckUrl("DRIFT_REPORT_BASE_URL", o.ReportBaseUrl, echo: true, baseOnly: true) is { } reportBase)
        {
            yield return reportBase;
        }

        if (!string.IsNullOrWhiteSpace(o.WebhookUrl) && string.IsNullOrEmpty(o.WebhookSecret))
        {
            yield return "DRIFT_WEBHOOK_SECRET is required with DRIFT_WEBHOOK_URL: receivers verify the X-DriftJobs-Signature header with it.";
        }
        else if (!string.IsNullOrEmpty(o.WebhookSecret) && o.WebhookSecret.Length < MinSecretLength)
        {
            yield return $"DRIFT_WEBHOOK_SECRET is too short: it must have at least {MinSecretLength} characters.";
        }

        if (!(o.AlertCooldownHours > 0 && o.AlertCooldownHours <= 31 * 24))
        {
            yield return $"DRIFT_ALERT_COOLDOWN_HOURS = {N(o.AlertCooldownHours)} is out of range: it must be above 0 and at most 744 (31 days).";
        }

        if (o.AlertMinConsecutiveWindows is < 1 or > 168)
        {
            yield return $"DRIFT_ALERT_MIN_CONSECUTIVE_WINDOWS = {o.AlertMinConsecutiveWindows} is out of range: it must be between 1 and 168.";
        }

        if (!(o.SinkTimeoutSeconds > 0 && o.SinkTimeoutSeconds <= 300))
        {
            yield return $"DRIFT_SINK_TIMEOUT_SECONDS = {N(o.SinkTimeoutSeconds)} is out of range: it must be above 0 and at most 300.";
        }

        if (o.SinkRetries is < 0 or > 10)
        {
            yield return $"DRIFT_SINK_RETRIES = {o.SinkRetries} is out of range: it must be between 0 and 10.";
        }

        if (!(o.SinkRetryBackoffSeconds >= 0 && o.SinkRetryBackoffSeconds <= 60))
        {
            yield return $"DRIFT_SINK_RETRY_BACKOFF_SECONDS = {N(o.SinkRetryBackoffSeconds)} is out of range: it must be between 0 and 60.";
        }
    }

    /// <summary>The setting as an absolute URL, or null when unset. Call after validation.</summary>
    public static Uri? Url(string? value) => string.IsNullOrWhiteSpace(value) ? null : new Uri(value.Trim(), UriKind.Absolute);

    private static string? CheckUrl(string setting, string? value, bool echo, bool baseOnly)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var shown = echo ? $" = '{value}'" : "";
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            return $"{setting}{shown} is not an absolute http(s) URL.";
        }

        if (baseOnly && (uri.Query.Length > 0 || uri.Fragment.Length > 0))
        {
            return $"{setting}{shown} must be a base URL without a query or fragment (paths are appended to it).";
        }

        return null;
    }

    private static string N(double value) => value.ToString(CultureInfo.InvariantCulture);
}
