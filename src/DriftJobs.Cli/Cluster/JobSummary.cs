using k8s.Models;

namespace DriftJobs.Cli.Cluster;

internal enum JobState
{
    Pending,
    Running,
    Succeeded,
    Failed,
    Suspended,
}

/// <summary>
/// What an operator wants to know of one Job: its state, why, and when it ran; for an Indexed Job (the sharded
/// detector) also its indexes.
/// </summary>
internal sealed record JobSummary(
    string Name,
    JobState State,
    string? Reason,
    string? Message,
    DateTimeOffset? Created,
    DateTimeOffset? Started,
    DateTimeOffset? Finished,
    bool Manual,
    JobIndexes? Indexes = null,
    bool Backfill = false)
{
    /// <summary>The annotation on a Job driftctl backfill made, naming its range ("FROM/TO").</summary>
    public const string BackfillAnnotation = "driftjobs.io/backfill";

    /// <summary>
    /// The reason given to an Indexed Job the API calls Complete while some index never completed (a successPolicy
    /// ended it early): the detector's merging index needs every shard, so driftctl does not count it a success.
    /// </summary>
    public const string IndexesNotCompletedReason = "IndexesNotCompleted";

    /// <summary>The annotation kubectl (and driftctl trigger-job) puts on a Job created from a CronJob by hand.</summary>
    public const string InstantiateAnnotation = "cronjob.kubernetes.io/instantiate";

    public bool IsFinished => State is JobState.Succeeded or JobState.Failed;

    public string Trigger => Backfill ? "backfill" : Manual ? "manual" : "scheduled";

    public string StateText =>
        (Reason is null ? State.ToString() : $"{State} ({Reason})") + (Indexes is null ? string.Empty : ": " + Indexes.Progress);

    public static JobSummary Of(V1Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var conditions = job.Status?.Conditions ?? [];
        var complete = conditions.FirstOrDefault(c => c.Type == "Complete" && c.Status == "True");
        var failed = conditions.FirstOrDefault(c => c.Type == "Failed" && c.Status == "True");
        var suspended = conditions.FirstOrDefault(c => c.Type == "Suspended" && c.Status == "True");
        var indexes = JobIndexes.Of(job);

        // An Indexed Job is done only when every index completed, whatever ended it.
        var incomplete = complete is not null && failed is null && indexes is { AllCompleted: false };
        var (state, condition) = (complete, failed, suspended) switch
        {
            ({ } c, _, _) when incomplete => (JobState.Failed, c),
            ({ } c, _, _) => (JobState.Succeeded, c),
            (_, { } f, _) => (JobState.Failed, f),
            (_, _, { } s) => (JobState.Suspended, s),
            _ when (job.Status?.Active ?? 0) > 0 => (JobState.Running, (V1JobCondition?)null),
            _ => (JobState.Pending, null),
        };
        var finished = state switch
        {
            _ when complete is not null && condition == complete =>
                Timestamps.Utc(job.Status?.CompletionTime) ?? Timestamps.Utc(complete.LastTransitionTime),
            JobState.Failed => Timestamps.Utc(condition?.LastTransitionTime),
            _ => null,
        };
        return new JobSummary(
            job.Metadata?.Name ?? "?",
            state,
            incomplete ? IndexesNotCompletedReason : state == JobState.Failed ? condition?.Reason : null,
            incomplete ? $"the Job is Complete but index {Ranges.Format(indexes!.NotCompleted)} did not complete" : condition?.Message,
            Timestamps.Utc(job.Metadata?.CreationTimestamp),
            Timestamps.Utc(job.Status?.StartTime),
            finished,
            job.Metadata?.Annotations?.TryGetValue(InstantiateAnnotation, out var how) == true && how == "manual",
            indexes,
            job.Metadata?.Annotations?.ContainsKey(BackfillAnnotation) == true);
    }

    public TimeSpan? Duration(DateTimeOffset now) => Started is { } started ? (Finished ?? now) - started : null;
}

internal static class Timestamps
{
    /// <summary>The API's timestamps are UTC; the client may hand them back as local or unspecified DateTimes.</summary>
    public static DateTimeOffset? Utc(DateTime? value) => value switch
    {
        null => null,
        { Kind: DateTimeKind.Local } local => new DateTimeOffset(local.ToUniversalTime(), TimeSpan.Zero),
        { } other => new DateTimeOffset(DateTime.SpecifyKind(other, DateTimeKind.Utc), TimeSpan.Zero),
    };

    public static string Format(DateTimeOffset? value) =>
        value is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'") : "-";

    public static string FormatWithAge(DateTimeOffset? value, DateTimeOffset now) =>
        value is { } v ? $"{Format(v)} ({Durations.Format(now - v)} ago)" : "never";
}

internal static class Durations
{
    /// <summary>"45s", "3m5s", "2h3m", "1d4h": the precision an operator reads at a glance, as kubectl prints ages.</summary>
    public static string Format(TimeSpan? value)
    {
        if (value is not { } span)
        {
            return "-";
        }

        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        return span switch
        {
            { TotalMinutes: < 1 } => $"{(int)span.TotalSeconds}s",
            { TotalHours: < 1 } => span.Seconds == 0 ? $"{span.Minutes}m" : $"{span.Minutes}m{span.Seconds}s",
            { TotalDays: < 1 } => span.Minutes == 0 ? $"{span.Hours}h" : $"{span.Hours}h{span.Minutes}m",
            _ => span.Hours == 0 ? $"{span.Days}d" : $"{span.Days}d{span.Hours}h",
        };
    }

    /// <summary>Parses "90s", "10m", "1h30m" or a plain number of seconds; a duration is positive.</summary>
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (long.TryParse(text, out var plainSeconds))
        {
            value = plainSeconds is > 0 and < int.MaxValue ? TimeSpan.FromSeconds(plainSeconds) : TimeSpan.Zero;
            return value > TimeSpan.Zero;
        }

        var seconds = 0L;
        var number = 0L;
        var digits = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                number = (number * 10) + (c - '0');
                if (++digits > 9)
                {
                    return false;
                }

                continue;
            }

            var unit = c switch { 'd' => 86_400L, 'h' => 3_600L, 'm' => 60L, 's' => 1L, _ => 0L };
            if (digits == 0 || unit == 0)
            {
                return false;
            }

            seconds += number * unit;
            number = 0;
            digits = 0;
        }

        if (digits != 0 || seconds <= 0)
        {
            return false;
        }

        value = TimeSpan.FromSeconds(seconds);
        return true;
    }
}
