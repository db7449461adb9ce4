using System.Text.Json.Nodes;
using DriftJobs.Cli.Commands;
using DriftJobs.Cli.Tests.Fakes;
using k8s;
using Microsoft.AspNetCore.Http;

namespace DriftJobs.Cli.Tests.Commands;

public sealed class TriggerJobTests : ClusterCommandTest
{
    private const string JobsPath = "/apis/batch/v1/namespaces/drift/jobs";
    private const string CronJobPath = "/apis/batch/v1/namespaces/drift/cronjobs/drift-jobs-detector";

    [Fact]
    public async Task Creates_a_job_from_the_cronjob_template_as_kubectl_create_job_from_does()
    {
        cronJob.Spec.JobTemplate.Metadata.Annotations = new Dictionary<string, string> { ["example.com/note"] = "from-template" };
        cli.Api.AddCronJob(cronJob);

        var exit = await cli.RunAsync("trigger-job");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Equal(
            [("GET", CronJobPath), ("POST", JobsPath + "?fieldManager=driftctl")],
            cli.Api.Requests.Select(r => (r.Method, r.PathAndQuery)).ToArray());
        Assert.All(cli.Api.Requests, r => Assert.Equal("Bearer " + FakeKubernetesApi.Token, r.Authorization));

        var body = JsonNode.Parse(cli.Api.Requests[1].Body)!;
        Assert.Equal("batch/v1", (string?)body["apiVersion"]);
        Assert.Equal("Job", (string?)body["kind"]);
        var metadata = body["metadata"]!;
        Assert.Equal("drift-jobs-detector-manual-20260314092653", (string?)metadata["name"]);
        Assert.Equal(Ns, (string?)metadata["namespace"]);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"cronjob.kubernetes.io/instantiate":"manual","example.com/note":"from-template"}"""),
            metadata["annotations"]));
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse(KubernetesJson.Serialize(cronJob.Spec.JobTemplate.Metadata.Labels)), metadata["labels"]));
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse($$"""[{"apiVersion":"batch/v1","kind":"CronJob","name":"drift-jobs-detector","uid":"{{cronJob.Metadata.Uid}}","controller":true}]"""),
            metadata["ownerReferences"]));

        // The spec is the jobTemplate's, field for field: podFailurePolicy, deadlines, the pod template.
        var templateSpec = JsonNode.Parse(KubernetesJson.Serialize(cronJob.Spec.JobTemplate.Spec))!;
        Assert.True(JsonNode.DeepEquals(templateSpec, body["spec"]), body["spec"]!.ToJsonString());
        Assert.Equal(2, (int?)body["spec"]!["podFailurePolicy"]!["rules"]![0]!["onExitCodes"]!["values"]![0]);

        Assert.Equal(
            "job.batch/drift-jobs-detector-manual-20260314092653 created from cronjob/drift-jobs-detector in namespace drift",
            cli.Output.Lines.Single());
        Assert.Empty(cli.Error.Text);
    }

    [Fact]
    public async Task Takes_the_namespace_and_job_name_given_on_the_command_line()
    {
        cronJob.Metadata.NamespaceProperty = "ml-prod";
        cli.Api.AddCronJob(cronJob);

        var exit = await cli.RunAsync("trigger-job", "-n", "ml-prod", "--name", "rerun-after-fix");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Equal(
            ["/apis/batch/v1/namespaces/ml-prod/cronjobs/drift-jobs-detector", "/apis/batch/v1/namespaces/ml-prod/jobs"],
            cli.Api.Requests.Select(r => r.Path).ToArray());
        Assert.NotNull(cli.Api.Job("ml-prod", "rerun-after-fix"));
    }

    [Fact]
    public async Task A_missing_cronjob_exits_5_naming_it_and_creates_nothing()
    {
        var exit = await cli.RunAsync("trigger-job");

        Assert.Equal(ExitCodes.NotFound, exit);
        Assert.Equal("error: CronJob drift-jobs-detector not found in namespace drift" + Environment.NewLine, cli.Error.Text);
        Assert.Equal([("GET", CronJobPath)], cli.Api.Requests.Select(r => (r.Method, r.Path)).ToArray());
        Assert.Empty(cli.Output.Text);
    }

    [Fact]
    public async Task Forbidden_job_creation_exits_6_naming_the_verb_and_resource()
    {
        cli.Api.AddCronJob(cronJob);
        cli.Api.Forbid("POST", JobsPath);

        var exit = await cli.RunAsync("trigger-job");

        Assert.Equal(ExitCodes.Forbidden, exit);
        var error = cli.Error.Text;
        Assert.StartsWith("error: forbidden: RBAC does not let your Kubernetes user create jobs.batch in namespace drift;", error);
        Assert.Contains("ask for a Role granting \"create\" on \"jobs\" in API group \"batch\"", error);
        Assert.Contains($"User \"{FakeKubernetesApi.ForbiddenUser}\" cannot create resource \"jobs\"", error);
        Assert.Empty(cli.Output.Text);
    }

    [Fact]
    public async Task Forbidden_cronjob_read_exits_6_naming_get_on_cronjobs()
    {
        cli.Api.AddCronJob(cronJob);
        cli.Api.Forbid("GET", CronJobPath);

        var exit = await cli.RunAsync("trigger-job");

        Assert.Equal(ExitCodes.Forbidden, exit);
        Assert.StartsWith("error: forbidden: RBAC does not let your Kubernetes user get cronjobs.batch in namespace drift;", cli.Error.Text);
        Assert.DoesNotContain(cli.Api.Requests, r => r.Method == "POST");
    }

    [Fact]
    public async Task An_existing_job_of_the_same_name_is_a_clear_failure()
    {
        cli.Api.AddCronJob(cronJob);
        cli.Api.AddJob(KubeObjects.OwnedJob(cronJob, "rerun", cli.Api.Now));

        var exit = await cli.RunAsync("trigger-job", "--name", "rerun");

        Assert.Equal(ExitCodes.Failure, exit);
        Assert.True(cli.Error.Text.StartsWith("error: Job rerun already exists in namespace drift", StringComparison.Ordinal), cli.Error.Text);
    }

    [Fact]
    public async Task Wait_streams_the_pod_log_while_it_runs_and_exits_0_when_the_job_succeeds()
    {
        cli.Api.AddCronJob(cronJob);
        cli.Api.OnJobCreated = job =>
        {
            var pod = KubeObjects.PodOf(job, job.Metadata.Name + "-x7k2p", "Running", cli.Api.Now);
            cli.Api.UpdateJob(Ns, job.Metadata.Name, j => KubeObjects.Run(j, cli.Api.Now));
            cli.Api.AddPod(pod);
            cli.Api.SetPodLog(Ns, pod.Metadata.Name, async (response, ct) =>
            {
                await response.WriteAsync("loading baseline churn/3\n", ct);
                await response.Body.FlushAsync(ct);

                // The rest of the log comes only once driftctl has printed the first line: a client that waited
                // for the whole response before printing would never get here.
                await cli.Output.WaitForAsync("loading baseline churn/3").WaitAsync(TimeSpan.FromSeconds(20), ct);
                await response.WriteAsync("drift score 0.12 (ok)\n", ct);
                cli.Api.UpdatePod(Ns, pod.Metadata.Name, p => p.Status.Phase = "Succeeded");
                cli.Api.UpdateJob(Ns, job.Metadata.Name, j => KubeObjects.Succeed(j, cli.Api.Now, cli.Api.Now.AddSeconds(95)));
            });
        };

        var exit = await cli.RunAsync(realTime: true, "trigger-job", "--wait", "--name", "manual-1");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Equal(
            [
                "job.batch/manual-1 created from cronjob/drift-jobs-detector in namespace drift",
                "==> pod/manual-1-x7k2p <==",
                "loading baseline churn/3",
                "drift score 0.12 (ok)",
                "job.batch/manual-1 succeeded in 1m35s",
            ],
            cli.Output.Lines);
        var job = cli.Api.Job(Ns, "manual-1")!;
        var podList = cli.Api.Requests.First(r => r.Path == "/api/v1/namespaces/drift/pods");
        Assert.Equal("batch.kubernetes.io/controller-uid=" + job.Metadata.Uid, podList.Parameter("labelSelector"));
        var log = cli.Api.Requests.Single(r => r.Path.EndsWith("/log", StringComparison.Ordinal));
        Assert.Equal("/api/v1/namespaces/drift/pods/manual-1-x7k2p/log", log.Path);
        Assert.Equal("detector", log.Parameter("container"));
        Assert.Equal("true", log.Parameter("follow"));
        Assert.Empty(cli.Error.Text);
    }

    [Fact]
    public async Task Wait_prints_every_attempt_and_exits_9_with_the_job_exit_code_meaning_when_it_fails()
    {
        cli.Api.AddCronJob(cronJob);
        cli.Api.OnJobCreated = job =>
        {
            // A retry after a transient failure (exit 1), then a configuration error (exit 2) that the
            // podFailurePolicy turns into an immediate Job failure.
            var first = KubeObjects.PodOf(job, "manual-2-aaaaa", "Failed", cli.Api.Now, exitCode: 1);
            var second = KubeObjects.PodOf(job, "manual-2-bbbbb", "Failed", cli.Api.Now.AddSeconds(10), exitCode: 2);
            cli.Api.AddPod(first);
            cli.Api.AddPod(second);
            cli.Api.SetPodLog(Ns, first.Metadata.Name, "storage timed out\n");
            cli.Api.SetPodLog(Ns, second.Metadata.Name, "MODEL_VERSION is not set\n");
            cli.Api.UpdateJob(Ns, job.Metadata.Name, j => KubeObjects.Fail(
                j, cli.Api.Now, cli.Api.Now.AddSeconds(12), "PodFailurePolicy",
                "Container detector for pod drift/manual-2-bbbbb failed with exit code 2 matching FailJob rule at index 0"));
        };

        var exit = await cli.RunAsync(realTime: true, "trigger-job", "--wait", "--name", "manual-2");

        Assert.Equal(ExitCodes.JobFailed, exit);
        Assert.Equal(
            [
                "job.batch/manual-2 created from cronjob/drift-jobs-detector in namespace drift",
                "==> pod/manual-2-aaaaa <==",
                "storage timed out",
                "==> pod/manual-2-bbbbb <==",
                "MODEL_VERSION is not set",
            ],
            cli.Output.Lines);
        Assert.Equal(
            "error: Job manual-2 failed after 12s: PodFailurePolicy: Container detector for pod drift/manual-2-bbbbb failed "
            + "with exit code 2 matching FailJob rule at index 0; the job exited with code 2 (a configuration or input error: "
            + "fix the settings; retrying will not help)" + Environment.NewLine,
            cli.Error.Text);
        Assert.All(
            cli.Api.Requests.Where(r => r.Path.EndsWith("/log", StringComparison.Ordinal)),
            r => Assert.Equal("false", r.Parameter("follow")));
    }

    [Fact]
    public async Task Wait_gives_up_after_the_timeout_with_exit_10_and_says_what_the_pod_waits_for()
    {
        cli.Api.AddCronJob(cronJob);
        cli.Api.OnJobCreated = job => cli.Api.AddPod(
            KubeObjects.PodOf(job, "manual-3-ccccc", "Pending", cli.Api.Now, waiting: "ImagePullBackOff"));

        var exit = await cli.RunAsync(realTime: true, "trigger-job", "--wait", "--name", "manual-3", "--timeout", "1s");

        Assert.Equal(ExitCodes.Timeout, exit);
        Assert.Equal("pod/manual-3-ccccc: Pending (ImagePullBackOff)", cli.Output.Lines[1]);
        Assert.Single(cli.Output.Lines, l => l.StartsWith("pod/", StringComparison.Ordinal));
        Assert.Equal(
            "error: Job manual-3 has not finished after 1s; it goes on in the cluster (driftctl logs --job manual-3 --follow)"
            + Environment.NewLine,
            cli.Error.Text);
    }

    [Theory]
    [InlineData("drift-jobs-detector", "drift-jobs-detector-manual-20260314092653")]
    [InlineData("a-cronjob-name-of-exactly-fifty-two-characters-abcde", "a-cronjob-name-of-exactly-fifty-two-chara-manual-20260314092653")]
    [InlineData("a-cronjob-name-whose-cut-falls-just-after-a--hyphen-x", "a-cronjob-name-whose-cut-falls-just-after-manual-20260314092653")]
    public void Manual_job_names_stay_valid_label_values(string cronJobName, string expected)
    {
        var name = TriggerJobCommand.ManualJobName(cronJobName, new DateTimeOffset(2026, 3, 14, 9, 26, 53, TimeSpan.Zero));

        Assert.Equal(expected, name);
        Assert.True(name.Length <= 63);
        Assert.Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", name);
    }
}
