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
        var reported = new Dictionary<int, IndexState>();
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

                // A plain Job runs one pod at a time, so its running pod's log is streamed. An Indexed Job's pods
                // run at once: following one would hide the others (and a failed index) until it ends, so each
                // pod's log is printed whole when the pod ends.
                var printable = summary.Indexes is null ? phase is "Running" or "Succeeded" or "Failed" : phase is "Succeeded" or "Failed";
                if (printable
                    && await JobPods.PrintLogAsync(cluster, pod, follow: phase == "Running", tailLines: null, header: true, runtime, cancellationToken).ConfigureAwait(false))
                {
                    printed.Add(name);
                    continue;
                }

                var state = JobPods.Describe(pod);
                if (!lastSeen.TryGetValue(name, out var seen) || seen != state)
                {
                    lastSeen[name] = state;
                    await runtime.Output.WriteLineAsync($"{JobPods.Label(pod)}: {state}").ConfigureAwait(false);
                }
            }

            if (summary.Indexes is { } indexes)
            {
                await ReportIndexesAsync(indexes.PerIndex(lastPods, summary.State == JobState.Failed), reported, runtime).ConfigureAwait(false);
            }

            if (summary.IsFinished)
            {
                return await ReportEndAsync(summary, lastPods, runtime).ConfigureAwait(false);
            }

            await Task.Delay(runtime.PollInterval, runtime.Time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Says once of each index when it completes or fails, as the Job's status says it.</summary>
    private static async Task ReportIndexesAsync(
        IReadOnlyList<JobIndex> indexes, Dictionary<int, IndexState> reported, CliRuntime runtime)
    {
        foreach (var index in indexes.Where(i => i.State is IndexState.Succeeded or IndexState.Failed))
        {
            if (reported.TryGetValue(index.Index, out var was) && was == index.State)
            {
                continue;
            }

            reported[index.Index] = index.State;
            var line = index.State == IndexState.Succeeded
                ? $"index {index.Index}: completed"
                : $"index {index.Index}: failed, {FailedIndexDetail(index)}";
            await runtime.Output.WriteLineAsync(line).ConfigureAwait(false);
        }
    }

    private static async Task<int> ReportEndAsync(JobSummary summary, IReadOnlyList<V1Pod> pods, CliRuntime runtime)
    {
        var took = Durations.Format(summary.Duration(runtime.Time.GetUtcNow()));
        if (summary.State == JobState.Succeeded)
        {
            var done = summary.Indexes is { } completed ? ": " + completed.Progress : string.Empty;
            await runtime.Output.WriteLineAsync($"job.batch/{summary.Name} succeeded in {took}{done}").ConfigureAwait(false);
            return ExitCodes.Success;
        }

        var why = string.Join(": ", new[] { summary.Reason, summary.Message }.Where(s => !string.IsNullOrEmpty(s)));
        var failure = $"Job {summary.Name} failed after {took}" + (why.Length == 0 ? string.Empty : $": {why}");
        if (summary.Indexes is { } indexes)
        {
            var failed = indexes.PerIndex(pods, jobFailed: true).Where(i => i.State == IndexState.Failed).ToList();
            throw new CliException(
                ExitCodes.JobFailed,
                failure + "; " + indexes.Progress
                + string.Concat(failed.Select(i => $"; index {i.Index} failed, {FailedIndexDetail(i)}")));
        }

        var exit = pods.Select(p => JobPods.ExitCode(p, JobPods.Container(p))).LastOrDefault(c => c is not null);
        throw new CliException(
            ExitCodes.JobFailed,
            failure + (exit is { } code ? $"; the job exited with code {code}{ExitMeaning(code)}" : string.Empty));
    }

    /// <summary>"pod/NAME: exit code 2 (Error: message) (what that means)": how a failed index's latest pod ended.</summary>
    private static string FailedIndexDetail(JobIndex index)
    {
        if (index.Pod is not { } pod)
        {
            return "its pods are gone";
        }

        var exit = JobPods.ExitCode(pod, JobPods.Container(pod));
        return $"pod/{pod.Metadata.Name}: {JobIndexes.Detail(index)}{(exit is { } code ? ExitMeaning(code) : string.Empty)}";
    }

    private static string ExitMeaning(int code) => code switch
    {
        2 => " (a configuration or input error: fix the settings; retrying will not help)",
        1 => " (a failure worth retrying)",
        _ => string.Empty,
    };
}
