using System.Text.Json.Nodes;
using DriftJobs.Cli.Tests.Fakes;
using DriftJobs.Testing;

namespace DriftJobs.Cli.Tests.Commands;

/// <summary>
/// trigger-job promises the Job `kubectl create job --from=cronjob/...` would create. Both read the CronJob from the
/// same fake API server; kubectl prints its Job (--dry-run=client, since it sends protobuf, which the fake does not
/// read), driftctl sends its own, and the two must be the same.
/// </summary>
public sealed class KubectlParityTests : ClusterCommandTest
{
    [Fact]
    public async Task Trigger_job_sends_the_job_kubectl_create_job_from_cronjob_sends()
    {
        cronJob.Spec.JobTemplate.Metadata.Annotations = new Dictionary<string, string>
        {
            ["example.com/note"] = "from-template",
            ["cronjob.kubernetes.io/instantiate"] = "overridden-by-template",
        };
        cli.Api.AddCronJob(cronJob);

        var kubectl = await ProcessRunner.RunAsync(
            K8sTools.Kubectl,
            [
                "--kubeconfig", cli.Kubeconfig, "create", "job", "by-kubectl", "--from=cronjob/drift-jobs-detector",
                "-n", CliHarness.Namespace, "--dry-run=client", "-o", "json",
            ]);
        Assert.True(kubectl.ExitCode == 0, kubectl.ToString());
        Assert.Contains(cli.Api.Requests, r => r.Path == "/apis/batch/v1/namespaces/drift/cronjobs/drift-jobs-detector");
        var exit = await cli.RunAsync("trigger-job", "--name", "by-driftctl", "-n", CliHarness.Namespace);
        Assert.Equal(ExitCodes.Success, exit);

        var byKubectl = Normalize(JsonNode.Parse(kubectl.Output)!);
        var byDriftctl = Normalize(JsonNode.Parse(cli.Api.Requests.Single(r => r.Method == "POST").Body)!);
        byKubectl["metadata"]!["name"] = "by-driftctl";
        Assert.True(JsonNode.DeepEquals(byKubectl, byDriftctl), $"kubectl:\n{byKubectl}\ndriftctl:\n{byDriftctl}");
    }

    /// <summary>
    /// Drops what Go's encoder writes for unset fields (nulls, empty objects, "" for a string without omitempty such
    /// as onPodConditions' status): they mean the same as absent.
    /// </summary>
    private static JsonNode Normalize(JsonNode node)
    {
        if (node is JsonObject obj)
        {
            foreach (var (key, value) in obj.ToList())
            {
                if (value is null || (value is JsonValue v && v.TryGetValue<string>(out var text) && text.Length == 0))
                {
                    obj.Remove(key);
                    continue;
                }

                Normalize(value);
                if (value is JsonObject { Count: 0 })
                {
                    obj.Remove(key);
                }
            }
        }
        else if (node is JsonArray array)
        {
            foreach (var item in array.Where(i => i is not null))
            {
                Normalize(item!);
            }
        }

        return node;
    }
}
