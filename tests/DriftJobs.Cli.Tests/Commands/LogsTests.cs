using DriftJobs.Cli.Tests.Fakes;

namespace DriftJobs.Cli.Tests.Commands;

public sealed class LogsTests : ClusterCommandTest
{
    [Fact]
    public async Task Prints_the_latest_jobs_pod_log()
    {
        cli.Api.AddCronJob(cronJob);
        var older = KubeObjects.OwnedJob(cronJob, "drift-jobs-detector-1", cli.Api.Now.AddHours(-2));
        var latest = KubeObjects.OwnedJob(cronJob, "drift-jobs-detector-2", cli.Api.Now.AddHours(-1));
        cli.Api.AddJob(older);
        cli.Api.AddJob(latest);
        cli.Api.AddPod(KubeObjects.PodOf(older, "drift-jobs-detector-1-aaaaa", "Succeeded", cli.Api.Now.AddHours(-2), exitCode: 0));
        cli.Api.AddPod(KubeObjects.PodOf(latest, "drift-jobs-detector-2-bbbbb", "Succeeded", cli.Api.Now.AddHours(-1), exitCode: 0));
        cli.Api.SetPodLog(Ns, "drift-jobs-detector-1-aaaaa", "old run\n");
        cli.Api.SetPodLog(Ns, "drift-jobs-detector-2-bbbbb", "window 2026-03-13T08:00Z..2026-03-14T08:00Z\nreport written\n");

        var exit = await cli.RunAsync("logs");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Equal(["window 2026-03-13T08:00Z..2026-03-14T08:00Z", "report written"], cli.Output.Lines);
        var requests = cli.Api.Requests;
        Assert.Equal(
            [
                "/apis/batch/v1/namespaces/drift/cronjobs/drift-jobs-detector",
                "/apis/batch/v1/namespaces/drift/jobs",
                "/apis/batch/v1/namespaces/drift/jobs/drift-jobs-detector-2",
                "/api/v1/namespaces/drift/pods",
                "/api/v1/namespaces/drift/pods/drift-jobs-detector-2-bbbbb/log",
            ],
            requests.Select(r => r.Path).ToArray());
        Assert.Equal("batch.kubernetes.io/controller-uid=" + latest.Metadata.Uid, requests[3].Parameter("labelSelector"));
        Assert.Equal("detector", requests[4].Parameter("container"));
        Assert.Equal("false", requests[4].Parameter("follow"));
        Assert.Null(requests[4].Parameter("tailLines"));
    }

    [Fact]
    public async Task A_named_job_with_retries_prints_each_pod_under_a_header_oldest_first()
    {
        var job = KubeObjects.OwnedJob(cronJob, "drift-jobs-baseline", cli.Api.Now);
        cli.Api.AddJob(job);
        cli.Api.AddPod(KubeObjects.PodOf(job, "drift-jobs-baseline-zzzzz", "Failed", cli.Api.Now.AddSeconds(30), exitCode: 1));
        cli.Api.AddPod(KubeObjects.PodOf(job, "drift-jobs-baseline-yyyyy", "Running", cli.Api.Now.AddSeconds(90)));
        cli.Api.AddPod(KubeObjects.PodOf(job, "drift-jobs-baseline-xxxxx", "Pending", cli.Api.Now.AddSeconds(95), waiting: "ContainerCreating"));
        cli.Api.SetPodLog(Ns, "drift-jobs-baseline-zzzzz", "blob read timed out\n");
        cli.Api.SetPodLog(Ns, "drift-jobs-baseline-yyyyy", "profiling 12 columns\n");

        var exit = await cli.RunAsync("logs", "--job", "drift-jobs-baseline", "--tail", "20");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Equal(
            [
                "==> pod/drift-jobs-baseline-zzzzz <==",
                "blob read timed out",
                "==> pod/drift-jobs-baseline-yyyyy <==",
                "profiling 12 columns",
                "pod/drift-jobs-baseline-xxxxx: no log yet, Pending (ContainerCreating)",
            ],
            cli.Output.Lines);
        Assert.DoesNotContain(cli.Api.Requests, r => r.Path.Contains("cronjobs", StringComparison.Ordinal));
        Assert.All(
            cli.Api.Requests.Where(r => r.Path.EndsWith("/log", StringComparison.Ordinal)),
            r => Assert.Equal("20", r.Parameter("tailLines")));
    }

