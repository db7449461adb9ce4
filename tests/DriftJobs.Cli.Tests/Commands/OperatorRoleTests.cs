using DriftJobs.Cli.Tests.Fakes;
using DriftJobs.Testing;
using k8s;
using k8s.Models;

namespace DriftJobs.Cli.Tests.Commands;

/// <summary>
/// The chart's operator Role grants exactly what driftctl's cluster commands ask of the API server. It sits with
/// driftctl's tests, not the chart's (DriftJobs.Deployment.Tests): what driftctl asks is found by running it against
/// the fake API server.
/// </summary>
public sealed class OperatorRoleTests
{
    [Fact]
    public async Task The_operator_role_allows_exactly_what_driftctl_asks_of_the_api()
    {
        var role = await RenderedRoleAsync();
        var granted = role.Rules
            .SelectMany(r => r.ApiGroups.SelectMany(g => r.Resources.SelectMany(res => r.Verbs.Select(v => (g, res, v)))))
            .ToHashSet();

        var used = await DriftctlApiUse.AllRequestsAsync();

        Assert.Equal(granted.OrderBy(x => x.ToString()), used.OrderBy(x => x.ToString()));
    }

    /// <summary>The Role as the real helm renders helm/drift-jobs with its full test values (which enable it).</summary>
    private static async Task<V1Role> RenderedRoleAsync()
    {
        var chart = Path.Combine(K8sTools.Root, "helm", "drift-jobs");
        var result = await ProcessRunner.RunAsync(
            K8sTools.Helm, ["template", "drift-jobs", chart, "--namespace", "drift-jobs", "-f", Path.Combine(chart, "ci", "full-values.yaml")]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return KubernetesYaml.LoadAllFromString(result.Output, null, strict: true).OfType<V1Role>().Single();
    }
}
