using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DriftJobs.Core.Reports;
using DriftJobs.Core.Serialization;

namespace DriftJobs.Detector.Alerts;

/// <summary>
/// A generic JSON webhook, signed so the receiver can tell the detector from anyone else who learns the URL:
/// <c>X-DriftJobs-Signature: sha256=hex(HMAC-SHA256(DRIFT_WEBHOOK_SECRET, "{X-DriftJobs-Timestamp}.{body}"))</c>.
/// Binding the timestamp lets a receiver reject replays; <c>X-DriftJobs-Delivery</c> stays the same across the
/// retries of one delivery so it can drop duplicates. Payload: docs/alerts.md.
/// </summary>
internal sealed class WebhookSink(Uri url, byte[] secret, SinkHttpClient http, TimeProvider time) : IAlertNotificationSink, IDisposable
{
    public const string SinkName = "webhook";
    public const string SignatureHeader = "X-DriftJobs-Signature";
    public const string TimestampHeader = "X-DriftJobs-Timestamp";
    public const string DeliveryHeader = "X-DriftJobs-Delivery";

    public string Name => SinkName;

    public Task<DeliveryResult> SendAsync(AlertNotification notification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var delivery = Guid.NewGuid().ToString("D");
        var body = SinkHttpClient.Utf8Json(Payload(notification, delivery));
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = Sign(secret, timestamp, body);
        return http.SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } } },
            };
            request.Headers.Add(TimestampHeader, timestamp);
            request.Headers.Add(SignatureHeader, signature);
            request.Headers.Add(DeliveryHeader, delivery);
            return request;
        }, cancellationToken);
    }

    public void Dispose() => http.Dispose();

    /// <summary>"sha256=" and the lowercase hex HMAC-SHA256 of "{timestamp}.{body}".</summary>
    public static string Sign(byte[] secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(secret, message));
    }

    public static JsonObject Payload(AlertNotification notification, string delivery)
    {
        var report = notification.Report;
        var alerts = new JsonArray();
        foreach (var notice in notification.Notices)
        {
            alerts.Add((JsonNode)new JsonObject
            {
                ["status"] = notice.IsResolved ? "resolved" : "firing",
                ["reason"] = JsonNamingPolicy.SnakeCaseLower.ConvertName(notice.Reason.ToString()),
                ["severity"] = notice.Severity.ToString().ToUpperInvariant(),
                ["previous_severity"] = notice.PreviousSeverity?.ToString().ToUpperInvariant(),
                ["code"] = notice.Code,
                ["feature"] = notice.Feature,
                ["message"] = notice.Message,
                ["consecutive_windows"] = notice.ConsecutiveWindows,
                ["first_window_end"] = notice.FirstWindowEnd,
            });
        }

        return new JsonObject
        {
            ["schema_version"] = 1,
            ["delivery_id"] = delivery,
            ["sent_at"] = notification.SentAt,
            ["model_name"] = report.ModelName,
            ["model_version"] = report.ModelVersion,
            ["window"] = JsonSerializer.SerializeToNode(report.Window, DriftJson.TypeInfo<ReportWindow>()),
            ["status"] = report.Status == ReportStatus.Ok ? "ok" : "insufficient_data",
            ["samples"] = report.Samples,
            ["drift_detected"] = report.DriftDetected,
            ["drift_score"] = report.DriftScore,
            ["drifted_features"] = new JsonArray([.. report.DriftedFeatures.Select(f => (JsonNode?)JsonValue.Create(f))]),
            ["report_url"] = notification.Links.Html?.AbsoluteUri,
            ["report_json_url"] = notification.Links.Json?.AbsoluteUri,
            ["alerts"] = alerts,
        };
    }
}
