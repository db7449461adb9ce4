using System.CommandLine;
using System.Globalization;
using DriftJobs.Cli.Cluster;
using DriftJobs.Storage;
using k8s;
using k8s.Models;

namespace DriftJobs.Cli.Commands;

internal sealed record BackfillRequest(
    string CronJob,
    string Model,
    string Version,
    DateTimeOffset From,
    DateTimeOffset To,
    string? JobName,
    bool Wait,
    TimeSpan Timeout,
    TimeSpan? ActiveDeadline = null);

/// <summary>
/// <c>driftctl backfill</c>: writes a model's past reports, one for every window end from <c>--from</c> to
/// <c>--to</c>, in one run of the detector: a Job made from the detector CronJob's template as trigger-job makes it,
/// with the model and the backfill range in its environment, and always one pod (the detector refuses a sharded
/// backfill), even when the template is the sharded detector's Indexed Job.
/// </summary>
internal static class BackfillCommand
{
    public static Command Create(CliRuntime runtime)
    {
        var cluster = new ClusterOptions();
        var cronJob = CommandOptions.CronJob();
        var model = new Option<string>("--model")
        {
            Description = "Model whose reports to write (MODEL_NAME)",
            HelpName = "name",
            Required = true,
        };
        var version = new Option<string>("--version")
        {
            Description = "Model version (MODEL_VERSION); its baseline must exist",
            HelpName = "version",
            Required = true,
        };
        var from = Hour("--from", "First window end to report, on the hour (e.g. 2026-12-01T00:00:00Z)");
        var to = Hour("--to", "Last window end to report, on the hour, not in the future (e.g. 2026-12-07T23:00:00Z)");
        var name = new Option<string?>("--name")
        {
            Description = "Name of the Job to create [default: <cronjob>-backfill-<UTC yyyyMMddHHmmss>]",
            HelpName = "name",
        };
        var wait = new Option<bool>("--wait", "-w")
        {
            Description = "Follow the Job to its end, streaming its pod's log; exit 0 if it succeeded, 9 if it failed",
        };
        var timeout = CommandOptions.Timeout("With --wait, how long to follow before giving up with exit code 10");
        var activeDeadline = new Option<TimeSpan?>("--active-deadline")
        {
            Description = "How long Kubernetes lets the backfill run before stopping it (e.g. 3h) "
                + "[default: the template's activeDeadlineSeconds, sized for one hourly run]",
            HelpName = "duration",
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
                if (Durations.TryParse(text, out var value))
                {
                    return value;
                }

                result.AddError($"--active-deadline: '{text}' is not a duration such as 90m, 3h or 1d");
                return default;
            },
        };

