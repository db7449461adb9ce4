using DriftJobs.Cli.Cluster;
using DriftJobs.Cli.Tests.Fakes;
using k8s.Models;

namespace DriftJobs.Cli.Tests.Commands;

/// <summary>trigger-job, status and logs on the sharded detector's Indexed Job (detector.shards > 1).</summary>
public sealed class IndexedJobTests : ClusterCommandTest
{
    [Fact]
    public async Task Wait_names_a_failed_index_as_soon_as_it_fails_and_exits_9_naming_it()
    {
        cronJob = KubeObjects.ShardedDetectorCronJob(4);
        cli.Api.AddCronJob(cronJob);
        Task? controller = null;
        cli.Api.OnJobCreated = job =>
        {
            var name = job.Metadata.Name;
            var start = cli.Api.Now;
            cli.Api.UpdateJob(Ns, name, j =>
            {
                j.Status.StartTime = start;
                KubeObjects.SetIndexes(j, completed: null, failed: null, active: 4);
            });
            for (var i = 0; i < 4; i++)
            {
                cli.Api.AddPod(KubeObjects.IndexedPodOf(job, i, "a", "Running", start));
            }

            controller = Task.Run(async () =>
            {
                // Index 2 fails, and so does its one retry (backoffLimitPerIndex 1), while the other indexes run on.
                await cli.Output.WaitForAsync("pod/sharded-1-3-a (index 3): Running").WaitAsync(TimeSpan.FromSeconds(20));
                // Each log is there before its pod ends, as a real pod's is.
                cli.Api.SetPodLog(Ns, "sharded-1-2-a", "reading hour 2026-03-14T05\nstorage timed out\n");
                cli.Api.SetPodLog(Ns, "sharded-1-2-b", "storage timed out again\n");
                cli.Api.AddPod(KubeObjects.IndexedPodOf(job, 2, "a", "Failed", start, exitCode: 1, message: "storage timed out"));
                cli.Api.AddPod(KubeObjects.IndexedPodOf(job, 2, "b", "Failed", start.AddSeconds(20), exitCode: 1, message: "storage timed out again"));
                cli.Api.UpdateJob(Ns, name, j => KubeObjects.SetIndexes(j, completed: null, failed: "2", active: 3));

                // The failed index is named before the Job ends.
                await cli.Output.WaitForAsync("index 2: failed").WaitAsync(TimeSpan.FromSeconds(20));
                foreach (var i in new[] { 0, 1, 3 })
                {
                    cli.Api.SetPodLog(Ns, $"sharded-1-{i}-a", $"shard {i}: 6 hours profiled\n");
                    cli.Api.AddPod(KubeObjects.IndexedPodOf(job, i, "a", "Succeeded", start, exitCode: 0));
                }

                cli.Api.UpdateJob(Ns, name, j =>
                {
                    KubeObjects.SetIndexes(j, completed: "0-1,3", failed: "2", active: 0);
                    KubeObjects.Fail(j, start, start.AddSeconds(95), "FailedIndexes", "Job has failed indexes");
                    j.Status.Succeeded = 3;
                });
            });
        };

        var exit = await cli.RunAsync(realTime: true, "trigger-job", "--wait", "--name", "sharded-1");
        await controller!;

        Assert.Equal(ExitCodes.JobFailed, exit);
        Assert.Equal(
            [
                "job.batch/sharded-1 created from cronjob/drift-jobs-detector in namespace drift",
                "pod/sharded-1-0-a (index 0): Running",
                "pod/sharded-1-1-a (index 1): Running",
                "pod/sharded-1-2-a (index 2): Running",
                "pod/sharded-1-3-a (index 3): Running",
                "==> pod/sharded-1-2-a (index 2) <==",
                "reading hour 2026-03-14T05",
                "storage timed out",
                "==> pod/sharded-1-2-b (index 2) <==",
                "storage timed out again",
                "index 2: failed, pod/sharded-1-2-b: exit code 1 (Error: storage timed out again) (a failure worth retrying)",
                "==> pod/sharded-1-0-a (index 0) <==",
                "shard 0: 6 hours profiled",
                "==> pod/sharded-1-1-a (index 1) <==",
                "shard 1: 6 hours profiled",
                "==> pod/sharded-1-3-a (index 3) <==",
                "shard 3: 6 hours profiled",
                "index 0: completed",
                "index 1: completed",
                "index 3: completed",
            ],
            cli.Output.Lines);
        Assert.Equal(
            "error: Job sharded-1 failed after 1m35s: FailedIndexes: Job has failed indexes; 3/4 indexes done, failed 2; "
            + "index 2 failed, pod/sharded-1-2-b: exit code 1 (Error: storage timed out again) (a failure worth retrying)"
            + Environment.NewLine,
            cli.Error.Text);

        // The pods run at once: none is followed, so a long-running index 0 cannot hide a failed index 2.
        Assert.All(
            cli.Api.Requests.Where(r => r.Path.EndsWith("/log", StringComparison.Ordinal)),
            r => Assert.Equal("false", r.Parameter("follow")));
    }

