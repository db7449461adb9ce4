using System.Text.Json.Nodes;
using DriftJobs.Testing;
using k8s.Models;

namespace DriftJobs.Deployment.Tests.Chart;

/// <summary>
/// The Grafana dashboard's ConfigMap (grafana.dashboard.*). That the dashboard queries only what the detector pushes is
/// DriftJobs.Jobs.Tests' GrafanaDashboardTests, which can run the detector's metrics formatter.
/// </summary>
public sealed class GrafanaDashboardChartTests
{
    private static string DashboardFile => Path.Combine(HelmChart.Directory, "dashboards", "drift-jobs.json");

    private static V1ConfigMap Dashboard(IReadOnlyList<k8s.IKubernetesObject> objects) =>
        objects.OfType<V1ConfigMap>().Single(c => c.Metadata.Name.EndsWith("-dashboard", StringComparison.Ordinal));

    [Fact]
    public async Task The_dashboard_is_off_by_default_and_on_is_a_config_map_for_the_grafana_sidecar_holding_the_charts_file()
    {
        Assert.DoesNotContain((await HelmChart.RenderDefaultsAsync()).OfType<V1ConfigMap>(), c => c.Metadata.Name.EndsWith("-dashboard", StringComparison.Ordinal));

        var objects = await HelmChart.RenderDefaultsAsync("--set", "grafana.dashboard.enabled=true");

        var configMap = Dashboard(objects);
        Assert.Equal(("drift-jobs-dashboard", HelmChart.Namespace), (configMap.Metadata.Name, configMap.Metadata.NamespaceProperty));
        // kube-prometheus-stack's sidecar defaults: label grafana_dashboard, value "1".
        Assert.Equal("1", configMap.Metadata.Labels["grafana_dashboard"]);
        Assert.Equal(("drift-jobs", "dashboard"), (configMap.Metadata.Labels["app.kubernetes.io/instance"], configMap.Metadata.Labels["app.kubernetes.io/component"]));
        Assert.Null(configMap.Metadata.Annotations);
        var json = Assert.Single(configMap.Data);
        Assert.Equal("drift-jobs.json", json.Key);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(await File.ReadAllTextAsync(DashboardFile)), JsonNode.Parse(json.Value)));
        // The jobs still read their settings from the other ConfigMap.
        Assert.Equal(objects.SettingsConfigMap().Metadata.Name, HelmChart.PodTemplates(objects).Single().Template.Spec.Containers.Single().EnvFrom.Single().ConfigMapRef.Name);
    }

    [Fact]
    public async Task Sidecar_label_folder_and_namespace_follow_the_values()
    {
        var configMap = Dashboard(await HelmChart.RenderFullAsync());

        Assert.Equal(("churn-drift-dashboard", "monitoring"), (configMap.Metadata.Name, configMap.Metadata.NamespaceProperty));
        Assert.Equal("yes", configMap.Metadata.Labels["grafana.example/dashboard"]);
        Assert.DoesNotContain("grafana_dashboard", configMap.Metadata.Labels.Keys);
        Assert.Equal("ML monitoring", Assert.Single(configMap.Metadata.Annotations, a => a.Key == "k8s-sidecar-target-directory").Value);

        // The folder annotation's default name is the one the sidecars are commonly told to read (folderAnnotation).
        var defaults = Dashboard(await HelmChart.RenderDefaultsAsync("--set", "grafana.dashboard.enabled=true", "--set", "grafana.dashboard.folder=ML"));
        Assert.Equal("ML", defaults.Metadata.Annotations["grafana_folder"]);
    }

    [Fact]
    public void The_dashboard_picks_its_prometheus_data_source_and_model_from_variables()
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(DashboardFile))!;

        Assert.Equal(("driftjobs-drift", 39), ((string?)dashboard["uid"], (int?)dashboard["schemaVersion"]));
        var variables = dashboard["templating"]!["list"]!.AsArray();
        var datasource = variables.Single(v => (string?)v!["name"] == "datasource")!;
        Assert.Equal(("datasource", "prometheus"), ((string?)datasource["type"], (string?)datasource["query"]));
        Assert.Equal(
            ["model", "version", "feature"],
            variables.Where(v => (string?)v!["type"] == "query").Select(v => (string?)v!["name"]));

        // No data source uid is hard-coded: every reference is the variable, so the dashboard works in any Grafana.
        var references = Objects(dashboard).Where(o => o["datasource"] is JsonObject).Select(o => o["datasource"]!).ToList();
        Assert.True(references.Count > 20, $"{references.Count} data source references");
        Assert.All(references, r => Assert.Equal(("prometheus", "${datasource}"), ((string?)r["type"], (string?)r["uid"])));
        var panels = Objects(dashboard).Where(o => o["targets"] is JsonArray).ToList();
        Assert.All(panels, p => Assert.NotNull(p["datasource"]));
        Assert.Contains(panels, p => (string?)p["title"] == "Since last success"
            && p["fieldConfig"]!["defaults"]!["thresholds"]!["steps"]!.AsArray().Any(s => (string?)s!["color"] == "red" && (double?)s["value"] == 7200));
    }

    private static IEnumerable<JsonObject> Objects(JsonNode? node) => node switch
    {
        JsonObject o => o.Select(p => p.Value).SelectMany(Objects).Prepend(o),
        JsonArray a => a.SelectMany(Objects),
        _ => [],
    };

    [Theory]
    [InlineData("grafana/dashboard/label", "--set", "grafana.dashboard.label=not a label")]
    [InlineData("grafana/dashboard/labelValue", "--set", "grafana.dashboard.labelValue=1")]
    [InlineData("grafana/dashboard/namespace", "--set", "grafana.dashboard.namespace=Monitoring")]
    public async Task Bad_dashboard_values_fail_with_a_message_naming_the_value(string message, params string[] args)
    {
        var result = await HelmChart.TemplateAsync([.. HelmChart.Required, .. args]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
    }
}
