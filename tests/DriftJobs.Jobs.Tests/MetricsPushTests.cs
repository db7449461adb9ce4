using System.Globalization;
using System.Text.RegularExpressions;
using DriftJobs.Core.Profiles;
using DriftJobs.Core.Reports;
using DriftJobs.Detector;
using DriftJobs.Detector.Metrics;
using DriftJobs.Jobs.Tests.Services;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DriftJobs.Jobs.Tests;

/// <summary>The detector's run metrics pushed to a real Pushgateway and read back from its /metrics.</summary>
[Collection(DeliveryCollection.Name)]
public sealed partial class MetricsPushTests(DeliveryServices services)
{
    private static readonly DateTimeOffset End = DeliveryScenario.End;

    private sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    private async Task<List<Sample>> ScrapeAsync(string model)
    {
        using var http = new HttpClient { BaseAddress = services.Pushgateway.BaseUrl };
        var text = await http.GetStringAsync("metrics");
        var samples = new List<Sample>();
        foreach (var line in text.Split('\n'))
        {
            if (SampleLine().Match(line) is not { Success: true } match)
            {
                continue;
            }

            var labels = LabelPair().Matches(match.Groups["labels"].Value)
                .ToDictionary(m => m.Groups[1].Value, m => Regex.Unescape(m.Groups[2].Value));
            if (labels.GetValueOrDefault("model") == model)
            {
                samples.Add(new Sample(match.Groups["name"].Value, labels, double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture)));
            }
        }

