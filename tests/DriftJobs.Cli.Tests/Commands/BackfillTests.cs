using System.Text.Json.Nodes;
using DriftJobs.Cli.Commands;
using DriftJobs.Cli.Tests.Fakes;
using k8s;
using k8s.Models;

namespace DriftJobs.Cli.Tests.Commands;

public sealed class BackfillTests : ClusterCommandTest
{
    private const string JobsPath = "/apis/batch/v1/namespaces/drift/jobs";
    private const string CronJobPath = "/apis/batch/v1/namespaces/drift/cronjobs/drift-jobs-detector";

    // The harness clock reads 2026-03-14 09:26:53Z: the latest window end a backfill may ask for is 09:00.
    private static readonly string[] Range = ["--model", "churn", "--version", "3", "--from", "2026-03-01T00:00:00Z", "--to", "2026-03-14T09:00:00Z"];

    [Fact]
    public async Task Creates_one_backfill_pod_from_the_cronjob_template_with_the_model_and_range_in_its_env()
    {
        cli.Api.AddCronJob(cronJob);

        var exit = await cli.RunAsync(["backfill", .. Range]);

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Equal(
            [("GET", CronJobPath), ("POST", JobsPath + "?fieldManager=driftctl")],
            cli.Api.Requests.Select(r => (r.Method, r.PathAndQuery)).ToArray());
        Assert.Equal(
            "job.batch/drift-jobs-detector-backfill-20260314092653 created from cronjob/drift-jobs-detector in namespace drift: "
            + "backfill of churn 3, 322 window ends from 2026-03-01T00:00:00Z to 2026-03-14T09:00:00Z",
            cli.Output.Lines.Single());
        Assert.Empty(cli.Error.Text);

        var body = JsonNode.Parse(cli.Api.Requests[1].Body)!;
        var metadata = body["metadata"]!;
        Assert.Equal("drift-jobs-detector-backfill-20260314092653", (string?)metadata["name"]);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"cronjob.kubernetes.io/instantiate":"manual","driftjobs.io/backfill":"2026-03-01T00:00:00Z/2026-03-14T09:00:00Z"}"""),
            metadata["annotations"]));
        Assert.Equal(cronJob.Metadata.Uid, (string?)metadata["ownerReferences"]![0]!["uid"]);

        // The template's spec, but one pod, and the backfill's env on the detector container (its envFrom kept).
        var expected = JsonNode.Parse(KubernetesJson.Serialize(cronJob.Spec.JobTemplate.Spec))!;
        expected["completions"] = 1;
        expected["parallelism"] = 1;
        expected["completionMode"] = "NonIndexed";
        expected["template"]!["spec"]!["containers"]![0]!["env"] = JsonNode.Parse("""
            [
              {"name":"MODEL_NAME","value":"churn"},
              {"name":"MODEL_VERSION","value":"3"},
              {"name":"DRIFT_BACKFILL_FROM","value":"2026-03-01T00:00:00Z"},
              {"name":"DRIFT_BACKFILL_TO","value":"2026-03-14T09:00:00Z"},
              {"name":"DRIFT_SHARDS","value":"1"}
            ]
            """);
        Assert.True(JsonNode.DeepEquals(expected, body["spec"]), body["spec"]!.ToJsonString());
        Assert.Equal("drift-jobs", (string?)body["spec"]!["template"]!["spec"]!["containers"]![0]!["envFrom"]![0]!["configMapRef"]!["name"]);
    }

    [Fact]
    public void An_indexed_template_becomes_a_single_non_indexed_pod_whose_env_overrides_the_template_s()
    {
        var sharded = KubeObjects.ShardedDetectorCronJob(4);
        var container = sharded.Spec.JobTemplate.Spec.Template.Spec.Containers[0];
        container.Env =
        [
            new V1EnvVar { Name = "DRIFT_LOG_LEVEL", Value = "debug" },
            new V1EnvVar { Name = "MODEL_NAME", Value = "fraud" },
            new V1EnvVar { Name = "DRIFT_SHARDS", Value = "4" },
            new V1EnvVar
            {
                Name = "JOB_COMPLETION_INDEX",
                ValueFrom = new V1EnvVarSource
                {
                    FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.annotations['batch.kubernetes.io/job-completion-index']" },
                },
            },
        ];
        var before = KubernetesJson.Serialize(sharded);
        var request = new BackfillRequest(
            "drift-jobs-detector", "churn", "3", new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero), null, Wait: false, TimeSpan.FromHours(1));

        var job = BackfillCommand.FromCronJob(sharded, request, "churn-backfill", Ns);

        var spec = job.Spec;
        Assert.Equal(1, spec.Completions);
        Assert.Equal(1, spec.Parallelism);
        Assert.Equal("NonIndexed", spec.CompletionMode);
        Assert.Null(spec.BackoffLimitPerIndex);
        Assert.Null(spec.MaxFailedIndexes);
        Assert.Equal(1, spec.BackoffLimit);

        // FailIndex is refused by the API server outside an Indexed Job with a per-index limit.
        Assert.Equal(["FailJob", "Ignore"], spec.PodFailurePolicy.Rules.Select(r => r.Action));
        Assert.Equal(
            [
                ("DRIFT_LOG_LEVEL", "debug"),
                ("MODEL_NAME", "churn"),
                ("MODEL_VERSION", "3"),
                ("DRIFT_BACKFILL_FROM", "2026-03-01T00:00:00Z"),
                ("DRIFT_BACKFILL_TO", "2026-03-02T00:00:00Z"),
                ("DRIFT_SHARDS", "1"),
            ],
            spec.Template.Spec.Containers[0].Env.Select(e => (e.Name, e.Value)));

        // The CronJob the caller holds is untouched.
        Assert.Equal(before, KubernetesJson.Serialize(sharded));
    }

    [Fact]
    public void The_env_goes_on_the_default_container_when_the_pod_has_several()
    {
        var template = cronJob.Spec.JobTemplate.Spec.Template;
        template.Spec.Containers.Insert(0, new V1Container { Name = "proxy", Image = "proxy:1" });
        var request = new BackfillRequest(
            "drift-jobs-detector", "churn", "3", new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), null, Wait: false, TimeSpan.FromHours(1), TimeSpan.FromHours(3));

        var job = BackfillCommand.FromCronJob(cronJob, request, "b", Ns);

        Assert.Null(job.Spec.Template.Spec.Containers[0].Env);
        Assert.Equal("detector", job.Spec.Template.Spec.Containers[1].Name);
        Assert.Contains(job.Spec.Template.Spec.Containers[1].Env, e => e.Name == "DRIFT_BACKFILL_TO");
        Assert.Equal(10_800, job.Spec.ActiveDeadlineSeconds);
    }

    [Fact]
    public async Task Wait_follows_the_backfill_job_and_status_lists_it_as_a_backfill()
    {
        cli.Api.AddCronJob(KubeObjects.ShardedDetectorCronJob(4));
        cli.Api.OnJobCreated = job =>
        {
            var pod = KubeObjects.PodOf(job, "bf-1-x7k2p", "Succeeded", cli.Api.Now, exitCode: 0);
            cli.Api.AddPod(pod);
            cli.Api.SetPodLog(Ns, pod.Metadata.Name, "backfill: 2 window ends written\n");
            cli.Api.UpdateJob(Ns, job.Metadata.Name, j => KubeObjects.Succeed(j, cli.Api.Now, cli.Api.Now.AddMinutes(7)));
        };

        var exit = await cli.RunAsync(
            realTime: true, "backfill", "--model", "churn", "--version", "3", "--from", "2026-03-14T07:00:00Z", "--to", "2026-03-14T08:00:00Z",
            "--name", "bf-1", "--wait");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Equal(
            [
                "job.batch/bf-1 created from cronjob/drift-jobs-detector in namespace drift: backfill of churn 3, 2 window ends from 2026-03-14T07:00:00Z to 2026-03-14T08:00:00Z",
                "==> pod/bf-1-x7k2p <==",
                "backfill: 2 window ends written",
                "job.batch/bf-1 succeeded in 7m",
            ],
            cli.Output.Lines);

        await cli.RunAsync("status");

        Assert.Matches(@"^bf-1\s+backfill\s+Succeeded\s", cli.Output.Lines[^1]);
    }

    [Fact]
    public async Task Times_with_an_offset_are_passed_on_in_utc()
    {
        cli.Api.AddCronJob(cronJob);

        var exit = await cli.RunAsync(
            "backfill", "--model", "churn", "--version", "3", "--from", "2026-03-01T05:30:00+05:30", "--to", "2026-03-01T01:00:00");

        Assert.Equal(ExitCodes.Success, exit);
        var env = JsonNode.Parse(cli.Api.Requests[1].Body)!["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray();
        Assert.Equal("2026-03-01T00:00:00Z", (string?)env.Single(e => (string?)e!["name"] == "DRIFT_BACKFILL_FROM")!["value"]);
        Assert.Equal("2026-03-01T01:00:00Z", (string?)env.Single(e => (string?)e!["name"] == "DRIFT_BACKFILL_TO")!["value"]);
    }

    [Theory]
    [InlineData("--from", "2026-03-01T00:30:00Z", "--from: '2026-03-01T00:30:00Z' is not on the hour")]
    [InlineData("--to", "2026-03-14T09:00:01Z", "--to: '2026-03-14T09:00:01Z' is not on the hour")]
    [InlineData("--to", "yesterday", "--to: 'yesterday' is not an ISO-8601 date and time")]
    [InlineData("--to", "2026-03-14T10:00:00Z", "--to 2026-03-14T10:00:00Z is in the future: the last window end can be at most the current hour, 2026-03-14T09:00:00Z")]
    [InlineData("--to", "2026-02-28T23:00:00Z", "--from 2026-03-01T00:00:00Z is after --to 2026-02-28T23:00:00Z")]
    [InlineData("--model", "churn/prod", "--model 'churn/prod' is not a valid name")]
    [InlineData("--version", "", "--version is required")]
    [InlineData("--active-deadline", "soon", "--active-deadline: 'soon' is not a duration")]
    public async Task A_wrong_argument_exits_2_naming_the_option_and_creates_nothing(string option, string value, string message)
    {
        cli.Api.AddCronJob(cronJob);
        var args = new List<string>(["backfill", .. Range]);
        var at = args.IndexOf(option);
        if (at >= 0)
        {
            args[at + 1] = value;
        }
        else
        {
            args.AddRange([option, value]);
        }

        var exit = await cli.RunAsync([.. args]);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains(message, cli.Error.Text, StringComparison.Ordinal);
        Assert.Empty(cli.Api.Requests);
    }

    [Theory]
    [InlineData("--model")]
    [InlineData("--version")]
    [InlineData("--from")]
    [InlineData("--to")]
    public async Task Each_required_option_is_named_when_missing(string option)
    {
        var args = new List<string>(["backfill", .. Range]);
        args.RemoveRange(args.IndexOf(option), 2);

        var exit = await cli.RunAsync([.. args]);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains($"'{option}'", cli.Error.Text, StringComparison.Ordinal);
        Assert.Empty(cli.Api.Requests);
    }

    [Fact]
    public async Task The_handler_checks_the_range_too()
    {
        var request = new BackfillRequest(
            "drift-jobs-detector", "churn", "3", new DateTimeOffset(2026, 3, 1, 0, 15, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero), null, Wait: false, TimeSpan.FromHours(1));
        var runtime = new CliRuntime(cli.Output, cli.Error, cli.Clock);

        var exit = await BackfillCommand.HandleAsync(new Cli.Cluster.ClusterTarget(cli.Kubeconfig, null, null), request, runtime);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal("error: --from 2026-03-01T00:15:00Z is not on the hour: a window ends on a whole hour" + Environment.NewLine, cli.Error.Text);
        Assert.Empty(cli.Api.Requests);
    }

    [Theory]
    [InlineData("drift-jobs-detector", "drift-jobs-detector-backfill-20260314092653")]
    [InlineData("a-cronjob-name-of-exactly-fifty-two-characters-abcde", "a-cronjob-name-of-exactly-fifty-two-cha-backfill-20260314092653")]
    public void Backfill_job_names_say_backfill_and_stay_valid_label_values(string cronJobName, string expected)
    {
        var name = BackfillCommand.JobName(cronJobName, new DateTimeOffset(2026, 3, 14, 9, 26, 53, TimeSpan.Zero));

        Assert.Equal(expected, name);
        Assert.True(name.Length <= 63);
        Assert.Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", name);
    }
}
