using System.Globalization;
using k8s.Models;

namespace DriftJobs.Cli.Cluster;

/// <summary>Where one index of an Indexed Job stands.</summary>
internal enum IndexState
{
    /// <summary>No pod of the index has started yet (or its pods are gone).</summary>
    Pending,
    Running,
    Succeeded,
    Failed,
}

/// <summary>One index of an Indexed Job: its state and its latest pod, if one is still there.</summary>
internal sealed record JobIndex(int Index, IndexState State, V1Pod? Pod, int Attempts);

/// <summary>
/// The indexes of an Indexed Job (<c>completionMode: Indexed</c>, the sharded detector): how many there are and which
/// the Job controller counts as completed or failed (<c>status.completedIndexes</c>, <c>status.failedIndexes</c>).
/// </summary>
internal sealed class JobIndexes
{
    /// <summary>The label (since Kubernetes 1.28) and annotation naming an Indexed Job pod's index.</summary>
    public const string CompletionIndexKey = "batch.kubernetes.io/job-completion-index";

    private JobIndexes(int completions, IReadOnlySet<int> completed, IReadOnlySet<int> failed)
    {
        Completions = completions;
        Completed = completed;
        Failed = failed;
    }

    public int Completions { get; }

    public IReadOnlySet<int> Completed { get; }

    /// <summary>Indexes the controller gave up on (only reported with <c>backoffLimitPerIndex</c>).</summary>
    public IReadOnlySet<int> Failed { get; }

    public IReadOnlyList<int> NotCompleted => Enumerable.Range(0, Completions).Where(i => !Completed.Contains(i)).ToList();

    public bool AllCompleted => NotCompleted.Count == 0;

    /// <summary>"3/4 indexes done", and the failed ones: what a status line says of the Job's progress.</summary>
    public string Progress =>
        $"{Completed.Count(i => i < Completions)}/{Completions} indexes done"
        + (Failed.Count == 0 ? string.Empty : $", failed {Ranges.Format(Failed)}");

    /// <summary>The Job's indexes, or null when it is not an Indexed Job.</summary>
    public static JobIndexes? Of(V1Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (!string.Equals(job.Spec?.CompletionMode, "Indexed", StringComparison.Ordinal))
        {
            return null;
        }

        // An Indexed Job must have completions; parallelism alone is a guess the API server would not accept.
        var completions = job.Spec?.Completions ?? job.Spec?.Parallelism ?? 1;
        return new JobIndexes(
            completions,
            Ranges.Parse(job.Status?.CompletedIndexes),
            Ranges.Parse(job.Status?.FailedIndexes));
    }

    /// <summary>The index a pod of an Indexed Job runs, from its label or (clusters before 1.28) its annotation.</summary>
    public static int? IndexOf(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        string? text = null;
        if (pod.Metadata?.Labels?.TryGetValue(CompletionIndexKey, out var label) == true)
        {
            text = label;
        }
        else if (pod.Metadata?.Annotations?.TryGetValue(CompletionIndexKey, out var annotation) == true)
        {
            text = annotation;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : null;
    }

    /// <summary>
    /// Every index, 0 to completions - 1, with its state: completed or failed as the Job's status says, else as its
    /// latest pod says. With only <c>backoffLimit</c> (no per-index limit) the status names no failed index; an index
    /// whose latest pod failed, in a Job that has failed, is counted failed.
    /// </summary>
    public IReadOnlyList<JobIndex> PerIndex(IReadOnlyList<V1Pod> pods, bool jobFailed)
    {
        ArgumentNullException.ThrowIfNull(pods);
        var byIndex = JobPods.InOrder(pods)
            .Select(p => (Index: IndexOf(p), Pod: p))
            .Where(p => p.Index is not null)
            .GroupBy(p => p.Index!.Value)
            .ToDictionary(g => g.Key, g => g.Select(p => p.Pod).ToList());
        return Enumerable.Range(0, Completions).Select(index =>
        {
            var attempts = byIndex.GetValueOrDefault(index) ?? [];
            var latest = attempts.LastOrDefault();
            var phase = latest?.Status?.Phase;
            var state = (Completed.Contains(index), Failed.Contains(index), phase) switch
            {
                (true, _, _) => IndexState.Succeeded,
                (_, true, _) => IndexState.Failed,
                (_, _, "Failed") when jobFailed => IndexState.Failed,
                (_, _, "Running") => IndexState.Running,
                _ => IndexState.Pending,
            };
            return new JobIndex(index, state, latest, attempts.Count);
        }).ToList();
    }

    /// <summary>
    /// What an operator needs to know of an index beyond its state: how its failed pod ended ("exit code 1 (Error:
    /// message)"), or what its pending pod waits for. Nothing for a completed or running index.
    /// </summary>
    public static string Detail(JobIndex index)
    {
        ArgumentNullException.ThrowIfNull(index);
        return (index.State, index.Pod) switch
        {
            (IndexState.Succeeded or IndexState.Running, _) => string.Empty,
            (IndexState.Pending, null) => "no pod yet",
            (IndexState.Pending, { } pod) => JobPods.Describe(pod),
            (_, null) => "its pods are gone",
            (_, { } pod) => Termination(pod) ?? JobPods.Describe(pod),
        };
    }

    /// <summary>"exit code 1 (Error: message)": how the pod's container ended, or null while it has not.</summary>
    public static string? Termination(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var terminated = pod.Status?.ContainerStatuses?.FirstOrDefault(s => s.Name == JobPods.Container(pod))?.State?.Terminated;
        if (terminated is null)
        {
            return null;
        }

        var why = string.Join(": ", new[] { terminated.Reason, terminated.Message?.Trim() }.Where(s => !string.IsNullOrEmpty(s)));
        return $"exit code {terminated.ExitCode}" + (why.Length == 0 ? string.Empty : $" ({why})");
    }
}

/// <summary>The Job API's index interval strings: "0,2-3" is indexes 0, 2 and 3.</summary>
internal static class Ranges
{
    /// <summary>Above any Job's completions (the API server allows 100,000 with a per-index backoff limit).</summary>
    private const int MaxIndex = 1_000_000;

    public static IReadOnlySet<int> Parse(string? text)
    {
        var indexes = new SortedSet<int>();
        foreach (var part in (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var (first, last) = dash < 0 ? (part, part) : (part[..dash], part[(dash + 1)..]);
            if (!int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var from)
                || !int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var to)
                || to < from
                || to >= MaxIndex)
            {
                throw new CliException(ExitCodes.Failure, $"the Job's status has an index list driftctl cannot read: '{text}'");
            }

            for (var i = from; i <= to; i++)
            {
                indexes.Add(i);
            }
        }

        return indexes;
    }

    /// <summary>The same notation back: 0, 2, 3 is "0,2-3".</summary>
    public static string Format(IEnumerable<int> indexes)
    {
        ArgumentNullException.ThrowIfNull(indexes);
        var parts = new List<string>();
        int? start = null;
        var previous = 0;
        foreach (var index in indexes.Distinct().Order())
        {
            if (start is not null && index == previous + 1)
            {
                previous = index;
                continue;
            }

            if (start is { } s)
            {
                parts.Add(s == previous ? $"{s}" : $"{s}-{previous}");
            }

            start = index;
            previous = index;
        }

        if (start is { } last)
        {
            parts.Add(last == previous ? $"{last}" : $"{last}-{previous}");
        }

        return string.Join(',', parts);
    }
}
