using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using DriftJobs.Jobs.Tests.Services;

namespace DriftJobs.Jobs.Tests;

/// <summary>Alert delivery from the detector job to a real Alertmanager and real HTTP receivers on loopback.</summary>
[Collection(DeliveryCollection.Name)]
public sealed class AlertDeliveryTests(DeliveryServices services)
{
    private static readonly DateTimeOffset End = DeliveryScenario.End;

    // Short retries: the tests check that retries happen, not how long they wait.
    private static readonly string[] FastRetries = ["--drift-sink-retries", "2", "--drift-sink-retry-backoff-seconds", "0.05", "--drift-sink-timeout-seconds", "1"];

    private Task<DeliveryScenario> ScenarioAsync(string model) => DeliveryScenario.CreateAsync(services.Azurite, model);

    private async Task<JsonArray> AlertmanagerAlertsAsync(string model)
    {
        using var http = new HttpClient { BaseAddress = services.Alertmanager.BaseUrl };
        var filter = Uri.EscapeDataString($"model=\"{model}\"");
        return (await http.GetFromJsonAsync<JsonArray>($"api/v2/alerts?filter={filter}"))!;
    }

    private static JsonNode? Find(JsonArray alerts, string alertname, string? feature = null) =>
        alerts.SingleOrDefault(a => (string?)a!["labels"]!["alertname"] == alertname && (string?)a["labels"]!["feature"] == feature);

    [Fact]
    public async Task Alertmanager_receives_the_alert_with_its_labels_and_is_told_when_it_resolves()
    {
        var scenario = await ScenarioAsync("am-labels");
        await scenario.LogHourAsync(End.AddHours(-1), shift: 1);
        await scenario.LogHourAsync(End, shift: 0);
        string[] settings = ["--drift-alertmanager-url", services.Alertmanager.BaseUrl.ToString(), "--drift-report-base-url", "https://reports.example.test/monitoring/"];

        var run = await scenario.DetectAsync(End, settings);

        Assert.True(run.ExitCode == 0, run.Output);
        var alerts = await AlertmanagerAlertsAsync("am-labels");
        var drift = Find(alerts, "FeatureDrift", "x");
        Assert.NotNull(drift);
        var labels = drift["labels"]!;
        Assert.Equal("am-labels", (string?)labels["model"]);
        Assert.Equal("1", (string?)labels["version"]);
        Assert.Equal("warning", (string?)labels["severity"]);
        Assert.Equal("feature_drift", (string?)labels["code"]);
        Assert.Equal("active", (string?)drift["status"]!["state"]);
        Assert.StartsWith("Feature x drifted", (string?)drift["annotations"]!["summary"], StringComparison.Ordinal);
        Assert.Equal("https://reports.example.test/monitoring/drift-reports/am-labels/1/2026-11-20T12Z.html", (string?)drift["annotations"]!["report_url"]);
        var critical = Find(alerts, "DriftCritical");
        Assert.NotNull(critical);
        Assert.Equal("critical", (string?)critical["labels"]!["severity"]);
        Assert.Null(Find(alerts, "FeatureDrift", "c"));

        // The next hour x is back to normal: Alertmanager is told, and the alerts are no longer active.
        var next = await scenario.DetectAsync(End.AddHours(1), settings);

        Assert.True(next.ExitCode == 0, next.Output);
        var after = await AlertmanagerAlertsAsync("am-labels");
        Assert.Null(Find(after, "FeatureDrift", "x"));
        Assert.Null(Find(after, "DriftCritical"));
    }

