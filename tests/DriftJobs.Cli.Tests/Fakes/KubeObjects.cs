using DriftJobs.Testing;
using k8s;
using k8s.Models;

namespace DriftJobs.Cli.Tests.Fakes;

/// <summary>Kubernetes objects for the fake API: the chart's real CronJob, and Jobs and pods as controllers make them.</summary>
internal static class KubeObjects
{
    /// <summary>The detector CronJob from k8s/drift-jobs.yaml (the chart rendered), as the API server would hold it.</summary>
    public static V1CronJob DetectorCronJob(string ns = CliHarness.Namespace)
    {
        var manifests = KubernetesYaml.LoadAllFromString(
            File.ReadAllText(Path.Combine(K8sTools.Root, "k8s", "drift-jobs.yaml")), null, strict: true);
        var cronJob = manifests.OfType<V1CronJob>().Single();
        cronJob.Metadata.NamespaceProperty = ns;
        cronJob.Metadata.Uid = "6f1d3c2a-0b7e-4d36-9a55-1c8f0e2b7d41";
        cronJob.Status = new V1CronJobStatus();
        return cronJob;
    }

    /// <summary>
    /// The detector CronJob as the chart renders it with detector.shards = N: an Indexed Job of N pods at once, each
    /// index retried on its own, DRIFT_SHARDS set on the container.
    /// </summary>
    public static V1CronJob ShardedDetectorCronJob(int shards, string ns = CliHarness.Namespace)
    {
        var cronJob = DetectorCronJob(ns);
        var spec = cronJob.Spec.JobTemplate.Spec;
        spec.CompletionMode = "Indexed";
        spec.Completions = shards;
        spec.Parallelism = shards;
        spec.BackoffLimit = null;
        spec.BackoffLimitPerIndex = 1;
        spec.MaxFailedIndexes = shards;
        spec.PodFailurePolicy.Rules[0].Action = "FailIndex";
        var container = spec.Template.Spec.Containers.Single(c => c.Name == "detector");
        container.Env = [new V1EnvVar { Name = "DRIFT_SHARDS", Value = shards.ToString(System.Globalization.CultureInfo.InvariantCulture) }];
        return cronJob;
    }

    /// <summary>A pod of an Indexed Job, with the index label and annotation the Job controller sets.</summary>
    public static V1Pod IndexedPodOf(
        V1Job job, int index, string suffix, string phase, DateTime created, int? exitCode = null, string? message = null)
    {
        var pod = PodOf(job, $"{job.Metadata.Name}-{index}-{suffix}", phase, created, exitCode);
        pod.Metadata.Labels["batch.kubernetes.io/job-completion-index"] = index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        pod.Metadata.Annotations = new Dictionary<string, string>(pod.Metadata.Annotations ?? new Dictionary<string, string>())
        {
            ["batch.kubernetes.io/job-completion-index"] = index.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (message is not null)
        {
            var terminated = pod.Status.ContainerStatuses[0].State.Terminated;
            terminated.Reason = "Error";
            terminated.Message = message;
        }

        return pod;
    }

    /// <summary>The index lists the Job controller keeps in an Indexed Job's status.</summary>
    public static void SetIndexes(V1Job job, string? completed, string? failed, int active)
    {
        job.Status.CompletedIndexes = completed;
        job.Status.FailedIndexes = failed;
        job.Status.Active = active;
        job.Status.Succeeded = completed is null ? 0 : CountIndexes(completed);
    }

    private static int CountIndexes(string ranges) => ranges.Split(',').Sum(part =>
        part.Split('-') is [var from, var to] ? int.Parse(to, System.Globalization.CultureInfo.InvariantCulture) - int.Parse(from, System.Globalization.CultureInfo.InvariantCulture) + 1 : 1);

    /// <summary>A Job as the CronJob controller creates it (or kubectl/driftctl by hand when manual).</summary>
    public static V1Job OwnedJob(
        V1CronJob owner, string name, DateTime created, bool manual = false, string ns = CliHarness.Namespace, string? ownerUid = null)
    {
        var uid = Guid.NewGuid().ToString();
        return new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = ns,
                Uid = uid,
                CreationTimestamp = created,
                Annotations = manual ? new Dictionary<string, string> { ["cronjob.kubernetes.io/instantiate"] = "manual" } : null,
                OwnerReferences =
                [
                    new V1OwnerReference
                    {
                        ApiVersion = "batch/v1", Kind = "CronJob", Name = owner.Metadata.Name, Uid = ownerUid ?? owner.Metadata.Uid, Controller = true,
                    },
                ],
            },
            Spec = new V1JobSpec
            {
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["batch.kubernetes.io/controller-uid"] = uid } },
                Template = owner.Spec.JobTemplate.Spec.Template,
                CompletionMode = owner.Spec.JobTemplate.Spec.CompletionMode,
                Completions = owner.Spec.JobTemplate.Spec.Completions,
                Parallelism = owner.Spec.JobTemplate.Spec.Parallelism,
            },
            Status = new V1JobStatus(),
        };
    }

    public static void Succeed(V1Job job, DateTime started, DateTime completed)
    {
        job.Status.StartTime = started;
        job.Status.CompletionTime = completed;
        job.Status.Succeeded = 1;
        job.Status.Conditions = [new V1JobCondition { Type = "Complete", Status = "True", LastTransitionTime = completed }];
    }

    public static void Fail(V1Job job, DateTime started, DateTime failed, string reason, string message)
    {
        job.Status.StartTime = started;
        job.Status.Failed = 1;
        job.Status.Conditions =
        [
            new V1JobCondition { Type = "FailureTarget", Status = "True", LastTransitionTime = failed, Reason = reason, Message = message },
            new V1JobCondition { Type = "Failed", Status = "True", LastTransitionTime = failed, Reason = reason, Message = message },
        ];
    }

    public static void Run(V1Job job, DateTime started)
    {
        job.Status.StartTime = started;
        job.Status.Active = 1;
    }

    /// <summary>A pod of the Job, labelled with its controller-uid as the Job controller does.</summary>
    public static V1Pod PodOf(V1Job job, string name, string phase, DateTime created, int? exitCode = null, string? waiting = null)
    {
        var container = job.Spec.Template.Spec.Containers[0].Name;
        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = job.Metadata.NamespaceProperty,
                CreationTimestamp = created,
                Labels = new Dictionary<string, string>
                {
                    ["batch.kubernetes.io/controller-uid"] = job.Metadata.Uid,
                    ["batch.kubernetes.io/job-name"] = job.Metadata.Name,
                },
                Annotations = job.Spec.Template.Metadata?.Annotations,
            },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = container, Image = "driftjobs/detector:test" }] },
            Status = new V1PodStatus
            {
                Phase = phase,
                ContainerStatuses =
                [
                    new V1ContainerStatus
                    {
                        Name = container,
                        Image = "driftjobs/detector:test",
                        ImageID = string.Empty,
                        Ready = phase == "Running",
                        RestartCount = 0,
                        State = exitCode is { } code
                            ? new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = code } }
                            : waiting is { } reason
                                ? new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = reason } }
                                : new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = created } },
                    },
                ],
            },
        };
    }
}
