using System.CommandLine;
using System.Globalization;
using DriftJobs.Cli.Cluster;
using k8s.Models;

namespace DriftJobs.Cli.Commands;

internal sealed record StatusRequest(string CronJob, int Limit);

/// <summary><c>driftctl status</c>: the detector CronJob (schedule, suspended, last runs) and its recent Jobs.</summary>
internal static class StatusCommand
{
    public static Command Create(CliRuntime runtime)
    {
        var cluster = new ClusterOptions();
        var cronJob = CommandOptions.CronJob();
        var limit = new Option<int>("--limit")
        {
            Description = "How many of the most recent Jobs to list",
            DefaultValueFactory = _ => 10,
            HelpName = "count",
        };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--limit must be at least 1");
            }
        });

        var command = new Command("status", "Show the detector CronJob (schedule, suspended, last schedule, last success) and its recent Jobs")
        {
            cronJob, limit,
        };
        cluster.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => HandleAsync(
            cluster.Read(parseResult),
            new StatusRequest(parseResult.GetRequiredValue(cronJob), parseResult.GetValue(limit)),
            runtime,
            cancellationToken));
        return command;
    }

    public static Task<int> HandleAsync(
        ClusterTarget target, StatusRequest request, CliRuntime runtime, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return DriftCtl.RunAsync(runtime, async () =>
        {
            using var cluster = KubernetesClientFactory.Connect(target);
            var cronJob = await cluster.ReadCronJobAsync(request.CronJob, cancellationToken).ConfigureAwait(false);
            var listed = await cluster.ListJobsAsync(cancellationToken).ConfigureAwait(false);
            var jobs = OwnedJobs(cronJob, listed);
            var now = runtime.Time.GetUtcNow();
            var output = runtime.Output;

            var spec = cronJob.Spec;
            var status = cronJob.Status;
            var timeZone = string.IsNullOrEmpty(spec?.TimeZone) ? "the controller's time zone" : spec.TimeZone;
            await output.WriteLineAsync($"CronJob:        {cronJob.Metadata.Name} (namespace {cluster.Namespace})").ConfigureAwait(false);
            await output.WriteLineAsync($"Schedule:       {spec?.Schedule} ({timeZone})").ConfigureAwait(false);
            await output.WriteLineAsync($"Suspended:      {(spec?.Suspend == true ? "yes" : "no")}").ConfigureAwait(false);
            await output.WriteLineAsync($"Active Jobs:    {status?.Active?.Count ?? 0}").ConfigureAwait(false);
            await output.WriteLineAsync($"Last schedule:  {Timestamps.FormatWithAge(Timestamps.Utc(status?.LastScheduleTime), now)}").ConfigureAwait(false);
            await output.WriteLineAsync($"Last success:   {Timestamps.FormatWithAge(Timestamps.Utc(status?.LastSuccessfulTime), now)}").ConfigureAwait(false);
            await output.WriteLineAsync().ConfigureAwait(false);

            if (jobs.Count == 0)
            {
                await output.WriteLineAsync("No Jobs yet (driftctl trigger-job runs one now).").ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var rows = jobs.Take(request.Limit)
                .Select(j => new[]
                {
                    j.Name, j.Trigger, j.StateText, Timestamps.Format(j.Started ?? j.Created), Durations.Format(j.Duration(now)),
                })
                .ToList();
            await output.WriteLineAsync(
                $"Recent Jobs ({rows.Count} of {jobs.Count}, newest first):").ConfigureAwait(false);
            await WriteTableAsync(output, ["NAME", "TRIGGER", "STATE", "STARTED", "DURATION"], rows).ConfigureAwait(false);

            // An Indexed Job (the sharded detector) that has not succeeded: which index stands where, and why.
            foreach (var summary in jobs.Take(request.Limit).Where(j => j.Indexes is not null && j.State != JobState.Succeeded))
            {
                var job = listed.First(j => j.Metadata?.Name == summary.Name);
                var pods = await cluster.ListPodsAsync(JobPods.Selector(job), cancellationToken).ConfigureAwait(false);
                await WriteIndexesAsync(output, summary, summary.Indexes!.PerIndex(pods, summary.State == JobState.Failed)).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
    }

    private static async Task WriteIndexesAsync(TextWriter output, JobSummary job, IReadOnlyList<JobIndex> indexes)
    {
        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync($"Indexes of {job.Name} ({job.StateText}):").ConfigureAwait(false);
        var rows = indexes
            .Select(i => new[]
            {
                i.Index.ToString(CultureInfo.InvariantCulture),
                i.State.ToString(),
                i.Pod?.Metadata?.Name ?? "-",
                i.Attempts.ToString(CultureInfo.InvariantCulture),
                JobIndexes.Detail(i),
            })
            .ToList();
        await WriteTableAsync(output, ["INDEX", "STATE", "POD", "ATTEMPTS", "DETAIL"], rows).ConfigureAwait(false);
    }

    /// <summary>The Jobs whose controller is this CronJob (scheduled or triggered by hand), newest first.</summary>
    internal static IReadOnlyList<JobSummary> OwnedJobs(V1CronJob cronJob, IEnumerable<V1Job> jobs)
    {
        ArgumentNullException.ThrowIfNull(cronJob);
        var uid = cronJob.Metadata?.Uid;
        return jobs
            .Where(j => j.Metadata?.OwnerReferences?.Any(o => o.Controller == true && o.Kind == "CronJob" && o.Uid == uid) == true)
            .Select(JobSummary.Of)
            .OrderByDescending(j => j.Created ?? DateTimeOffset.MinValue)
            .ThenByDescending(j => j.Name, StringComparer.Ordinal)
            .ToList();
    }

    private static async Task WriteTableAsync(TextWriter output, string[] header, IReadOnlyList<string[]> rows)
    {
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToArray();
        foreach (var row in rows.Prepend(header))
        {
            var cells = row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]));
            await output.WriteLineAsync(string.Join("  ", cells).TrimEnd()).ConfigureAwait(false);
        }
    }
}