        return samples;
    }

    private static double Value(List<Sample> samples, string name, string? feature = null) =>
        Assert.Single(samples, s => s.Name == name && s.Labels.GetValueOrDefault("feature") == feature).Value;

    [Fact]
    public async Task The_run_metrics_arrive_in_the_pushgateway_with_model_version_and_feature_labels()
    {
        var scenario = await DeliveryScenario.CreateAsync(services.Azurite, "pushed");
        await scenario.LogHourAsync(End.AddHours(-1), shift: 1);
        var before = DateTimeOffset.UtcNow;

        var run = await scenario.DetectAsync(End, "--drift-pushgateway-url", services.Pushgateway.BaseUrl.ToString());

        Assert.True(run.ExitCode == 0, run.Output);
        var report = await Jobs.LatestReportAsync(scenario.Container, "pushed");
        var samples = await ScrapeAsync("pushed");
        Assert.All(samples.Where(s => s.Name.StartsWith("driftjobs_", StringComparison.Ordinal)), s =>
        {
            Assert.Equal("1", s.Labels["version"]);
            Assert.Equal("drift-detector", s.Labels["job"]);
        });
        var x = report.Features.Single(f => f.Name == "x");
        var c = report.Features.Single(f => f.Name == "c");
        Assert.Equal(x.Psi!.Value, Value(samples, "driftjobs_feature_psi", "x"));
        Assert.Equal(c.Psi!.Value, Value(samples, "driftjobs_feature_psi", "c"));
        Assert.Equal(x.Ks!.Statistic, Value(samples, "driftjobs_feature_ks_statistic", "x"));
        Assert.Equal(x.Ks.PValueAdjusted, Value(samples, "driftjobs_feature_p_value_adjusted", "x"));
        Assert.Equal(c.ChiSquare!.PValueAdjusted, Value(samples, "driftjobs_feature_p_value_adjusted", "c"));
        Assert.DoesNotContain(samples, s => s.Name == "driftjobs_feature_ks_statistic" && s.Labels["feature"] == "c");
        Assert.Equal(1, Value(samples, "driftjobs_feature_drifted", "x"));
        Assert.Equal(0, Value(samples, "driftjobs_feature_drifted", "c"));
        Assert.Equal(0.5, Value(samples, "driftjobs_drift_score"));
        Assert.Equal(400, Value(samples, "driftjobs_samples"));
        Assert.Equal(1, Value(samples, "driftjobs_files_read"));
        Assert.Equal(0, Value(samples, "driftjobs_files_skipped"));
        Assert.InRange(Value(samples, "driftjobs_run_duration_seconds"), 1e-6, 120);
        Assert.InRange(Value(samples, "driftjobs_last_success_timestamp_seconds"), before.ToUnixTimeSeconds() - 1, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        Assert.Equal(End.ToUnixTimeSeconds(), Value(samples, "driftjobs_window_end_timestamp_seconds"));
        // The scenario's baseline has no validation data, so its report has no performance section to show.
        Assert.Null(report.Performance);
        Assert.DoesNotContain(samples, s => s.Name.StartsWith("driftjobs_performance_", StringComparison.Ordinal) || s.Name.StartsWith("driftjobs_label", StringComparison.Ordinal));
        Assert.Contains(DeliveryScenario.Events(run.Output, "Features", "2"), e => ((string?)e["@m"])!.StartsWith("Pushed the run's metrics", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Feature_names_with_quotes_backslashes_and_line_breaks_survive_the_exposition_format()
    {
        const string name = "we\"ird\\name\nline";
        var builder = new BaselineBuilder(new BaselineBuildOptions());
        builder.AddNumeric(name, LogFiles.Normal(new Random(1), 500).Select(v => v!.Value).ToArray());
        builder.AddRows(500);
        var window = new WindowProfile(builder.Build("escaped", "2", "test", End));
        window.AddNumeric(name, LogFiles.Normal(new Random(2), 300).Select(v => v!.Value).ToArray());
        window.AddRows(300);
        var report = DriftAnalyzer.Analyze(window, new ReportWindow { Start = End.AddHours(-1), End = End, Hours = 1 }, new DriftThresholds());
        var options = Options.Create(new DetectorOptions { PushgatewayUrl = services.Pushgateway.BaseUrl.ToString() });
        using var pusher = new PushgatewayPusher(options, TimeProvider.System, NullLogger<PushgatewayPusher>.Instance);

        Assert.True(await pusher.PushAsync(report, TimeSpan.FromSeconds(1)));

        var samples = await ScrapeAsync("escaped");
        Assert.Equal(report.Features[0].Psi!.Value, Value(samples, "driftjobs_feature_psi", name));
        Assert.Equal("2", samples[0].Labels["version"]);
    }

    [Fact]
    public async Task A_reports_performance_arrives_by_metric_beside_its_reference_with_verdict_coverage_and_trend()
    {
        var report = PerformanceReport.Create("performing", End);
        var options = Options.Create(new DetectorOptions { PushgatewayUrl = services.Pushgateway.BaseUrl.ToString() });
        using var pusher = new PushgatewayPusher(options, TimeProvider.System, NullLogger<PushgatewayPusher>.Instance);

        Assert.True(await pusher.PushAsync(report, TimeSpan.FromSeconds(1)));

        var samples = await ScrapeAsync("performing");
        var p = report.Performance!;
        Assert.Equal(510.0 / 700, Metric(samples, "driftjobs_performance_value", "accuracy"), 12);
        Assert.Equal(0.9, Metric(samples, "driftjobs_performance_reference", "accuracy"), 12);
        Assert.Equal(290.0 / 385, Metric(samples, "driftjobs_performance_value", "precision"), 12);
        Assert.Equal(p.Classification!.RocAuc!.Value, Metric(samples, "driftjobs_performance_value", "roc_auc"));
        Assert.Equal(p.Reference.Classification!.LogLoss!.Value, Metric(samples, "driftjobs_performance_reference", "log_loss"));
        Assert.DoesNotContain(samples, s => s.Name == "driftjobs_performance_value" && s.Labels["metric"] == "rmse");
        Assert.Equal(1, Metric(samples, "driftjobs_performance_degraded", "accuracy"));
        Assert.Equal((0.9 - (510.0 / 700)) / 0.9, Metric(samples, "driftjobs_performance_relative_change", "accuracy"), 12);
        Assert.Equal(p.Verdict!.PValue!.Value, Metric(samples, "driftjobs_performance_p_value", "accuracy"));
        Assert.Equal(0, Value(samples, "driftjobs_performance_insufficient_labels"));
        Assert.Equal(1000, Value(samples, "driftjobs_performance_predictions"));
        Assert.Equal(700, Value(samples, "driftjobs_labelled_predictions"));
        Assert.Equal(0.7, Value(samples, "driftjobs_label_coverage"), 12);
        Assert.Equal(1, Value(samples, "driftjobs_label_drifted"));
        Assert.Equal(0.625, Value(samples, "driftjobs_performance_trend_statistic"));
        Assert.Equal(1, Value(samples, "driftjobs_performance_trend_alarm"));
        Assert.Equal(End.AddHours(-PerformanceReport.DelayHours).ToUnixTimeSeconds(), Value(samples, "driftjobs_performance_window_end_timestamp_seconds"));
    }

    private static double Metric(List<Sample> samples, string name, string metric) =>
        Assert.Single(samples, s => s.Name == name && s.Labels.GetValueOrDefault("metric") == metric).Value;

    [Fact]
    public async Task An_unreachable_pushgateway_is_retried_logged_and_does_not_fail_the_run()
    {
        var scenario = await DeliveryScenario.CreateAsync(services.Azurite, "no-gateway");
        await scenario.LogHourAsync(End.AddHours(-1), shift: 0);
        var unused = LoopbackReceiver.FreePort();

        var run = await scenario.DetectAsync(End, "--drift-pushgateway-url", $"http://127.0.0.1:{unused}/",
            "--drift-sink-retries", "1", "--drift-sink-retry-backoff-seconds", "0.01");

        Assert.True(run.ExitCode == 0, run.Output);
        var events = DeliveryScenario.Events(run.Output, "Sink", "pushgateway");
        Assert.Equal(["Warning", "Error"], events.Select(e => (string?)e["@l"]));
        Assert.Equal(2, (int?)events[1]["Attempts"]);
        Assert.Contains("DRIFT DETECTION SUMMARY", run.Output, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)\{(?<labels>.*)\} (?<value>\S+)$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