    [Fact]
    public async Task Slack_and_the_webhook_get_their_payloads_the_webhook_signed_and_no_secret_is_logged()
    {
        const string secret = "webhook-secret-0123456789abcdef";
        await using var slack = LoopbackReceiver.Start();
        await using var webhook = LoopbackReceiver.Start();
        var slackUrl = slack.Url("services/T0001/B0001/SlackTokenXYZ");
        var webhookUrl = webhook.Url("drift?token=WebhookTokenXYZ");
        var scenario = await ScenarioAsync("hooks");
        await scenario.LogHourAsync(End.AddHours(-1), shift: 1);

        var run = await scenario.DetectAsync(End, "--drift-slack-webhook-url", slackUrl.ToString(), "--drift-webhook-url", webhookUrl.ToString(), "--drift-webhook-secret", secret);

        Assert.True(run.ExitCode == 0, run.Output);
        var slackRequest = Assert.Single(slack.Requests);
        Assert.Equal("POST", slackRequest.Method);
        Assert.Equal("/services/T0001/B0001/SlackTokenXYZ", slackRequest.Path);
        var message = JsonNode.Parse(slackRequest.Body)!;
        Assert.Contains("hooks v1", (string?)message["text"], StringComparison.Ordinal);
        var sections = message["blocks"]!.AsArray().Select(b => (string?)b!["text"]?["text"] ?? "").ToList();
        Assert.Contains(sections, s => s.Contains("*WARNING* `feature_drift` *x*", StringComparison.Ordinal));
        Assert.Contains(sections, s => s.Contains("*CRITICAL* `drift_critical`", StringComparison.Ordinal));
        // No base URL set: links point into the container.
        Assert.Contains(sections, s => s.Contains($"{scenario.Container.Uri.AbsoluteUri}/drift-reports/hooks/1/2026-11-20T12Z.html|", StringComparison.Ordinal));

        var hook = Assert.Single(webhook.Requests);
        var timestamp = hook.Headers["X-DriftJobs-Timestamp"];
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), (byte[])[.. Encoding.UTF8.GetBytes(timestamp + "."), .. hook.Body]));
        Assert.Equal(expected, hook.Headers["X-DriftJobs-Signature"]);
        Assert.InRange(long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var payload = JsonNode.Parse(hook.Body)!;
        Assert.Equal("hooks", (string?)payload["model_name"]);
        Assert.Equal(0.5, (double?)payload["drift_score"]);
        var alert = payload["alerts"]!.AsArray().Single(a => (string?)a!["code"] == "feature_drift");
        Assert.Equal("firing", (string?)alert!["status"]);
        Assert.Equal("new", (string?)alert["reason"]);
        Assert.Equal("x", (string?)alert["feature"]);
        Assert.Equal("WARNING", (string?)alert["severity"]);
        Assert.EndsWith("/drift-reports/hooks/1/2026-11-20T12Z.html", (string?)payload["report_url"], StringComparison.Ordinal);

        Assert.DoesNotContain("SlackTokenXYZ", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("WebhookTokenXYZ", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, run.Output, StringComparison.Ordinal);
        var sent = Assert.Single(DeliveryScenario.Events(run.Output, "Sink", "slack"));
        Assert.Equal(2, (int?)sent["Firing"]);
        Assert.Equal(0, (int?)sent["Resolved"]);
    }

    [Fact]
    public async Task Failing_sinks_are_retried_isolated_and_tried_again_next_run()
    {
        // The webhook hangs past the timeout, then answers 503, then takes the delivery. Slack fails every request
        // of the first run (500) and works again in the second.
        await using var webhook = LoopbackReceiver.Start(i => i switch
        {
            0 => new Answer(200, TimeSpan.FromSeconds(10)),
            1 => new Answer(503),
            _ => new Answer(200),
        });
        await using var slack = LoopbackReceiver.Start(i => new Answer(i < 3 ? 500 : 200));
        var scenario = await ScenarioAsync("flaky");
        await scenario.LogHourAsync(End.AddHours(-1), shift: 1);
        await scenario.LogHourAsync(End, shift: 1);
        string[] settings =
        [
            "--drift-webhook-url", webhook.Url().ToString(), "--drift-webhook-secret", "0123456789abcdef0123",
            "--drift-slack-webhook-url", slack.Url().ToString(),
            "--drift-alertmanager-url", services.Alertmanager.BaseUrl.ToString(), .. FastRetries,
        ];

        var run = await scenario.DetectAsync(End, settings);

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("drift-reports/flaky/1/2026-11-20T12Z.json", await Jobs.BlobNamesAsync(scenario.Container, "drift-reports/"));
        // Three attempts of one delivery: same id, same signed bytes.
        Assert.Equal(3, webhook.Requests.Count);
        Assert.Single(webhook.Requests.Select(r => r.Headers["X-DriftJobs-Delivery"]).Distinct());
        Assert.Single(webhook.Requests.Select(r => Convert.ToBase64String(r.Body)).Distinct());
        Assert.Equal(3, slack.Requests.Count);
        var slackEvents = DeliveryScenario.Events(run.Output, "Sink", "slack");
        Assert.Equal(["Warning", "Warning", "Error"], slackEvents.Select(e => (string?)e["@l"]));
        var gaveUp = slackEvents[2];
        Assert.Equal(3, (int?)gaveUp["Attempts"]);
        Assert.StartsWith("HTTP 500", (string?)gaveUp["Failure"], StringComparison.Ordinal);
        var webhookEvents = DeliveryScenario.Events(run.Output, "Sink", "webhook");
        Assert.Equal(["no answer within 1 s", "HTTP 503 Service Unavailable: failing on purpose", null], webhookEvents.Select(e => (string?)e["Failure"]));
        Assert.NotNull(Find(await AlertmanagerAlertsAsync("flaky"), "FeatureDrift", "x"));
        var sent = Entry(await scenario.AlertStateAsync(), "feature_drift", "x")!["sent"]!.AsArray().Select(s => (string?)s!["sink"]).ToList();
        Assert.Equal(["alertmanager", "webhook"], sent);

        // Next hour, same drift: only Slack, which never got it, is sent it; the others are within the cooldown.
        var next = await scenario.DetectAsync(End.AddHours(1), settings);

        Assert.True(next.ExitCode == 0, next.Output);
        Assert.Equal(3, webhook.Requests.Count);
        Assert.Equal(4, slack.Requests.Count);
        Assert.Contains("`feature_drift` *x*", JsonNode.Parse(slack.Requests[3].Body)!["blocks"]!.ToJsonString(new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }), StringComparison.Ordinal);
        sent = Entry(await scenario.AlertStateAsync(), "feature_drift", "x")!["sent"]!.AsArray().Select(s => (string?)s!["sink"]).ToList();
        Assert.Equal(["alertmanager", "slack", "webhook"], sent);
    }

    [Fact]
    public async Task Consecutive_runs_send_an_alert_once_remind_after_the_cooldown_and_resolve_it()
    {
        await using var webhook = LoopbackReceiver.Start();
        var scenario = await ScenarioAsync("dedupe");
        for (var hour = -2; hour <= 2; hour++)
        {
            await scenario.LogHourAsync(End.AddHours(hour), shift: 1);
        }

        await scenario.LogHourAsync(End.AddHours(3), shift: 0);
        string[] settings = ["--drift-webhook-url", webhook.Url().ToString(), "--drift-webhook-secret", "0123456789abcdef0123", "--drift-alert-cooldown-hours", "3"];
        async Task<List<JsonNode>> RunAsync(DateTimeOffset end)
        {
            var before = webhook.Requests.Count;
            var run = await scenario.DetectAsync(end, settings);
            Assert.True(run.ExitCode == 0, run.Output);
            return [.. webhook.Requests.Skip(before).SelectMany(r => JsonNode.Parse(r.Body)!["alerts"]!.AsArray()).Select(a => a!)];
        }

        var first = await RunAsync(End);
        Assert.Equal(["drift_critical new firing", "feature_drift new firing"], first.Select(Describe).Order());
        var state = await scenario.AlertStateAsync();
        Assert.Equal(1, (int?)Entry(state, "feature_drift", "x")!["consecutive_windows"]);

        Assert.Empty(await RunAsync(End.AddHours(1)));
        Assert.Empty(await RunAsync(End.AddHours(1)));  // a rerun of the same window
        Assert.Empty(await RunAsync(End.AddHours(-1))); // a backfill of an older window
        Assert.Equal(2, (int?)Entry(await scenario.AlertStateAsync(), "feature_drift", "x")!["consecutive_windows"]);

        // Three hours after it was sent (the cooldown), still drifting: a reminder. The rerun did not count.
        var reminder = await RunAsync(End.AddHours(3));
        Assert.Equal(["drift_critical reminder firing", "feature_drift reminder firing"], reminder.Select(Describe).Order());
        Assert.All(reminder, a => Assert.Equal(3, (int?)a["consecutive_windows"]));

        var resolved = await RunAsync(End.AddHours(4));
        Assert.Equal(["drift_critical resolved resolved", "feature_drift resolved resolved"], resolved.Select(Describe).Order());
        state = await scenario.AlertStateAsync();
        var version = Assert.Single(state!["versions"]!.AsArray())!;
        Assert.Equal(End.AddHours(4), (DateTimeOffset)version["window_end"]!);
        Assert.Empty(version["alerts"]!.AsArray());
    }

    [Fact]
    public async Task A_first_alert_waits_for_the_minimum_of_consecutive_windows()
    {
        await using var webhook = LoopbackReceiver.Start();
        var scenario = await ScenarioAsync("consecutive");
        await scenario.LogHourAsync(End.AddHours(-1), shift: 1);
        await scenario.LogHourAsync(End, shift: 1);
        string[] settings = ["--drift-webhook-url", webhook.Url().ToString(), "--drift-webhook-secret", "0123456789abcdef0123", "--drift-alert-min-consecutive-windows", "2"];

        Assert.Equal(0, (await scenario.DetectAsync(End, settings)).ExitCode);
        Assert.Empty(webhook.Requests);
        var pending = Entry(await scenario.AlertStateAsync(), "feature_drift", "x")!;
        Assert.Equal(1, (int?)pending["consecutive_windows"]);
        Assert.Empty(pending["sent"]!.AsArray());

        Assert.Equal(0, (await scenario.DetectAsync(End.AddHours(1), settings)).ExitCode);
        var alerts = JsonNode.Parse(Assert.Single(webhook.Requests).Body)!["alerts"]!.AsArray();
        Assert.Contains(alerts, a => (string?)a!["code"] == "feature_drift" && (int?)a["consecutive_windows"] == 2);
    }

    [Theory]
    [InlineData("--drift-alertmanager-url", "alertmanager:9093", "DRIFT_ALERTMANAGER_URL")]
    [InlineData("--drift-pushgateway-url", "ftp://pushgateway", "DRIFT_PUSHGATEWAY_URL")]
    [InlineData("--drift-report-base-url", "https://x.test/r?sig=1", "DRIFT_REPORT_BASE_URL")]
    [InlineData("--drift-webhook-url", "https://hooks.example.test/h", "DRIFT_WEBHOOK_SECRET")]
    [InlineData("--drift-alert-cooldown-hours", "0", "DRIFT_ALERT_COOLDOWN_HOURS")]
    [InlineData("--drift-alert-min-consecutive-windows", "0", "DRIFT_ALERT_MIN_CONSECUTIVE_WINDOWS")]
    [InlineData("--drift-sink-retries", "11", "DRIFT_SINK_RETRIES")]
    [InlineData("--drift-sink-timeout-seconds", "0", "DRIFT_SINK_TIMEOUT_SECONDS")]
    public async Task Bad_delivery_settings_exit_2_naming_the_setting(string option, string value, string setting)
    {
        var scenario = await ScenarioAsync("settings");
        var run = await scenario.DetectAsync(End, option, value);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(setting, run.Output, StringComparison.Ordinal);
        Assert.Empty(await Jobs.BlobNamesAsync(scenario.Container, "drift-reports/"));
    }

    [Fact]
    public async Task A_bad_secret_url_is_named_but_not_echoed()
    {
        var scenario = await ScenarioAsync("settings");
        var run = await scenario.DetectAsync(End, "--drift-slack-webhook-url", "hooks.slack.test/services/T/B/SecretPart", "--drift-webhook-secret", "short-Secret");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("DRIFT_SLACK_WEBHOOK_URL is not an absolute http(s) URL", run.Output, StringComparison.Ordinal);
        Assert.Contains("DRIFT_WEBHOOK_SECRET is too short", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("SecretPart", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("short-Secret", run.Output, StringComparison.Ordinal);
    }

    private static JsonNode? Entry(JsonObject? state, string code, string? feature) =>
        state!["versions"]!.AsArray().Single()!["alerts"]!.AsArray().SingleOrDefault(a => (string?)a!["code"] == code && (string?)a["feature"] == feature);

    private static string Describe(JsonNode alert) => $"{alert["code"]} {alert["reason"]} {alert["status"]}";
}