    [Fact]
    public async Task Wait_exits_0_only_once_every_index_completed()
    {
        cronJob = KubeObjects.ShardedDetectorCronJob(4);
        cli.Api.AddCronJob(cronJob);
        Task? controller = null;
        cli.Api.OnJobCreated = job =>
        {
            var start = cli.Api.Now;
            for (var i = 0; i < 4; i++)
            {
                cli.Api.AddPod(KubeObjects.IndexedPodOf(job, i, "a", i == 0 ? "Running" : "Succeeded", start, exitCode: i == 0 ? null : 0));
                cli.Api.SetPodLog(Ns, $"sharded-2-{i}-a", i == 0 ? "merged 4 shards, report written\n" : $"shard {i} done\n");
            }

            cli.Api.UpdateJob(Ns, job.Metadata.Name, j =>
            {
                j.Status.StartTime = start;
                KubeObjects.SetIndexes(j, completed: "1-3", failed: null, active: 1);
            });

            controller = Task.Run(async () =>
            {
                // Three of four indexes done is not done: the merging index 0 still runs.
                await cli.Output.WaitForAsync("index 3: completed").WaitAsync(TimeSpan.FromSeconds(20));
                await Task.Delay(TimeSpan.FromMilliseconds(100));
                Assert.DoesNotContain(cli.Output.Lines, l => l.Contains("succeeded", StringComparison.Ordinal));
                cli.Api.AddPod(KubeObjects.IndexedPodOf(job, 0, "a", "Succeeded", start, exitCode: 0));
                cli.Api.UpdateJob(Ns, job.Metadata.Name, j =>
                {
                    KubeObjects.SetIndexes(j, completed: "0-3", failed: null, active: 0);
                    KubeObjects.Succeed(j, start, start.AddSeconds(95));
                    j.Status.Succeeded = 4;
                });
            });
        };

        var exit = await cli.RunAsync(realTime: true, "trigger-job", "--wait", "--name", "sharded-2");
        await controller!;

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Equal(
            [
                "job.batch/sharded-2 created from cronjob/drift-jobs-detector in namespace drift",
                "pod/sharded-2-0-a (index 0): Running",
                "==> pod/sharded-2-1-a (index 1) <==",
                "shard 1 done",
                "==> pod/sharded-2-2-a (index 2) <==",
                "shard 2 done",
                "==> pod/sharded-2-3-a (index 3) <==",
                "shard 3 done",
                "index 1: completed",
                "index 2: completed",
                "index 3: completed",
                "==> pod/sharded-2-0-a (index 0) <==",
                "merged 4 shards, report written",
                "index 0: completed",
                "job.batch/sharded-2 succeeded in 1m35s: 4/4 indexes done",
            ],
            cli.Output.Lines);
        Assert.Empty(cli.Error.Text);
    }

