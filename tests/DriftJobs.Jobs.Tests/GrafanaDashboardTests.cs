using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DriftJobs.Core.Profiles;
using DriftJobs.Core.Reports;
using DriftJobs.Detector.Metrics;
using DriftJobs.Testing;

namespace DriftJobs.Jobs.Tests;

/// <summary>
/// The chart's Grafana dashboard (helm/drift-jobs/dashboards/drift-jobs.json) queries only what the detector pushes:
/// the metric names and labels of <see cref="RunMetrics"/>'s output for real reports, the Pushgateway grouping key's
/// labels, and Prometheus' own <c>instance</c>. The chart's tests check the ConfigMap that carries it.
/// </summary>
public sealed partial class GrafanaDashboardTests
{
    private static readonly DateTimeOffset End = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private static string DashboardPath => Path.Combine(RepositoryRoot.Find(), "helm", "drift-jobs", "dashboards", "drift-jobs.json");

    [Fact]
    public void Every_metric_and_label_the_dashboard_queries_is_one_the_detector_pushes()
    {
        var (metrics, labels) = Pushed();
        var dashboard = JsonNode.Parse(File.ReadAllText(DashboardPath))!;

        var queried = Queries(dashboard);

        Assert.Empty(queried.Outside(metrics, labels));
        // What the issue asks the dashboard to show, so that an empty dashboard does not pass.
        Assert.Subset(queried.Metrics.ToHashSet(), new HashSet<string>
        {
            "driftjobs_drift_score", "driftjobs_features_drifted", "driftjobs_features_monitored", "driftjobs_feature_psi",
            "driftjobs_feature_ks_statistic", "driftjobs_feature_p_value_adjusted", "driftjobs_run_duration_seconds",
            "driftjobs_last_success_timestamp_seconds", "driftjobs_insufficient_data", "driftjobs_alerts",
        });
        Assert.Subset(queried.Labels.ToHashSet(), new HashSet<string> { "model", "version", "feature" });
    }

    [Theory]
    [InlineData("sum by (model) (driftjobs_drift_scores{model=~\"$model\"})", "metric driftjobs_drift_scores")]
    [InlineData("time() - driftjobs_last_succes_timestamp_seconds", "metric driftjobs_last_succes_timestamp_seconds")]
    [InlineData("driftjobs_alerts + on (model) group_left driftjobs_alert_count", "metric driftjobs_alert_count")]
    [InlineData("driftjobs_feature_psi{features=~\"$feature\"}", "label features")]
    [InlineData("max by (modle, version) (driftjobs_alerts)", "label modle")]
    [InlineData("max(driftjobs_alerts) without (versions)", "label versions")]
    [InlineData("label_values(driftjobs_samples{model=~\"$model\"}, versions)", "label versions")]
    [InlineData("label_values(driftjobs_sample, version)", "metric driftjobs_sample")]
    [InlineData("label_values(exported_job)", "label exported_job")]
    [InlineData("rates(driftjobs_alerts[5m])", "function rates")]
    [InlineData("LEGEND {{feature}} {{feture}}", "label feture")]
    public void The_check_finds_a_metric_label_or_function_the_detector_does_not_push(string query, string problem)
    {
        var (metrics, labels) = Pushed();

        var found = query.StartsWith("LEGEND ", StringComparison.Ordinal) ? PromQlReferences.OfLegend(query) : PromQlReferences.OfQuery(query);

        Assert.Equal([problem], found.Outside(metrics, labels));
    }

    [Theory]
    [InlineData("max_over_time(driftjobs_alerts{model=~\"driftjobs_nothing\", job=\"x\"}[$__range]) * 1e3 offset 1h", "driftjobs_alerts")]
    [InlineData("time() - max by (model, version) (driftjobs_last_success_timestamp_seconds{version!~\"a{b}\"})", "driftjobs_last_success_timestamp_seconds")]
    [InlineData("label_values(driftjobs_feature_psi{model=~\"$model\", version=~\"${version:regex}\"}, feature)", "driftjobs_feature_psi")]
    public void Names_in_strings_numbers_durations_and_variables_are_not_taken_for_metrics(string query, string metric)
    {
        var (metrics, labels) = Pushed();

        var found = PromQlReferences.OfQuery(query);

        Assert.Equal([metric], found.Metrics);
        Assert.Empty(found.Outside(metrics, labels));
    }

