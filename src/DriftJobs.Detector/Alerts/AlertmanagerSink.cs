using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using DriftJobs.Core.Reports;
using Microsoft.Extensions.Logging;

namespace DriftJobs.Detector.Alerts;

/// <summary>
/// Prometheus Alertmanager, API v2: <c>POST {DRIFT_ALERTMANAGER_URL}/api/v2/alerts</c> with labels alertname, model,
/// version, feature, severity, code and annotations summary, description, report_url. A batch job does not re-send
/// every few minutes as Prometheus does, so a firing alert's endsAt lies two cooldowns ahead: it stays firing until
/// the next reminder extends it or a resolved notice (endsAt = now) ends it.
/// </summary>
internal sealed class AlertmanagerSink(Uri baseUrl, SinkHttpClient http, TimeProvider time) : IAlertNotificationSink, IDisposable
{
    public const string SinkName = "alertmanager";

    private readonly Uri _endpoint = new(WithTrailingSlash(baseUrl), "api/v2/alerts");

    public string Name => SinkName;

    public Task<DeliveryResult> SendAsync(AlertNotification notification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var body = SinkHttpClient.Utf8Json(Payload(notification, time.GetUtcNow()));
        return http.SendAsync(() => new HttpRequestMessage(HttpMethod.Post, _endpoint)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        }, cancellationToken);
    }

    public void Dispose() => http.Dispose();

    public static JsonArray Payload(AlertNotification notification, DateTimeOffset now)
    {
        var alerts = new JsonArray();
        foreach (var notice in notification.Notices)
        {
            alerts.Add((JsonNode)Alert(notification, notice, notice.Severity, now, resolved: notice.IsResolved));
            if (notice is { Reason: NoticeReason.Escalated, PreviousSeverity: { } previous })
            {
                // Severity is a label, so the escalated alert is a new one: end the one sent at the old severity.
                alerts.Add((JsonNode)Alert(notification, notice, previous, now, resolved: true));
            }
        }

        return alerts;
    }

    public static string AlertName(string code) =>
        string.Concat(code.Split('_', StringSplitOptions.RemoveEmptyEntries).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    private static JsonObject Alert(AlertNotification notification, AlertNotice notice, AlertSeverity severity, DateTimeOffset now, bool resolved)
    {
        var report = notification.Report;
        var labels = new JsonObject
        {
            ["alertname"] = AlertName(notice.Code),
            ["model"] = report.ModelName,
            ["version"] = report.ModelVersion,
            ["severity"] = severity.ToString().ToLowerInvariant(),
            ["code"] = notice.Code,
        };
        if (notice.Feature is { Length: > 0 } feature)
        {
            labels["feature"] = feature;
        }

        var annotations = new JsonObject
        {
            ["summary"] = notice.Message,
            ["description"] = Description(notification, notice, resolved),
        };
        if (notification.Links.Html is { } html)
        {
            annotations["report_url"] = html.AbsoluteUri;
        }

        if (notification.Links.Json is { } json)
        {
            annotations["report_json_url"] = json.AbsoluteUri;
        }

        var startsAt = notice.FirstWindowEnd < now ? notice.FirstWindowEnd : now;
        var alert = new JsonObject
        {
            ["labels"] = labels,
            ["annotations"] = annotations,
            ["startsAt"] = startsAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            ["endsAt"] = (resolved ? now : now + (2 * notification.Cooldown)).ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
        };
        if (notification.Links.Html is { } link)
        {
            alert["generatorURL"] = link.AbsoluteUri;
        }

        return alert;
    }

    private static string Description(AlertNotification notification, AlertNotice notice, bool resolved)
    {
        var window = notification.Report.Window;
        var when = $"window {window.Start:yyyy-MM-dd HH:mm}Z to {window.End:yyyy-MM-dd HH:mm}Z";
        return resolved
            ? $"Resolved in the {when}."
            : $"Firing for {notice.ConsecutiveWindows} window(s) in a row, since the window ending {notice.FirstWindowEnd:yyyy-MM-dd HH:mm}Z; latest: {when}, drift score {(notification.Report.DriftScore is { } s ? DriftAnalyzer.Percent(s) : "n/a")}.";
    }

    private static Uri WithTrailingSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