    [Fact]
    public async Task Status_lists_each_index_of_an_indexed_job_that_has_not_succeeded()
    {
        var at = (int hour, int minute, int second) => new DateTime(2026, 3, 14, hour, minute, second, DateTimeKind.Utc);
        cronJob = KubeObjects.ShardedDetectorCronJob(4);
        cli.Api.AddCronJob(cronJob);

        var done = KubeObjects.OwnedJob(cronJob, "drift-jobs-detector-29557920", at(8, 0, 0));
        KubeObjects.SetIndexes(done, completed: "0-3", failed: null, active: 0);
        KubeObjects.Succeed(done, at(8, 0, 5), at(8, 3, 10));
        var running = KubeObjects.OwnedJob(cronJob, "drift-jobs-detector-29557980", at(9, 0, 0));
        KubeObjects.Run(running, at(9, 0, 3));
        KubeObjects.SetIndexes(running, completed: "1", failed: "2", active: 1);
        foreach (var job in new[] { done, running })
        {
            cli.Api.AddJob(job);
        }

        cli.Api.AddPod(KubeObjects.IndexedPodOf(running, 0, "k4x9z", "Running", at(9, 0, 3)));
        cli.Api.AddPod(KubeObjects.IndexedPodOf(running, 1, "p2m7q", "Succeeded", at(9, 0, 3), exitCode: 0));
        cli.Api.AddPod(KubeObjects.IndexedPodOf(running, 2, "r8d3w", "Failed", at(9, 0, 3), exitCode: 1, message: "storage timed out"));
        cli.Api.AddPod(KubeObjects.IndexedPodOf(running, 2, "t5n6v", "Failed", at(9, 1, 0), exitCode: 2, message: "hour 05 is unreadable"));

        var exit = await cli.RunAsync("status");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Equal(
            [
                "Recent Jobs (2 of 2, newest first):",
                "NAME                          TRIGGER    STATE                                STARTED               DURATION",
                "drift-jobs-detector-29557980  scheduled  Running: 1/4 indexes done, failed 2  2026-03-14 09:00:03Z  26m50s",
                "drift-jobs-detector-29557920  scheduled  Succeeded: 4/4 indexes done          2026-03-14 08:00:05Z  3m5s",
                "Indexes of drift-jobs-detector-29557980 (Running: 1/4 indexes done, failed 2):",
                "INDEX  STATE      POD                                   ATTEMPTS  DETAIL",
                "0      Running    drift-jobs-detector-29557980-0-k4x9z  1",
                "1      Succeeded  drift-jobs-detector-29557980-1-p2m7q  1",
                "2      Failed     drift-jobs-detector-29557980-2-t5n6v  2         exit code 2 (Error: hour 05 is unreadable)",
                "3      Pending    -                                     0         no pod yet",
            ],
            cli.Output.Lines[6..]);

        // Only the Job not yet succeeded needs its pods.
        var podLists = cli.Api.Requests.Where(r => r.Path == "/api/v1/namespaces/drift/pods").ToList();
        Assert.Equal("batch.kubernetes.io/controller-uid=" + running.Metadata.Uid, Assert.Single(podLists).Parameter("labelSelector"));
        Assert.Empty(cli.Error.Text);
    }

    [Fact]
    public async Task Logs_names_each_pods_index()
    {
        cronJob = KubeObjects.ShardedDetectorCronJob(2);
        cli.Api.AddCronJob(cronJob);
        var job = KubeObjects.OwnedJob(cronJob, "drift-jobs-detector-29557980", cli.Api.Now);
        cli.Api.AddJob(job);
        cli.Api.AddPod(KubeObjects.IndexedPodOf(job, 0, "aaaaa", "Succeeded", cli.Api.Now, exitCode: 0));
        cli.Api.AddPod(KubeObjects.IndexedPodOf(job, 1, "bbbbb", "Pending", cli.Api.Now));
        cli.Api.SetPodLog(Ns, "drift-jobs-detector-29557980-0-aaaaa", "merged\n");

        var exit = await cli.RunAsync("logs");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Equal(
            [
                "==> pod/drift-jobs-detector-29557980-0-aaaaa (index 0) <==",
                "merged",
                "pod/drift-jobs-detector-29557980-1-bbbbb (index 1): no log yet, Pending",
            ],
            cli.Output.Lines);
    }