    [Fact]
    public async Task Follow_streams_until_the_job_ends_and_exits_with_its_outcome()
    {
        var job = KubeObjects.OwnedJob(cronJob, "drift-jobs-detector-7", cli.Api.Now);
        KubeObjects.Run(job, cli.Api.Now);
        cli.Api.AddJob(job);
        cli.Api.AddPod(KubeObjects.PodOf(job, "drift-jobs-detector-7-ppppp", "Running", cli.Api.Now));
        cli.Api.SetPodLog(Ns, "drift-jobs-detector-7-ppppp", async (response, ct) =>
        {
            await Microsoft.AspNetCore.Http.HttpResponseWritingExtensions.WriteAsync(response, "comparing 24 hours\n", ct);
            cli.Api.UpdatePod(Ns, "drift-jobs-detector-7-ppppp", p => p.Status.Phase = "Succeeded");
            cli.Api.UpdateJob(Ns, "drift-jobs-detector-7", j => KubeObjects.Succeed(j, cli.Api.Now, cli.Api.Now.AddSeconds(40)));
        });

        var exit = await cli.RunAsync(realTime: true, "logs", "--job", "drift-jobs-detector-7", "--follow");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Equal(
            ["==> pod/drift-jobs-detector-7-ppppp <==", "comparing 24 hours", "job.batch/drift-jobs-detector-7 succeeded in 40s"],
            cli.Output.Lines);
    }

    [Fact]
    public async Task A_cronjob_that_has_run_no_job_exits_5()
    {
        cli.Api.AddCronJob(cronJob);

        var exit = await cli.RunAsync("logs");

        Assert.Equal(ExitCodes.NotFound, exit);
        Assert.Equal(
            "error: CronJob drift-jobs-detector has no Jobs in namespace drift yet (driftctl trigger-job runs one now)" + Environment.NewLine,
            cli.Error.Text);
    }

    [Fact]
    public async Task A_missing_named_job_exits_5()
    {
        var exit = await cli.RunAsync("logs", "--job", "drift-jobs-baseline");

        Assert.Equal(ExitCodes.NotFound, exit);
        Assert.Equal("error: Job drift-jobs-baseline not found in namespace drift" + Environment.NewLine, cli.Error.Text);
    }

    [Fact]
    public async Task A_job_whose_pods_are_gone_exits_5()
    {
        var job = KubeObjects.OwnedJob(cronJob, "drift-jobs-detector-3", cli.Api.Now);
        KubeObjects.Succeed(job, cli.Api.Now, cli.Api.Now.AddMinutes(2));
        cli.Api.AddJob(job);

        var exit = await cli.RunAsync("logs", "--job", "drift-jobs-detector-3");

        Assert.Equal(ExitCodes.NotFound, exit);
        Assert.Equal(
            "error: Job drift-jobs-detector-3 (Succeeded) has no pods: not started yet, or already removed with its logs" + Environment.NewLine,
            cli.Error.Text);
    }

    [Fact]
    public async Task Forbidden_pod_logs_exit_6_naming_get_on_pods_log()
    {
        var job = KubeObjects.OwnedJob(cronJob, "drift-jobs-detector-4", cli.Api.Now);
        cli.Api.AddJob(job);
        cli.Api.AddPod(KubeObjects.PodOf(job, "drift-jobs-detector-4-qqqqq", "Succeeded", cli.Api.Now, exitCode: 0));
        cli.Api.SetPodLog(Ns, "drift-jobs-detector-4-qqqqq", "hidden\n");
        cli.Api.Forbid("GET", "/api/v1/namespaces/drift/pods/drift-jobs-detector-4-qqqqq/log");

        var exit = await cli.RunAsync("logs", "--job", "drift-jobs-detector-4");

        Assert.Equal(ExitCodes.Forbidden, exit);
        Assert.StartsWith(
            "error: forbidden: RBAC does not let your Kubernetes user get pods/log in namespace drift; "
            + "ask for a Role granting \"get\" on \"pods/log\" (core API group)",
            cli.Error.Text,
            StringComparison.Ordinal);
        Assert.DoesNotContain("hidden", cli.Output.Text, StringComparison.Ordinal);
    }
}