    /// <summary>
    /// What the detector pushes for a report with numeric and categorical features and for one with a performance
    /// section, read back from the text exposition format; plus the grouping key's labels (job, model, version) the
    /// Pushgateway adds to every sample, and the instance label of every Prometheus series.
    /// </summary>
    private static (IReadOnlySet<string> Metrics, IReadOnlySet<string> Labels) Pushed()
    {
        var metrics = new HashSet<string>(StringComparer.Ordinal);
        var labels = new HashSet<string>(StringComparer.Ordinal) { "instance" };
        foreach (var report in new[] { DriftReport(), PerformanceReport.Create("performing", End) })
        {
            foreach (var line in RunMetrics.Format(report, TimeSpan.FromSeconds(3), End).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                if (line.StartsWith('#'))
                {
                    continue;
                }

                var sample = SampleLine().Match(line);
                Assert.True(sample.Success, line);
                metrics.Add(sample.Groups["name"].Value);
                labels.UnionWith(LabelName().Matches(sample.Groups["labels"].Value).Select(m => m.Groups[1].Value));
            }
        }

        // /metrics/job/drift-detector/model/m/version/v: name, value, name, value.
        var key = PushgatewayPusher.GroupUrl(new Uri("http://pushgateway:9091/"), "m", "v").AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries)[1..];
        labels.UnionWith(key.Where((_, i) => i % 2 == 0));
        Assert.Subset(labels, new HashSet<string> { "feature", "metric", "job", "model", "version" });
        return (metrics, labels);
    }

    private static DriftReport DriftReport()
    {
        var random = new Random(3);
        var builder = new BaselineBuilder(new BaselineBuildOptions());
        builder.AddNumeric("x", LogFiles.Normal(random, 500).Select(v => v!.Value).ToArray());
        builder.AddCategorical("c", Enumerable.Range(0, 500).Select(i => "k" + (i % 3)).ToArray());
        builder.AddRows(500);
        var window = new WindowProfile(builder.Build("m", "v", "test", End));
        window.AddNumeric("x", LogFiles.Normal(random, 300).Select(v => v!.Value + 1).ToArray());
        window.AddCategorical("c", Enumerable.Range(0, 300).Select(i => "k" + (i % 2)).ToArray());
        window.AddRows(300);
        return DriftAnalyzer.Analyze(window, new ReportWindow { Start = End.AddHours(-1), End = End, Hours = 1 }, new DriftThresholds());
    }

    /// <summary>Every PromQL expression, legend and query variable of the dashboard, rows' nested panels included.</summary>
    private static PromQlReferences Queries(JsonNode dashboard)
    {
        var found = PromQlReferences.Empty;
        var expressions = 0;
        foreach (var (name, value) in Strings(dashboard))
        {
            if (name == "expr")
            {
                found = found.Union(PromQlReferences.OfQuery(value));
                expressions++;
            }
            else if (name == "legendFormat")
            {
                found = found.Union(PromQlReferences.OfLegend(value));
            }
        }

        var variables = dashboard["templating"]!["list"]!.AsArray().Where(v => (string?)v!["type"] == "query").ToList();
        foreach (var variable in variables)
        {
            var query = variable!["query"] is JsonObject q ? (string)q["query"]! : (string)variable["query"]!;
            found = found.Union(PromQlReferences.OfQuery(query)).Union(PromQlReferences.OfQuery((string)variable["definition"]!));
        }

        Assert.True(expressions >= 10, $"{expressions} expressions");
        Assert.Equal(["model", "version", "feature"], variables.Select(v => (string?)v!["name"]));
        return found;
    }

    private static IEnumerable<(string Name, string Value)> Strings(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => p.Value is JsonValue v && v.TryGetValue<string>(out var s) ? [(p.Key, s)] : Strings(p.Value)),
        JsonArray a => a.SelectMany(Strings),
        _ => [],
    };

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>.*)\})? (?<value>\S+)$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""(?:[^""\\]|\\.)*""")]
    private static partial Regex LabelName();
}
