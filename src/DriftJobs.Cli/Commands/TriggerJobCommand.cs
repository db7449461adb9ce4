using System.CommandLine;
using DriftJobs.Cli.Cluster;
using k8s.Models;

namespace DriftJobs.Cli.Commands;

internal sealed record TriggerJobRequest(string CronJob, string? JobName, bool Wait, TimeSpan Timeout);

/// <summary>
/// <c>driftctl trigger-job</c>: runs the drift detector now, by creating a Job from its CronJob's jobTemplate exactly
/// as <c>kubectl create job --from=cronjob/NAME</c> does, so the CronJob controller and kubectl see it the same way.
/// </summary>
internal static class TriggerJobCommand
{
    public static Command Create(CliRuntime runtime)
    {
        var cluster = new ClusterOptions();
        var cronJob = CommandOptions.CronJob();
        var name = new Option<string?>("--name")
        {
            Description = "Name of the Job to create [default: <cronjob>-manual-<UTC yyyyMMddHHmmss>]",
            HelpName = "name",
        };
        var wait = new Option<bool>("--wait", "-w")
        {
            Description = "Follow the Job to its end, streaming its pods' logs; exit 0 if it succeeded, 9 if it failed",
        };
        var timeout = CommandOptions.Timeout("With --wait, how long to follow before giving up with exit code 10");

        var command = new Command("trigger-job", "Run the drift detector now: create a Job from the detector CronJob's template")
        {
            cronJob, name, wait, timeout,
        };
        cluster.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => HandleAsync(
            cluster.Read(parseResult),
            new TriggerJobRequest(
                parseResult.GetRequiredValue(cronJob),
                parseResult.GetValue(name),
                parseResult.GetValue(wait),
                parseResult.GetValue(timeout) ?? CommandOptions.DefaultTimeout),
            runtime,
            cancellationToken));
        return command;
    }

    public static Task<int> HandleAsync(
        ClusterTarget target, TriggerJobRequest request, CliRuntime runtime, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return DriftCtl.RunAsync(runtime, async () =>
        {
            using var cluster = KubernetesClientFactory.Connect(target);
            var cronJob = await cluster.ReadCronJobAsync(request.CronJob, cancellationToken).ConfigureAwait(false);
            var jobName = request.JobName ?? ManualJobName(request.CronJob, runtime.Time.GetUtcNow());
            var created = await cluster.CreateJobAsync(FromCronJob(cronJob, jobName, cluster.Namespace), cancellationToken)
                .ConfigureAwait(false);
            await runtime.Output.WriteLineAsync(
                $"job.batch/{created.Metadata.Name} created from cronjob/{request.CronJob} in namespace {cluster.Namespace}")
                .ConfigureAwait(false);
            return request.Wait
                ? await JobFollower.FollowAsync(cluster, created.Metadata.Name, request.Timeout, runtime, cancellationToken).ConfigureAwait(false)
                : ExitCodes.Success;
        });
    }

    /// <summary>
    /// The Job kubectl's createJobFromCronJob builds: the template's labels and spec, its annotations over
    /// instantiate=manual, and a controller reference to the CronJob without blockOwnerDeletion (which would need the
    /// cronjobs/finalizers permission).
    /// </summary>
    internal static V1Job FromCronJob(V1CronJob cronJob, string jobName, string ns)
    {
        ArgumentNullException.ThrowIfNull(cronJob);
        var template = cronJob.Spec?.JobTemplate
            ?? throw new CliException(ExitCodes.Failure, $"CronJob {cronJob.Metadata?.Name} has no jobTemplate");
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [JobSummary.InstantiateAnnotation] = "manual",
        };
        foreach (var (key, value) in template.Metadata?.Annotations ?? new Dictionary<string, string>())
        {
            annotations[key] = value;
        }

        return new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = new V1ObjectMeta
            {
                Name = jobName,
                NamespaceProperty = ns,
                Annotations = annotations,
                Labels = template.Metadata?.Labels,
                OwnerReferences =
                [
                    new V1OwnerReference
                    {
                        ApiVersion = "batch/v1",
                        Kind = "CronJob",
                        Name = cronJob.Metadata.Name,
                        Uid = cronJob.Metadata.Uid,
                        Controller = true,
                    },
                ],
            },
            Spec = template.Spec,
        };
    }

    /// <summary>
    /// "{cronjob}-manual-{yyyyMMddHHmmss}", the CronJob name shortened so the whole stays a 63-character DNS label
    /// (the Job's name is also a label value on its pods).
    /// </summary>
    internal static string ManualJobName(string cronJob, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(cronJob);
        var suffix = "-manual-" + now.UtcDateTime.ToString("yyyyMMddHHmmss");
        var stem = cronJob.Length > 63 - suffix.Length ? cronJob[..(63 - suffix.Length)].TrimEnd('-', '.') : cronJob;
        return stem + suffix;
    }
}
