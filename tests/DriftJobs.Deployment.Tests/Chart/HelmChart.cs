using DriftJobs.Testing;
using k8s;
using k8s.Models;

namespace DriftJobs.Deployment.Tests.Chart;

/// <summary>helm/drift-jobs, rendered by the real helm and read strictly into KubernetesClient's models.</summary>
internal static class HelmChart
{
    public const string Release = "drift-jobs";
    public const string Namespace = "drift-jobs";

    /// <summary>The values without which the chart refuses to render; everything else stays at its default.</summary>
    public static readonly string[] Required =
    [
        "--set", "model.name=churn", "--set-string", "model.version=3",
        "--set", "storage.accountUrl=https://mystorageaccount.blob.core.windows.net",
    ];

    public static string Directory => Path.Combine(K8sTools.Root, "helm", "drift-jobs");

    public static string FullValues => Path.Combine(Directory, "ci", "full-values.yaml");

    public static Task<ProcessResult> TemplateAsync(params string[] args) =>
        ProcessRunner.RunAsync(K8sTools.Helm, ["template", Release, Directory, "--namespace", Namespace, .. args]);

    /// <summary>Renders and parses; every field of every object must be one the models know (strict).</summary>
    public static async Task<IReadOnlyList<IKubernetesObject>> RenderAsync(params string[] args)
    {
        var result = await TemplateAsync(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return Parse(result.Output);
    }

    public static IReadOnlyList<IKubernetesObject> Parse(string yaml) =>
        KubernetesYaml.LoadAllFromString(yaml, null, strict: true).Cast<IKubernetesObject>().ToList();

    public static Task<IReadOnlyList<IKubernetesObject>> RenderDefaultsAsync(params string[] args) => RenderAsync([.. Required, .. args]);

    public static Task<IReadOnlyList<IKubernetesObject>> RenderFullAsync(params string[] args) => RenderAsync(["-f", FullValues, .. args]);

    public static T Single<T>(this IReadOnlyList<IKubernetesObject> objects) => objects.OfType<T>().Single();

    /// <summary>The ConfigMap both jobs read their settings from, not the Grafana dashboard's (grafana.dashboard.enabled).</summary>
    public static V1ConfigMap SettingsConfigMap(this IReadOnlyList<IKubernetesObject> objects) =>
        objects.OfType<V1ConfigMap>().Single(c => c.Metadata.Labels?.Contains(new("app.kubernetes.io/component", "dashboard")) != true);

    /// <summary>The pod specs of both jobs (the CronJob's template and the baseline Job's), with their owners' names.</summary>
    public static IEnumerable<(string Owner, V1PodTemplateSpec Template, V1JobSpec Job)> PodTemplates(IReadOnlyList<IKubernetesObject> objects) =>
        objects.OfType<V1CronJob>().Select(c => (c.Metadata.Name, c.Spec.JobTemplate.Spec.Template, c.Spec.JobTemplate.Spec))
            .Concat(objects.OfType<V1Job>().Select(j => (j.Metadata.Name, j.Spec.Template, j.Spec)));
}
