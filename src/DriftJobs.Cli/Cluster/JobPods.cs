using k8s.Models;

namespace DriftJobs.Cli.Cluster;

/// <summary>Finding a Job's pods and printing their logs.</summary>
internal static class JobPods
{
    /// <summary>The annotation kubectl reads to pick a pod's container when it has several.</summary>
    public const string DefaultContainerAnnotation = "kubectl.kubernetes.io/default-container";

    /// <summary>
    /// The Job's own pod selector (the controller-uid label the API server sets), so a pod of an older Job with the
    /// same name never matches; the job-name label when the selector is missing.
    /// </summary>
    public static string Selector(V1Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var labels = job.Spec?.Selector?.MatchLabels;
        return labels is { Count: > 0 }
            ? string.Join(',', labels.Select(l => $"{l.Key}={l.Value}"))
            : $"batch.kubernetes.io/job-name={job.Metadata?.Name}";
    }

    /// <summary>Oldest first: a Job's retries print in the order they ran.</summary>
    public static IReadOnlyList<V1Pod> InOrder(IEnumerable<V1Pod> pods) =>
        pods.OrderBy(p => p.Metadata?.CreationTimestamp ?? DateTime.MaxValue)
            .ThenBy(p => p.Metadata?.Name, StringComparer.Ordinal)
            .ToList();

    public static string Container(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (pod.Metadata?.Annotations?.TryGetValue(DefaultContainerAnnotation, out var named) == true
            && !string.IsNullOrEmpty(named))
        {
            return named;
        }

        return pod.Spec?.Containers?.FirstOrDefault()?.Name
            ?? throw new CliException(ExitCodes.Failure, $"pod {pod.Metadata?.Name} has no containers");
    }

    /// <summary>"Pending (ImagePullBackOff: ...)": what a pod that is not running yet is waiting for.</summary>
    public static string Describe(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var waiting = pod.Status?.ContainerStatuses?.Select(s => s.State?.Waiting).FirstOrDefault(w => w is not null);
        var phase = pod.Status?.Phase ?? "Pending";
        return waiting?.Reason is { } reason
            ? $"{phase} ({reason}{(string.IsNullOrEmpty(waiting.Message) ? string.Empty : ": " + waiting.Message)})"
            : phase;
    }

    /// <summary>"pod/NAME", with "(index N)" for a pod of an Indexed Job: how output names a pod.</summary>
    public static string Label(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return JobIndexes.IndexOf(pod) is { } index ? $"pod/{pod.Metadata?.Name} (index {index})" : $"pod/{pod.Metadata?.Name}";
    }

    /// <summary>The exit code of the pod's terminated container, if it ran to an end.</summary>
    public static int? ExitCode(V1Pod pod, string container) =>
        pod.Status?.ContainerStatuses?.FirstOrDefault(s => s.Name == container)?.State?.Terminated?.ExitCode;

    /// <summary>Copies one pod's log to the output; false when the container has not started yet.</summary>
    public static async Task<bool> PrintLogAsync(
        ClusterClient cluster,
        V1Pod pod,
        bool follow,
        int? tailLines,
        bool header,
        CliRuntime runtime,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(runtime);
        var name = pod.Metadata.Name;
        var container = Container(pod);
        var log = await cluster.ReadPodLogAsync(name, container, follow, tailLines, cancellationToken).ConfigureAwait(false);
        if (log.Stream is null)
        {
            return false;
        }

        if (header)
        {
            await runtime.Output.WriteLineAsync($"==> {Label(pod)} <==").ConfigureAwait(false);
        }

        using var reader = new StreamReader(log.Stream);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            await runtime.Output.WriteLineAsync(line).ConfigureAwait(false);
            await runtime.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        return true;
    }
}
