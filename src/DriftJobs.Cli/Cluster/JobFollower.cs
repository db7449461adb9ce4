using k8s.Models;

namespace DriftJobs.Cli.Cluster;

/// <summary>
/// Follows one Job to its end: streams each of its pods' logs in turn (a retry is a new pod) and reports how it
/// ended. Polls rather than watches, so an API server that drops watches (proxies, idle timeouts) cannot lose the end.
/// </summary>
internal static class JobFollower
{
    public static async Task<int> FollowAsync(
        ClusterClient cluster, string jobName, TimeSpan timeout, CliRuntime runtime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(runtime);
        using var deadline = new CancellationTokenSource(timeout, runtime.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return await FollowUntilFinishedAsync(cluster, jobName, runtime, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new CliException(
                ExitCodes.Timeout,
                $"Job {jobName} has not finished after {Durations.Format(timeout)}; it goes on in the cluster "
                + $"(driftctl logs --job {jobName} --follow)");
        }
    }

    private static async Task<int> FollowUntilFinishedAsync(
        ClusterClient cluster, string jobName, CliRuntime runtime, CancellationToken cancellationToken)
    {
        var printed = new HashSet<string>(StringComparer.Ordinal);
        var lastSeen = new Dictionary<string, string>(StringComparer.Ordinal);
        var lastPods = (IReadOnlyList<V1Pod>)[];
        while (true)
        {
            // The Job first, then its pods: if the Job has ended, every pod listed after it has ended too, so the
            // loop below prints all of them before reporting the end.
            var job = await cluster.ReadJobAsync(jobName, cancellationToken).ConfigureAwait(false);
            var summary = JobSummary.Of(job);
            var pods = JobPods.InOrder(await cluster.ListPodsAsync(JobPods.Selector(job), cancellationToken).ConfigureAwait(false));
            lastPods = pods.Count > 0 ? pods : lastPods;
            foreach (var pod in pods.Where(p => !printed.Contains(p.Metadata.Name)))
            {
                var name = pod.Metadata.Name;
                var phase = pod.Status?.Phase;
                if (phase is "Running" or "Succeeded" or "Failed"
                    && await JobPods.PrintLogAsync(cluster, pod, follow: phase == "Running", tailLines: null, header: true, runtime, cancellationToken).ConfigureAwait(false))
                {
                    printed.Add(name);
                    continue;
                }

                var state = JobPods.Describe(pod);
                if (!lastSeen.TryGetValue(name, out var seen) || seen != state)
                {
                    lastSeen[name] = state;
                    await runtime.Output.WriteLineAsync($"pod/{name}: {state}").ConfigureAwait(false);
                }
            }

            if (summary.IsFinished)
            {
                return await ReportEndAsync(summary, lastPods, runtime).ConfigureAwait(false);
            }

            await Task.Delay(runtime.PollInterval, runtime.Time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<int> ReportEndAsync(JobSummary summary, IReadOnlyList<V1Pod> pods, CliRuntime runtime)
    {
        var took = Durations.Format(summary.Duration(runtime.Time.GetUtcNow()));
        if (summary.State == JobState.Succeeded)
        {
            await runtime.Output.WriteLineAsync($"job.batch/{summary.Name} succeeded in {took}").ConfigureAwait(false);
            return ExitCodes.Success;
        }

        var exit = pods.Select(p => JobPods.ExitCode(p, JobPods.Container(p))).LastOrDefault(c => c is not null);
        var meaning = exit switch
        {
            2 => " (a configuration or input error: fix the settings; retrying will not help)",
            1 => " (a failure worth retrying)",
            _ => string.Empty,
        };
        var why = string.Join(": ", new[] { summary.Reason, summary.Message }.Where(s => !string.IsNullOrEmpty(s)));
        throw new CliException(
            ExitCodes.JobFailed,
            $"Job {summary.Name} failed after {took}"
            + (why.Length == 0 ? string.Empty : $": {why}")
            + (exit is { } code ? $"; the job exited with code {code}{meaning}" : string.Empty));
    }
}