        var command = new Command(
            "backfill",
            "Write a model's past reports, one per window end from --from to --to, in one detector Job (no alerts)")
        {
            model, version, from, to, cronJob, name, wait, timeout, activeDeadline,
        };
        cluster.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => HandleAsync(
            cluster.Read(parseResult),
            new BackfillRequest(
                parseResult.GetRequiredValue(cronJob),
                parseResult.GetRequiredValue(model),
                parseResult.GetRequiredValue(version),
                parseResult.GetRequiredValue(from),
                parseResult.GetRequiredValue(to),
                parseResult.GetValue(name),
                parseResult.GetValue(wait),
                parseResult.GetValue(timeout) ?? CommandOptions.DefaultTimeout,
                parseResult.GetValue(activeDeadline)),
            runtime,
            cancellationToken));
        return command;
    }

    public static Task<int> HandleAsync(
        ClusterTarget target, BackfillRequest request, CliRuntime runtime, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(runtime);
        return DriftCtl.RunAsync(runtime, async () =>
        {
            var now = runtime.Time.GetUtcNow();
            Validate(request, now);
            using var cluster = KubernetesClientFactory.Connect(target);
            var cronJob = await cluster.ReadCronJobAsync(request.CronJob, cancellationToken).ConfigureAwait(false);
            var jobName = request.JobName ?? JobName(request.CronJob, now);
            var job = FromCronJob(cronJob, request, jobName, cluster.Namespace);
            var created = await cluster.CreateJobAsync(job, cancellationToken).ConfigureAwait(false);
            var ends = (int)((request.To - request.From).TotalHours + 1);
            await runtime.Output.WriteLineAsync(
                $"job.batch/{created.Metadata.Name} created from cronjob/{request.CronJob} in namespace {cluster.Namespace}: "
                + $"backfill of {request.Model} {request.Version}, {ends} window end{(ends == 1 ? string.Empty : "s")} "
                + $"from {Format(request.From)} to {Format(request.To)}")
                .ConfigureAwait(false);
            return request.Wait
                ? await JobFollower.FollowAsync(cluster, created.Metadata.Name, request.Timeout, runtime, cancellationToken).ConfigureAwait(false)
                : ExitCodes.Success;
        });
    }

    /// <summary>
    /// What the parser cannot check alone: a valid model and version, --from not after --to, and --to not after
    /// the current hour (a later window has no logs yet). Each error names its option and exits 2.
    /// </summary>
    internal static void Validate(BackfillRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            ModelIdentity.Validate(request.Model, "--model");
            ModelIdentity.Validate(request.Version, "--version");
        }
        catch (StorageConfigurationException e)
        {
            throw new CliException(ExitCodes.Usage, e.Message, e);
        }

        foreach (var (option, value) in new[] { ("--from", request.From), ("--to", request.To) })
        {
            if (!IsOnTheHour(value))
            {
                throw new CliException(ExitCodes.Usage, $"{option} {Format(value)} is not on the hour: a window ends on a whole hour");
            }
        }

        if (request.From > request.To)
        {
            throw new CliException(
                ExitCodes.Usage, $"--from {Format(request.From)} is after --to {Format(request.To)}: the first window end comes first");
        }

        var currentHour = new DateTimeOffset(now.UtcDateTime.Date.AddHours(now.UtcDateTime.Hour), TimeSpan.Zero);
        if (request.To > currentHour)
        {
            throw new CliException(
                ExitCodes.Usage,
                $"--to {Format(request.To)} is in the future: the last window end can be at most the current hour, {Format(currentHour)}");
        }

        if (request.ActiveDeadline is { TotalSeconds: < 1 })
        {
            throw new CliException(ExitCodes.Usage, "--active-deadline must be at least 1s");
        }
    }

    /// <summary>
    /// The Job trigger-job would make from the CronJob, turned into one backfill pod: the detector container's env
    /// gets MODEL_NAME, MODEL_VERSION, DRIFT_BACKFILL_FROM/TO and DRIFT_SHARDS=1 (an env entry wins over envFrom, so
    /// the release's ConfigMap cannot undo them), and an Indexed template becomes a plain single-pod Job.
    /// </summary>
    internal static V1Job FromCronJob(V1CronJob cronJob, BackfillRequest request, string jobName, string ns)
    {
        ArgumentNullException.ThrowIfNull(cronJob);
        ArgumentNullException.ThrowIfNull(request);

        // A copy: the CronJob's own template object must not change under a caller that holds it.
        var job = KubernetesJson.Deserialize<V1Job>(KubernetesJson.Serialize(TriggerJobCommand.FromCronJob(cronJob, jobName, ns)));
        job.Metadata.Annotations[JobSummary.BackfillAnnotation] = $"{Format(request.From)}/{Format(request.To)}";

        var spec = job.Spec ??= new V1JobSpec();
        SinglePod(spec);
        if (request.ActiveDeadline is { } deadline)
        {
            spec.ActiveDeadlineSeconds = (long)Math.Ceiling(deadline.TotalSeconds);
        }

        var container = DetectorContainer(spec.Template, cronJob.Metadata?.Name);
        SetEnv(container, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["MODEL_NAME"] = request.Model,
            ["MODEL_VERSION"] = request.Version,
            ["DRIFT_BACKFILL_FROM"] = Format(request.From),
            ["DRIFT_BACKFILL_TO"] = Format(request.To),
            ["DRIFT_SHARDS"] = "1",
        });
        return job;
    }

    /// <summary>"{cronjob}-backfill-{yyyyMMddHHmmss}", shortened as trigger-job's names are to stay a DNS label.</summary>
    internal static string JobName(string cronJob, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(cronJob);
        var suffix = "-backfill-" + now.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var stem = cronJob.Length > 63 - suffix.Length ? cronJob[..(63 - suffix.Length)].TrimEnd('-', '.') : cronJob;
        return stem + suffix;
    }

    /// <summary>An hour as the detector reads DRIFT_BACKFILL_FROM/TO: 2026-12-01T00:00:00Z.</summary>
    internal static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// One pod, not indexed: completions and parallelism 1, and what only an Indexed Job may carry removed
    /// (backoffLimitPerIndex, maxFailedIndexes, successPolicy; a podFailurePolicy FailIndex rule fails the Job
    /// instead). A retry of the pod counts against backoffLimit, the per-index limit when the template had only that.
    /// </summary>
    private static void SinglePod(V1JobSpec spec)
    {
        spec.BackoffLimit ??= spec.BackoffLimitPerIndex;
        spec.Completions = 1;
        spec.Parallelism = 1;
        spec.CompletionMode = "NonIndexed";
        spec.BackoffLimitPerIndex = null;
        spec.MaxFailedIndexes = null;
        spec.SuccessPolicy = null;
        foreach (var rule in spec.PodFailurePolicy?.Rules ?? [])
        {
            if (string.Equals(rule.Action, "FailIndex", StringComparison.Ordinal))
            {
                rule.Action = "FailJob";
            }
        }
    }

    /// <summary>The pod template's default container (kubectl's annotation), else the one named detector, else the first.</summary>
    private static V1Container DetectorContainer(V1PodTemplateSpec? template, string? cronJob)
    {
        var containers = template?.Spec?.Containers ?? [];
        string? named = null;
        _ = template?.Metadata?.Annotations?.TryGetValue(JobPods.DefaultContainerAnnotation, out named);
        return containers.FirstOrDefault(c => c.Name == named)
            ?? containers.FirstOrDefault(c => c.Name == "detector")
            ?? containers.FirstOrDefault()
            ?? throw new CliException(ExitCodes.Failure, $"CronJob {cronJob}'s jobTemplate has no containers");
    }

    /// <summary>
    /// Sets each variable, replacing an env entry of the same name (a value or a valueFrom). JOB_COMPLETION_INDEX
    /// goes: a template that reads it from the pod's index annotation would get nothing in a plain Job's pod.
    /// </summary>
    private static void SetEnv(V1Container container, IReadOnlyDictionary<string, string> values)
    {
        var env = (container.Env ?? [])
            .Where(e => !values.ContainsKey(e.Name) && e.Name != "JOB_COMPLETION_INDEX")
            .ToList();
        env.AddRange(values.Select(v => new V1EnvVar { Name = v.Key, Value = v.Value }));
        container.Env = env;
    }

    private static bool IsOnTheHour(DateTimeOffset value) => value.UtcTicks % TimeSpan.TicksPerHour == 0;

    /// <summary>An ISO-8601 time on the hour ("2026-12-01T00:00:00Z"; without an offset, UTC).</summary>
    private static Option<DateTimeOffset> Hour(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "time",
        Required = true,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            if (!DateTimeOffset.TryParse(
                text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
            {
                result.AddError($"{name}: '{text}' is not an ISO-8601 date and time such as 2026-12-01T00:00:00Z");
                return default;
            }

            if (!IsOnTheHour(value))
            {
                result.AddError($"{name}: '{text}' is not on the hour: a window ends on a whole hour (e.g. 2026-12-01T00:00:00Z)");
                return default;
            }

            return value;
        },
    };
}
