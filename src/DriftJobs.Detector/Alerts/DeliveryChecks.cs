using DriftJobs.Hosting;

namespace DriftJobs.Detector.Alerts;

/// <summary>The alert-delivery settings' checks, run with the detector's other settings at start (exit 2 naming the setting).</summary>
internal static class DeliveryChecks
{
    public const int MinSecretLength = 16;

    public static IEnumerable<string> Validate(DetectorOptions o)
    {
        // Secrets (URLs that carry a token among them) are named but never echoed.
        if (CheckUrl(DetectorSettings.AlertmanagerUrl, o.AlertmanagerUrl, baseOnly: true) is { } alertmanager)
        {
            yield return alertmanager;
        }

        if (CheckUrl(DetectorSettings.SlackWebhookUrl, o.SlackWebhookUrl, baseOnly: false) is { } slack)
        {
            yield return slack;
        }

        if (CheckUrl(DetectorSettings.WebhookUrl, o.WebhookUrl, baseOnly: false) is { } webhook)
        {
            yield return webhook;
        }

        if (CheckUrl(DetectorSettings.PushgatewayUrl, o.PushgatewayUrl, baseOnly: true) is { } pushgateway)
        {
            yield return pushgateway;
        }

        if (CheckUrl(DetectorSettings.ReportBaseUrl, o.ReportBaseUrl, baseOnly: true) is { } reportBase)
        {
            yield return reportBase;
        }

        if (!string.IsNullOrWhiteSpace(o.WebhookUrl) && string.IsNullOrEmpty(o.WebhookSecret))
        {
            yield return $"{DetectorSettings.WebhookSecret.Name} is required with {DetectorSettings.WebhookUrl.Name}: receivers verify the X-DriftJobs-Signature header with it.";
        }
        else if (!string.IsNullOrEmpty(o.WebhookSecret) && o.WebhookSecret.Length < MinSecretLength)
        {
            yield return $"{DetectorSettings.WebhookSecret.Name} is too short: it must have at least {MinSecretLength} characters.";
        }
    }

    /// <summary>The setting as an absolute URL, or null when unset. Call after validation.</summary>
    public static Uri? Url(string? value) => string.IsNullOrWhiteSpace(value) ? null : new Uri(value.Trim(), UriKind.Absolute);

    private static string? CheckUrl(JobSetting declared, string? value, bool baseOnly)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var setting = declared.Name;
        var shown = declared.IsSecret ? "" : $" = '{value}'";
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
}
