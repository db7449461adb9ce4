using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DriftJobs.Core.Reports;

namespace DriftJobs.Detector.Alerts;

/// <summary>
/// A Slack incoming webhook: one message per run listing what is new, escalated, still firing (reminders) and
/// resolved, with a link to the HTML report. The webhook URL is the credential and is never logged.
/// </summary>
internal sealed class SlackSink(Uri webhookUrl, SinkHttpClient http) : IAlertNotificationSink, IDisposable
{
    public const string SinkName = "slack";

    /// <summary>Slack allows 50 blocks a message; the rest are counted in one line.</summary>
    public const int MaxNoticesListed = 40;

    public string Name => SinkName;

    public Task<DeliveryResult> SendAsync(AlertNotification notification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var body = SinkHttpClient.Utf8Json(Payload(notification));
        return http.SendAsync(() => new HttpRequestMessage(HttpMethod.Post, webhookUrl)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        }, cancellationToken);
    }

    public void Dispose() => http.Dispose();

    public static JsonObject Payload(AlertNotification notification)
    {
        var report = notification.Report;
        var firing = notification.Notices.Count(n => !n.IsResolved);
        var resolved = notification.Notices.Count - firing;
        var title = $"Drift alerts for {report.ModelName} v{report.ModelVersion}: {Counted(firing, "firing")}{(resolved > 0 ? ", " + Counted(resolved, "resolved") : "")}";
        var window = report.Window;
        var context = $"Window {window.Start:yyyy-MM-dd HH:mm}Z → {window.End:yyyy-MM-dd HH:mm}Z · " +
            (report.DriftScore is { } score ? $"drift score {DriftAnalyzer.Percent(score)} · {report.FeaturesDrifted}/{report.FeaturesMonitored} features drifted" : "no verdict") +
            $" · {report.Samples:N0} samples";

        var blocks = new JsonArray(
            new JsonObject { ["type"] = "header", ["text"] = PlainText(title.Length > 150 ? title[..149] + "…" : title) },
            new JsonObject { ["type"] = "context", ["elements"] = new JsonArray(Markdown(Escape(context))) });
        foreach (var notice in notification.Notices.Take(MaxNoticesListed))
        {
            blocks.Add((JsonNode)new JsonObject { ["type"] = "section", ["text"] = Markdown(Line(notice)) });
        }

        if (notification.Notices.Count > MaxNoticesListed)
        {
            blocks.Add((JsonNode)new JsonObject { ["type"] = "context", ["elements"] = new JsonArray(Markdown($"and {notification.Notices.Count - MaxNoticesListed} more")) });
        }

        var text = new StringBuilder(title);
        if (notification.Links.Html is { } html)
        {
            blocks.Add((JsonNode)new JsonObject { ["type"] = "section", ["text"] = Markdown($"<{html.AbsoluteUri}|Open the drift report>") });
            text.Append(" — ").Append(html.AbsoluteUri);
        }

        // "text" is what notifications and clients without blocks show.
        return new JsonObject { ["text"] = text.ToString(), ["blocks"] = blocks };
    }

    private static string Line(AlertNotice notice)
    {
        var (icon, label) = notice.IsResolved
            ? (":white_check_mark:", "RESOLVED")
            : notice.Severity switch
            {
                AlertSeverity.Critical => (":red_circle:", "CRITICAL"),
                AlertSeverity.Warning => (":warning:", "WARNING"),
                _ => (":information_source:", "INFO"),
            };
        var why = notice.Reason switch
        {
            NoticeReason.Escalated => $" (escalated from {notice.PreviousSeverity.ToString()!.ToUpperInvariant()})",
            NoticeReason.Reminder => $" (still firing, {notice.ConsecutiveWindows} windows in a row)",
            _ => "",
        };
        var feature = notice.Feature is { } f ? $" *{Escape(f)}*" : "";
        return $"{icon} *{label}* `{notice.Code}`{feature}{why}: {Escape(notice.Message)}";
    }

    private static string Counted(int count, string what) => $"{count} {what}";

    private static JsonObject PlainText(string text) => new() { ["type"] = "plain_text", ["text"] = text };

    private static JsonObject Markdown(string text) => new() { ["type"] = "mrkdwn", ["text"] = text };

    /// <summary>Slack's mrkdwn control characters; feature names and messages are data, not markup.</summary>
    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
