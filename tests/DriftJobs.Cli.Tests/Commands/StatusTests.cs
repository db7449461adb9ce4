using DriftJobs.Cli.Tests.Fakes;
using k8s.Models;

namespace DriftJobs.Cli.Tests.Commands;

public sealed class StatusTests : ClusterCommandTest
{
    [Fact]
    public async Task Shows_the_cronjob_and_its_own_recent_jobs_newest_first()
    {
        // The clock reads 2026-03-14 09:26:53Z.
        var at = (int hour, int minute, int second) => new DateTime(2026, 3, 14, hour, minute, second, DateTimeKind.Utc);
        cronJob.Status.LastScheduleTime = at(9, 0, 0);
        cronJob.Status.LastSuccessfulTime = at(8, 3, 10);
        cronJob.Status.Active = [new V1ObjectReference { Name = "drift-jobs-detector-29557980" }];
        cli.Api.AddCronJob(cronJob);

        var succeeded = KubeObjects.OwnedJob(cronJob, "drift-jobs-detector-29557920", at(8, 0, 0));
        KubeObjects.Succeed(succeeded, at(8, 0, 5), at(8, 3, 10));
        var failed = KubeObjects.OwnedJob(cronJob, "drift-jobs-detector-manual-20260314083000", at(8, 30, 0), manual: true);
        KubeObjects.Fail(failed, at(8, 30, 2), at(8, 30, 14), "BackoffLimitExceeded", "Job has reached the specified backoff limit");
        var running = KubeObjects.OwnedJob(cronJob, "drift-jobs-detector-29557980", at(9, 0, 0));
        KubeObjects.Run(running, at(9, 0, 3));
        var someoneElses = KubeObjects.OwnedJob(cronJob, "other-cronjob-29557980", at(9, 1, 0), ownerUid: "another-uid");
        foreach (var job in new[] { succeeded, failed, running, someoneElses })
        {
            cli.Api.AddJob(job);
        }

        var exit = await cli.RunAsync("status");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Equal(
            [
                "CronJob:        drift-jobs-detector (namespace drift)",
                "Schedule:       0 * * * * (Etc/UTC)",
                "Suspended:      no",
                "Active Jobs:    1",
                "Last schedule:  2026-03-14 09:00:00Z (26m53s ago)",
                "Last success:   2026-03-14 08:03:10Z (1h23m ago)",
                "Recent Jobs (3 of 3, newest first):",
                "NAME                                       TRIGGER    STATE                          STARTED               DURATION",
                "drift-jobs-detector-29557980               scheduled  Running                        2026-03-14 09:00:03Z  26m50s",
                "drift-jobs-detector-manual-20260314083000  manual     Failed (BackoffLimitExceeded)  2026-03-14 08:30:02Z  12s",
                "drift-jobs-detector-29557920               scheduled  Succeeded                      2026-03-14 08:00:05Z  3m5s",
            ],
            cli.Output.Lines);
        Assert.Equal(
            ["/apis/batch/v1/namespaces/drift/cronjobs/drift-jobs-detector", "/apis/batch/v1/namespaces/drift/jobs"],
            cli.Api.Requests.Select(r => r.Path).ToArray());
        Assert.Empty(cli.Error.Text);
    }

    [Fact]
    public async Task A_suspended_cronjob_that_never_ran_says_so()
    {
        cronJob.Spec.Suspend = true;
        cli.Api.AddCronJob(cronJob);

        var exit = await cli.RunAsync("status", "--limit", "2");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("Suspended:      yes", cli.Output.Lines);
        Assert.Contains("Last schedule:  never", cli.Output.Lines);
        Assert.Contains("Last success:   never", cli.Output.Lines);
        Assert.Equal("No Jobs yet (driftctl trigger-job runs one now).", cli.Output.Lines[^1]);
    }

    [Fact]
    public async Task Limit_keeps_the_newest_jobs()
    {
        cli.Api.AddCronJob(cronJob);
        for (var i = 0; i < 4; i++)
        {
            cli.Api.AddJob(KubeObjects.OwnedJob(cronJob, $"drift-jobs-detector-{i}", cli.Api.Now.AddHours(i)));
        }

        await cli.RunAsync("status", "--limit", "2");

        Assert.Equal("Recent Jobs (2 of 4, newest first):", cli.Output.Lines[6]);
        Assert.StartsWith("drift-jobs-detector-3 ", cli.Output.Lines[8], StringComparison.Ordinal);
        Assert.StartsWith("drift-jobs-detector-2 ", cli.Output.Lines[9], StringComparison.Ordinal);
        Assert.Equal(10, cli.Output.Lines.Length);
    }

    [Fact]
    public async Task A_missing_cronjob_exits_5()
    {
        var exit = await cli.RunAsync("status", "--cronjob", "churn-detector", "-n", "ml");

        Assert.Equal(ExitCodes.NotFound, exit);
        Assert.Equal("error: CronJob churn-detector not found in namespace ml" + Environment.NewLine, cli.Error.Text);
        Assert.Equal(["/apis/batch/v1/namespaces/ml/cronjobs/churn-detector"], cli.Api.Requests.Select(r => r.Path).ToArray());
    }

    [Fact]
    public async Task Forbidden_job_listing_exits_6_naming_list_on_jobs()
    {
        cli.Api.AddCronJob(cronJob);
        cli.Api.Forbid("GET", "/apis/batch/v1/namespaces/drift/jobs");

        var exit = await cli.RunAsync("status");

        Assert.Equal(ExitCodes.Forbidden, exit);
        Assert.StartsWith(
            "error: forbidden: RBAC does not let your Kubernetes user list jobs.batch in namespace drift; "
            + "ask for a Role granting \"list\" on \"jobs\" in API group \"batch\"",
            cli.Error.Text,
            StringComparison.Ordinal);
        Assert.Empty(cli.Output.Text);
    }

    [Fact]
    public async Task Bad_limit_is_a_usage_error()
    {
        var exit = await cli.RunAsync("status", "--limit", "0");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--limit must be at least 1", cli.Error.Text, StringComparison.Ordinal);
        Assert.Empty(cli.Api.Requests);
    }
}