    [Fact]
    public void An_indexed_job_complete_before_every_index_completed_is_not_a_success()
    {
        // A successPolicy can end an Indexed Job Complete with indexes left; the merging index needs them all.
        var job = KubeObjects.OwnedJob(KubeObjects.ShardedDetectorCronJob(4), "sharded", new DateTime(2026, 3, 14, 9, 0, 0, DateTimeKind.Utc));
        KubeObjects.SetIndexes(job, completed: "0,2", failed: null, active: 0);
        KubeObjects.Succeed(job, job.Metadata.CreationTimestamp!.Value, job.Metadata.CreationTimestamp!.Value.AddMinutes(3));

        var summary = JobSummary.Of(job);

        Assert.Equal(JobState.Failed, summary.State);
        Assert.True(summary.IsFinished);
        Assert.Equal("IndexesNotCompleted", summary.Reason);
        Assert.Equal("the Job is Complete but index 1,3 did not complete", summary.Message);
        Assert.Equal("Failed (IndexesNotCompleted): 2/4 indexes done", summary.StateText);
    }

    [Fact]
    public void A_plain_job_has_no_indexes()
    {
        var job = KubeObjects.OwnedJob(cronJob, "plain", new DateTime(2026, 3, 14, 9, 0, 0, DateTimeKind.Utc));
        KubeObjects.Succeed(job, job.Metadata.CreationTimestamp!.Value, job.Metadata.CreationTimestamp!.Value.AddMinutes(3));

        var summary = JobSummary.Of(job);

        Assert.Null(summary.Indexes);
        Assert.Equal("Succeeded", summary.StateText);
    }

    [Fact]
    public void Without_a_per_index_backoff_limit_a_failed_job_s_failed_index_is_found_from_its_pods()
    {
        var job = KubeObjects.OwnedJob(KubeObjects.ShardedDetectorCronJob(3), "sharded", new DateTime(2026, 3, 14, 9, 0, 0, DateTimeKind.Utc));
        KubeObjects.SetIndexes(job, completed: "0", failed: null, active: 0);
        var pods = new[]
        {
            KubeObjects.IndexedPodOf(job, 0, "a", "Succeeded", job.Metadata.CreationTimestamp!.Value, exitCode: 0),
            KubeObjects.IndexedPodOf(job, 1, "a", "Failed", job.Metadata.CreationTimestamp!.Value, exitCode: 1),
        };

        var indexes = JobIndexes.Of(job)!.PerIndex(pods, jobFailed: true);

        Assert.Equal([IndexState.Succeeded, IndexState.Failed, IndexState.Pending], indexes.Select(i => i.State));
        Assert.Equal([IndexState.Succeeded, IndexState.Pending, IndexState.Pending], JobIndexes.Of(job)!.PerIndex(pods, jobFailed: false).Select(i => i.State));
    }

    [Fact]
    public void The_index_comes_from_the_annotation_on_clusters_without_the_label()
    {
        var job = KubeObjects.OwnedJob(KubeObjects.ShardedDetectorCronJob(3), "sharded", new DateTime(2026, 3, 14, 9, 0, 0, DateTimeKind.Utc));
        var pod = KubeObjects.IndexedPodOf(job, 2, "a", "Running", job.Metadata.CreationTimestamp!.Value);
        pod.Metadata.Labels.Remove(JobIndexes.CompletionIndexKey);

        Assert.Equal(2, JobIndexes.IndexOf(pod));
        Assert.Equal("pod/sharded-2-a (index 2)", JobPods.Label(pod));
    }

    [Theory]
    [InlineData("", new int[0], "")]
    [InlineData("3", new[] { 3 }, "3")]
    [InlineData("0,2-3", new[] { 0, 2, 3 }, "0,2-3")]
    [InlineData("0-1,3,5-7", new[] { 0, 1, 3, 5, 6, 7 }, "0-1,3,5-7")]
    public void Index_lists_read_and_write_as_the_job_api_writes_them(string text, int[] indexes, string formatted)
    {
        Assert.Equal(indexes, Ranges.Parse(text));
        Assert.Equal(formatted, Ranges.Format(indexes));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("3-1")]
    [InlineData("-2")]
    [InlineData("0-99999999")]
    public void An_unreadable_index_list_is_a_clear_error(string text)
    {
        var e = Assert.Throws<CliException>(() => Ranges.Parse(text));

        Assert.Contains($"'{text}'", e.Message, StringComparison.Ordinal);
    }
}
