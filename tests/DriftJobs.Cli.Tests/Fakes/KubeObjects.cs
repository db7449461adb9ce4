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
