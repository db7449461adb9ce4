using System.CommandLine;
using DriftJobs.Cli.Cluster;

namespace DriftJobs.Cli.Commands;

internal sealed record LogsRequest(string CronJob, string? JobName, bool Follow, int? Tail, TimeSpan Timeout);

/// <summary><c>driftctl logs</c>: the pod logs of the detector's latest Job, or of a named Job.</summary>
internal static class LogsCommand
{
    public static Command Create(CliRuntime runtime)
    {
        var cluster = new ClusterOptions();
        var cronJob = CommandOptions.CronJob();
        var job = new Option<string?>("--job")
        {
            Description = "Name of the Job whose logs to print (any Job, e.g. the baseline Job) [default: the CronJob's latest Job]",
            HelpName = "name",
        };
        var follow = new Option<bool>("--follow", "-f")
        {
            Description = "Keep streaming until the Job ends; exit 0 if it succeeded, 9 if it failed",
        };
        var tail = new Option<int?>("--tail")
        {
            Description = "Print only the last N lines of each pod's log",
            HelpName = "lines",
        };
        tail.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 0)
            {
                result.AddError("--tail must be 0 or more");
            }
        });
        var timeout = CommandOptions.Timeout("With --follow, how long to follow before giving up with exit code 10");

        var command = new Command("logs", "Print the pod logs of the detector's latest Job (or of --job NAME)")
        {
            cronJob, job, follow, tail, timeout,
        };
        cluster.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => HandleAsync(
            cluster.Read(parseResult),
            new LogsRequest(
                parseResult.GetRequiredValue(cronJob),
                parseResult.GetValue(job),
                parseResult.GetValue(follow),
                parseResult.GetValue(tail),
                parseResult.GetValue(timeout) ?? CommandOptions.DefaultTimeout),
            runtime,
            cancellationToken));
        return command;
    }

    public static Task<int> HandleAsync(
        ClusterTarget target, LogsRequest request, CliRuntime runtime, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return DriftCtl.RunAsync(runtime, async () =>
        {
            using var cluster = KubernetesClientFactory.Connect(target);
            var jobName = request.JobName ?? await LatestJobAsync(cluster, request.CronJob, cancellationToken).ConfigureAwait(false);
            if (request.Follow)
            {
                return await JobFollower.FollowAsync(cluster, jobName, request.Timeout, runtime, cancellationToken).ConfigureAwait(false);
            }

            var job = await cluster.ReadJobAsync(jobName, cancellationToken).ConfigureAwait(false);
            var pods = JobPods.InOrder(await cluster.ListPodsAsync(JobPods.Selector(job), cancellationToken).ConfigureAwait(false));
            if (pods.Count == 0)
            {
                var state = JobSummary.Of(job).StateText;
                throw new CliException(
                    ExitCodes.NotFound,
                    $"Job {jobName} ({state}) has no pods: not started yet, or already removed with its logs");
            }

            foreach (var pod in pods)
            {
                var printed = await JobPods.PrintLogAsync(
                    cluster, pod, follow: false, request.Tail, header: pods.Count > 1, runtime, cancellationToken).ConfigureAwait(false);
                if (!printed)
                {
                    await runtime.Output.WriteLineAsync($"{JobPods.Label(pod)}: no log yet, {JobPods.Describe(pod)}").ConfigureAwait(false);
                }
            }

            return ExitCodes.Success;
        });
    }

    private static async Task<string> LatestJobAsync(ClusterClient cluster, string cronJobName, CancellationToken cancellationToken)
    {
        var cronJob = await cluster.ReadCronJobAsync(cronJobName, cancellationToken).ConfigureAwait(false);
        var jobs = StatusCommand.OwnedJobs(cronJob, await cluster.ListJobsAsync(cancellationToken).ConfigureAwait(false));
        return jobs.Count > 0
            ? jobs[0].Name
            : throw new CliException(
                ExitCodes.NotFound,
                $"CronJob {cronJobName} has no Jobs in namespace {cluster.Namespace} yet (driftctl trigger-job runs one now)");
    }
}
