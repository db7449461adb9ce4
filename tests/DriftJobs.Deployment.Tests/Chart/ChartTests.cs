using DriftJobs.Testing;
using k8s;
using k8s.Models;

namespace DriftJobs.Deployment.Tests.Chart;

public sealed class ChartTests
{
    [Theory]
    [InlineData]
    [InlineData("-f", "helm/drift-jobs/ci/full-values.yaml")]
    [InlineData("-f", "k8s/values.yaml")]
    [InlineData("-f", "k8s/values.yaml", "--set", "detector.shards=100")]
    public async Task Lint_strict_passes(params string[] args)
    {
        var result = await ProcessRunner.RunAsync(K8sTools.Helm, ["lint", "--strict", HelmChart.Directory, .. args]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("0 chart(s) failed", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Default_values_render_the_service_account_config_map_and_detector_cronjob_only()
    {
        var objects = await HelmChart.RenderDefaultsAsync();

        Assert.Equal(
            ["ServiceAccount/drift-jobs", "ConfigMap/drift-jobs", "CronJob/drift-jobs-detector"],
            objects.Select(o => $"{o.Kind}/{((IMetadata<V1ObjectMeta>)o).Metadata.Name}").ToArray());
        Assert.All(objects, o => Assert.Equal(HelmChart.Namespace, ((IMetadata<V1ObjectMeta>)o).Metadata.NamespaceProperty));
    }

    [Fact]
    public async Task Non_default_values_render_every_object()
    {
        var objects = await HelmChart.RenderFullAsync();

        Assert.Equal(
            [
                "ServiceAccount/churn-drift-jobs", "Secret/churn-drift-storage", "ConfigMap/churn-drift",
                "ConfigMap/churn-drift-dashboard", "Role/churn-drift-operator", "RoleBinding/churn-drift-operator", "CronJob/churn-drift-detector",
                "Job/churn-drift-baseline",
            ],
            objects.Select(o => $"{o.Kind}/{((IMetadata<V1ObjectMeta>)o).Metadata.Name}").ToArray());
    }

    [Fact]
    public async Task Strict_reading_rejects_a_field_the_models_do_not_have()
    {
        // The check the other tests rely on: a misspelt field in extraEnv passes the schema (it is a free-form
        // EnvVar) and helm, but not the strict read.
        var result = await HelmChart.TemplateAsync([.. HelmChart.Required, "--set", "detector.extraEnv[0].name=A", "--set", "detector.extraEnv[0].valu=1"]);
        Assert.Equal(0, result.ExitCode);

        var e = Assert.ThrowsAny<Exception>(() => HelmChart.Parse(result.Output));
        Assert.Contains("valu", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_detector_runs_hourly_one_run_at_a_time_and_cleans_up_after_itself()
    {
        var cronJob = (await HelmChart.RenderDefaultsAsync()).Single<V1CronJob>();

        Assert.Equal("0 * * * *", cronJob.Spec.Schedule);
        Assert.Equal("Etc/UTC", cronJob.Spec.TimeZone);
        Assert.False(cronJob.Spec.Suspend);
        Assert.Equal("Forbid", cronJob.Spec.ConcurrencyPolicy);
        Assert.Equal(600, cronJob.Spec.StartingDeadlineSeconds);
        Assert.Equal(3, cronJob.Spec.SuccessfulJobsHistoryLimit);
        Assert.Equal(3, cronJob.Spec.FailedJobsHistoryLimit);
        var job = cronJob.Spec.JobTemplate.Spec;
        Assert.Equal(2, job.BackoffLimit);
        Assert.Equal(86400, job.TtlSecondsAfterFinished);

        // A run, retries included, ends before the next one is due.
        Assert.InRange(job.ActiveDeadlineSeconds!.Value, 1, 3600 - 1);
    }

    [Fact]
    public async Task Detector_settings_follow_the_values()
    {
        var cronJob = (await HelmChart.RenderFullAsync()).Single<V1CronJob>();

        Assert.Equal("30 */2 * * *", cronJob.Spec.Schedule);
        Assert.Equal("Europe/Paris", cronJob.Spec.TimeZone);
        Assert.True(cronJob.Spec.Suspend);
        Assert.Equal("Replace", cronJob.Spec.ConcurrencyPolicy);
        Assert.Equal(300, cronJob.Spec.StartingDeadlineSeconds);
        Assert.Equal((5, 7), (cronJob.Spec.SuccessfulJobsHistoryLimit, cronJob.Spec.FailedJobsHistoryLimit));
        var job = cronJob.Spec.JobTemplate.Spec;
        // The full values shard the run: retries per index, and no Job-wide backoffLimit (detector.backoffLimit's 4).
        Assert.Equal(
            ("Indexed", 3, 3, (int?)null, 1, 1800L, 3600),
            (job.CompletionMode, job.Completions, job.Parallelism, job.BackoffLimit, job.BackoffLimitPerIndex, job.ActiveDeadlineSeconds, job.TtlSecondsAfterFinished));
        var container = job.Template.Spec.Containers.Single();
        Assert.Equal("registry.example/driftjobs/detector:1.2.3", container.Image);
        Assert.Equal("Always", container.ImagePullPolicy);
        Assert.Equal("4Gi", container.Resources.Limits["memory"].ToString());
        Assert.Equal("ml-platform", job.Template.Metadata.Labels["team"]);
        Assert.Equal("ml-platform", job.Template.Metadata.Annotations["example.com/team"]);
        Assert.Equal("batch", job.Template.Spec.Tolerations.Single().Value);
        Assert.Equal("linux", job.Template.Spec.NodeSelector["kubernetes.io/os"]);
        Assert.Equal("registry-credentials", job.Template.Spec.ImagePullSecrets.Single().Name);
    }

    [Fact]
    public async Task The_image_tag_defaults_to_the_chart_app_version()
    {
        var chart = await File.ReadAllTextAsync(Path.Combine(HelmChart.Directory, "Chart.yaml"));
        var appVersion = chart.Split('\n').Single(l => l.StartsWith("appVersion:", StringComparison.Ordinal)).Split(':')[1].Trim().Trim('"');

        var objects = await HelmChart.RenderDefaultsAsync("--set", "baseline.enabled=true", "--set", "baseline.trainingData=t.parquet");

        Assert.Equal(
            [$"driftjobs/detector:{appVersion}", $"driftjobs/baseline:{appVersion}"],
            HelmChart.PodTemplates(objects).Select(p => p.Template.Spec.Containers.Single().Image).ToArray());
    }

    [Fact]
    public async Task Exit_code_2_fails_a_job_at_once_and_disruptions_do_not_count_as_failures()
    {
        var templates = HelmChart.PodTemplates(await HelmChart.RenderFullAsync()).ToList();

        Assert.Equal(2, templates.Count);
        foreach (var (owner, template, job) in templates)
        {
            // podFailurePolicy needs restartPolicy Never: the exit code must end the pod, not restart the container.
            Assert.Equal("Never", template.Spec.RestartPolicy);
            var rules = job.PodFailurePolicy.Rules;
            Assert.Equal(2, rules.Count);
            Assert.Equal("FailJob", rules[0].Action);
            Assert.Equal("In", rules[0].OnExitCodes.OperatorProperty);
            Assert.Equal([2], rules[0].OnExitCodes.Values);
            Assert.Equal(template.Spec.Containers.Single().Name, rules[0].OnExitCodes.ContainerName);
            Assert.Equal("Ignore", rules[1].Action);
            Assert.Equal("DisruptionTarget", rules[1].OnPodConditions.Single().Type);
            Assert.NotNull(owner);
        }
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(100, 0)]
    public async Task More_than_one_shard_makes_each_run_an_indexed_job_of_that_many_pods(int shards, int backoffLimitPerIndex)
    {
        var objects = await HelmChart.RenderDefaultsAsync(
            "--set", $"detector.shards={shards}", "--set", $"detector.backoffLimitPerIndex={backoffLimitPerIndex}");

        var job = objects.Single<V1CronJob>().Spec.JobTemplate.Spec;
        Assert.Equal(("Indexed", shards, shards), (job.CompletionMode, job.Completions, job.Parallelism));
        // Retries are counted per index; a Job-wide backoffLimit would let one shard's failures use up the others'.
        Assert.Equal(backoffLimitPerIndex, job.BackoffLimitPerIndex);
        Assert.Null(job.BackoffLimit);
        // One failed index fails the Job at once: index 0 would only wait for it until detector.shardWaitSeconds.
        Assert.Equal(0, job.MaxFailedIndexes);
        // backoffLimitPerIndex needs restartPolicy Never; exit code 2 still fails the whole Job at once.
        Assert.Equal("Never", job.Template.Spec.RestartPolicy);
        var rules = job.PodFailurePolicy.Rules;
        Assert.Equal(("FailJob", "detector", "In"), (rules[0].Action, rules[0].OnExitCodes.ContainerName, rules[0].OnExitCodes.OperatorProperty));
        Assert.Equal([2], rules[0].OnExitCodes.Values);
        Assert.Equal(("Ignore", "DisruptionTarget"), (rules[1].Action, rules[1].OnPodConditions.Single().Type));

        // Each pod learns the shard count from its own Job's template; Kubernetes adds JOB_COMPLETION_INDEX itself.
        var container = job.Template.Spec.Containers.Single();
        Assert.Equal(shards.ToString(System.Globalization.CultureInfo.InvariantCulture), container.Env.Single(e => e.Name == "DRIFT_SHARDS").Value);
        Assert.DoesNotContain(container.Env, e => e.Name == "JOB_COMPLETION_INDEX");
        var configMap = objects.Single<V1ConfigMap>().Data;
        Assert.DoesNotContain("DRIFT_SHARDS", configMap.Keys);
        Assert.DoesNotContain("JOB_COMPLETION_INDEX", configMap.Keys);
        Assert.Equal(("on", "1800"), (configMap["DRIFT_HOUR_PROFILES"], configMap["DRIFT_SHARD_WAIT_SECONDS"]));
    }

    [Fact]
    public async Task One_shard_keeps_the_plain_job_and_its_backoff_limit()
    {
        foreach (var (objects, backoffLimit) in new[]
        {
            (await HelmChart.RenderDefaultsAsync("--set", "detector.backoffLimitPerIndex=5"), 2),
            (await HelmChart.RenderFullAsync("--set", "detector.shards=1"), 4),
        })
        {
            var job = objects.Single<V1CronJob>().Spec.JobTemplate.Spec;
            Assert.Equal(backoffLimit, job.BackoffLimit);
            Assert.Equal(
                ((string?)null, (int?)null, (int?)null, (int?)null, (int?)null),
                (job.CompletionMode, job.Completions, job.Parallelism, job.BackoffLimitPerIndex, job.MaxFailedIndexes));
            Assert.DoesNotContain(job.Template.Spec.Containers.Single().Env ?? [], e => e.Name is "DRIFT_SHARDS" or "JOB_COMPLETION_INDEX");
            Assert.NotNull(job.PodFailurePolicy);
        }
    }

    [Fact]
    public async Task Hour_profile_and_shard_settings_follow_the_values()
    {
        var full = (await HelmChart.RenderFullAsync()).SettingsConfigMap().Data;
        Assert.Equal(("on", "2160", "1200"), (full["DRIFT_HOUR_PROFILES"], full["DRIFT_HOUR_PROFILE_RETENTION_HOURS"], full["DRIFT_SHARD_WAIT_SECONDS"]));

        // The ends of what the chart accepts: profiles off (one shard), retention equal to the window, the widest
        // retention, and a sharded wait one second under the Job's deadline.
        var off = (await HelmChart.RenderDefaultsAsync(
            "--set", "detector.hourProfiles=false", "--set", "drift.analysisWindowHours=48", "--set", "detector.hourProfileRetentionHours=48")).Single<V1ConfigMap>().Data;
        Assert.Equal(("off", "48"), (off["DRIFT_HOUR_PROFILES"], off["DRIFT_HOUR_PROFILE_RETENTION_HOURS"]));
        var widest = (await HelmChart.RenderDefaultsAsync("--set", "detector.hourProfileRetentionHours=8784")).Single<V1ConfigMap>().Data;
        Assert.Equal("8784", widest["DRIFT_HOUR_PROFILE_RETENTION_HOURS"]);
        var justUnder = (await HelmChart.RenderDefaultsAsync(
            "--set", "detector.shards=2", "--set", "detector.activeDeadlineSeconds=2400", "--set", "detector.shardWaitSeconds=2399")).Single<V1ConfigMap>().Data;
        Assert.Equal("2399", justUnder["DRIFT_SHARD_WAIT_SECONDS"]);

        // With one shard nothing waits, so a wait past the deadline is no error.
        var single = (await HelmChart.RenderDefaultsAsync("--set", "detector.shardWaitSeconds=86400")).Single<V1ConfigMap>().Data;
        Assert.Equal("86400", single["DRIFT_SHARD_WAIT_SECONDS"]);
    }

    [Fact]
    public async Task The_seasonal_reference_follows_the_values()
    {
        var defaults = (await HelmChart.RenderDefaultsAsync()).Single<V1ConfigMap>().Data;
        Assert.Equal(("baseline", "info"), (defaults["DRIFT_REFERENCE"], defaults["DRIFT_SEASONAL_SEVERITY"]));
        var full = (await HelmChart.RenderFullAsync()).SettingsConfigMap().Data;
        Assert.Equal(("baseline+previous-week", "warning"), (full["DRIFT_REFERENCE"], full["DRIFT_SEASONAL_SEVERITY"]));

        // The shortest retention that keeps the week before: the window plus 168 hours.
        var shortest = (await HelmChart.RenderDefaultsAsync("--set", "detector.reference=baseline+previous-week", "--set", "detector.hourProfileRetentionHours=192")).Single<V1ConfigMap>().Data;
        Assert.Equal("192", shortest["DRIFT_HOUR_PROFILE_RETENTION_HOURS"]);
    }

    [Fact]
    public async Task Pods_meet_the_restricted_pod_security_standard()
    {
        foreach (var objects in new[] { await HelmChart.RenderDefaultsAsync("--set", "baseline.enabled=true", "--set", "baseline.trainingData=t.parquet"), await HelmChart.RenderFullAsync() })
        {
            var templates = HelmChart.PodTemplates(objects).ToList();
            Assert.Equal(2, templates.Count);
            foreach (var (owner, template, _) in templates)
            {
                var pod = template.Spec;
                Assert.True(pod.SecurityContext.RunAsNonRoot, owner);
                Assert.NotEqual(0, pod.SecurityContext.RunAsUser);
                Assert.Equal("RuntimeDefault", pod.SecurityContext.SeccompProfile.Type);
                Assert.False(pod.AutomountServiceAccountToken);
                Assert.Null(pod.HostNetwork);
                Assert.Null(pod.HostPID);
                Assert.Null(pod.HostIPC);
                Assert.All(pod.Volumes, v => Assert.Null(v.HostPath));

                var container = pod.Containers.Single();
                var security = container.SecurityContext;
                Assert.False(security.AllowPrivilegeEscalation);
                Assert.True(security.ReadOnlyRootFilesystem);
                Assert.True(security.RunAsNonRoot);
                Assert.Null(security.Privileged);
                Assert.Equal(["ALL"], security.Capabilities.Drop);
                Assert.Null(security.Capabilities.Add);
                Assert.Equal("RuntimeDefault", security.SeccompProfile.Type);

                // The read-only root filesystem leaves /tmp writable through an emptyDir.
                var tmp = Assert.Single(container.VolumeMounts, m => m.MountPath == "/tmp");
                Assert.NotNull(Assert.Single(pod.Volumes, v => v.Name == tmp.Name).EmptyDir);

                foreach (var resource in new[] { "cpu", "memory" })
                {
                    Assert.True(container.Resources.Requests.ContainsKey(resource), $"{owner}: requests.{resource}");
                    Assert.True(container.Resources.Limits.ContainsKey(resource), $"{owner}: limits.{resource}");
                }
            }
        }
    }

    [Fact]
    public async Task Objects_carry_the_helm_create_labels_and_pods_the_component()
    {
        var objects = await HelmChart.RenderFullAsync();

        foreach (var o in objects.Cast<IMetadata<V1ObjectMeta>>())
        {
            var labels = o.Metadata.Labels;
            Assert.Equal("drift", labels["app.kubernetes.io/name"]);
            Assert.Equal(HelmChart.Release, labels["app.kubernetes.io/instance"]);
            Assert.Equal("Helm", labels["app.kubernetes.io/managed-by"]);
            Assert.Matches(@"^drift-jobs-\d+\.\d+\.\d+", labels["helm.sh/chart"]);
            Assert.True(labels.ContainsKey("app.kubernetes.io/version"));
        }

        var cronJob = objects.Single<V1CronJob>();
        Assert.Equal("detector", cronJob.Metadata.Labels["app.kubernetes.io/component"]);
        Assert.Equal("detector", cronJob.Spec.JobTemplate.Metadata.Labels["app.kubernetes.io/component"]);
        foreach (var (owner, template, _) in HelmChart.PodTemplates(objects))
        {
            var component = owner.EndsWith("-detector", StringComparison.Ordinal) ? "detector" : "baseline";
            Assert.Equal(component, template.Metadata.Labels["app.kubernetes.io/component"]);
            Assert.Equal(HelmChart.Release, template.Metadata.Labels["app.kubernetes.io/instance"]);
            Assert.Equal(component, template.Metadata.Annotations["kubectl.kubernetes.io/default-container"]);
            Assert.Equal(component, template.Spec.Containers.Single().Name);
        }
    }

    [Fact]
    public async Task The_config_map_carries_the_documented_defaults_for_both_jobs()
    {
        var objects = await HelmChart.RenderDefaultsAsync("--set", "baseline.enabled=true", "--set", "baseline.trainingData=t.parquet");

        var configMap = objects.Single<V1ConfigMap>();
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["MODEL_NAME"] = "churn",
                ["MODEL_VERSION"] = "3",
                ["AZURE_STORAGE_ACCOUNT_URL"] = "https://mystorageaccount.blob.core.windows.net",
                ["DRIFT_CONTAINER"] = "model-monitoring",
                ["DRIFT_LOGS_PREFIX"] = "inference-logs",
                ["DRIFT_GROUND_TRUTH_PREFIX"] = "ground-truth",
                ["DRIFT_PSI_THRESHOLD"] = "0.2",
                ["DRIFT_ANALYSIS_WINDOW_HOURS"] = "24",
                ["DRIFT_MIN_SAMPLES"] = "100",
                ["DRIFT_SCORE_CRITICAL_THRESHOLD"] = "0.5",
                ["DRIFT_PSI_BINS"] = "10",
                ["DRIFT_KS_PVALUE_THRESHOLD"] = "0.05",
                ["DRIFT_KS_MIN_STATISTIC"] = "0.05",
                ["DRIFT_MULTIPLE_TESTING"] = "bh",
                ["DRIFT_SEGMENT_COLUMNS"] = "",
                ["DRIFT_MAX_SEGMENTS"] = "20",
                ["DRIFT_LABEL_DELAY_HOURS"] = "24",
                ["DRIFT_PERFORMANCE_METRIC"] = "auto",
                ["DRIFT_PERFORMANCE_EFFECT_FLOOR"] = "0.05",
                ["DRIFT_PERFORMANCE_CRITICAL_FLOOR"] = "0.15",
                ["DRIFT_PERFORMANCE_ALPHA"] = "0.01",
                ["DRIFT_MIN_LABELS"] = "200",
                ["DRIFT_MIN_LABEL_COVERAGE"] = "0.5",
                ["DRIFT_MAX_CALIBRATION_ERROR"] = "0.05",
                ["DRIFT_TREND_DELTA"] = "0.005",
                ["DRIFT_TREND_LAMBDA"] = "0.5",
                ["DRIFT_JOIN_MEMORY_MB"] = "256",
                ["DRIFT_HOUR_PROFILES"] = "on",
                ["DRIFT_HOUR_PROFILE_RETENTION_HOURS"] = "744",
                ["DRIFT_SHARD_WAIT_SECONDS"] = "1800",
                ["DRIFT_REFERENCE"] = "baseline",
                ["DRIFT_SEASONAL_SEVERITY"] = "info",
                ["DRIFT_ALERT_COOLDOWN_HOURS"] = "24",
                ["DRIFT_ALERT_MIN_CONSECUTIVE_WINDOWS"] = "1",
            },
            configMap.Data);
        Assert.All(
            HelmChart.PodTemplates(objects),
            p => Assert.Equal(configMap.Metadata.Name, p.Template.Spec.Containers.Single().EnvFrom.Single().ConfigMapRef.Name));
    }

    [Fact]
    public async Task Large_and_fractional_settings_keep_their_value_in_the_config_map()
    {
        var configMap = (await HelmChart.RenderFullAsync()).SettingsConfigMap();

        // Helm reads numbers as floats: 2000000 must not come out as 2e+06.
        Assert.Equal("2000000", configMap.Data["DRIFT_MIN_SAMPLES"]);
        Assert.Equal("0.25", configMap.Data["DRIFT_PSI_THRESHOLD"]);
        Assert.Equal("0.01", configMap.Data["DRIFT_KS_PVALUE_THRESHOLD"]);
        Assert.Equal("bonferroni", configMap.Data["DRIFT_MULTIPLE_TESTING"]);
        Assert.Equal("2024.06", configMap.Data["MODEL_VERSION"]);
    }

    [Fact]
    public async Task Performance_settings_and_the_ground_truth_prefix_follow_the_values()
    {
        var data = (await HelmChart.RenderFullAsync()).SettingsConfigMap().Data;

        Assert.Equal(
            [
                ("DRIFT_GROUND_TRUTH_PREFIX", "labels/churn"),
                ("DRIFT_LABEL_DELAY_HOURS", "72"),
                ("DRIFT_PERFORMANCE_METRIC", "f1"),
                ("DRIFT_PERFORMANCE_EFFECT_FLOOR", "0.1"),
                ("DRIFT_PERFORMANCE_CRITICAL_FLOOR", "0.25"),
                ("DRIFT_PERFORMANCE_ALPHA", "0.001"),
                // Helm reads numbers as floats: 1500000 must not come out as 1.5e+06.
                ("DRIFT_MIN_LABELS", "1500000"),
                ("DRIFT_MIN_LABEL_COVERAGE", "0.2"),
                ("DRIFT_MAX_CALIBRATION_ERROR", "0.1"),
                ("DRIFT_TREND_DELTA", "0.0025"),
                ("DRIFT_TREND_LAMBDA", "2.5"),
                ("DRIFT_JOIN_MEMORY_MB", "1024"),
            ],
            new[]
            {
                "DRIFT_GROUND_TRUTH_PREFIX", "DRIFT_LABEL_DELAY_HOURS", "DRIFT_PERFORMANCE_METRIC", "DRIFT_PERFORMANCE_EFFECT_FLOOR",
                "DRIFT_PERFORMANCE_CRITICAL_FLOOR", "DRIFT_PERFORMANCE_ALPHA", "DRIFT_MIN_LABELS", "DRIFT_MIN_LABEL_COVERAGE",
                "DRIFT_MAX_CALIBRATION_ERROR", "DRIFT_TREND_DELTA", "DRIFT_TREND_LAMBDA", "DRIFT_JOIN_MEMORY_MB",
            }.Select(k => (k, data.TryGetValue(k, out var v) ? v : null)));

        // The ends of the declared ranges pass the schema: 0 hours of delay, no coverage floor, no noise tolerance.
        var ends = (await HelmChart.RenderDefaultsAsync(
            "--set", "performance.labelDelayHours=0", "--set-json", "performance.minLabelCoverage=0", "--set-json", "performance.trendDelta=0",
            "--set-json", "performance.alpha=0.5", "--set-json", "performance.criticalFloor=0.05", "--set", "performance.joinMemoryMb=65536")).Single<V1ConfigMap>().Data;
        Assert.Equal(("0", "0", "0", "0.5", "0.05", "65536"), (ends["DRIFT_LABEL_DELAY_HOURS"], ends["DRIFT_MIN_LABEL_COVERAGE"], ends["DRIFT_TREND_DELTA"], ends["DRIFT_PERFORMANCE_ALPHA"], ends["DRIFT_PERFORMANCE_CRITICAL_FLOOR"], ends["DRIFT_JOIN_MEMORY_MB"]));
    }

    [Fact]
    public async Task Every_detector_setting_is_a_chart_value_but_those_left_to_extra_env_or_set_elsewhere()
    {
        // The detector's settings as declared: docs/operations.md's generated table, which SettingsTests holds to DetectorSettings.All.
        var guide = await File.ReadAllTextAsync(Path.Combine(K8sTools.Root, "docs", "operations.md"));
        var from = guide.IndexOf("<!-- settings: drift-detector -->", StringComparison.Ordinal);
        var to = guide.IndexOf("<!-- /settings -->", from, StringComparison.Ordinal);
        var declared = guide[from..to].Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)).Select(l => l.Split('`')[1]).ToHashSet(StringComparer.Ordinal);
        string[] elsewhere =
        [
            "DRIFT_WINDOW_END", // a run's own (driftctl, a backfill), never the CronJob's
            "JOB_COMPLETION_INDEX", // Kubernetes sets it in each pod of the Indexed Job detector.shards > 1 makes
            "DRIFT_BACKFILL_FROM", "DRIFT_BACKFILL_TO", // driftctl backfill's, on a one-off Job, never the CronJob's
            "DRIFT_LOGS_PATH", // an env var from detector.logsVolume
            "DRIFT_SLACK_WEBHOOK_URL", "DRIFT_WEBHOOK_URL", "DRIFT_WEBHOOK_SECRET", "AZURE_STORAGE_CONNECTION_STRING", // Secrets
            // Tuning left to detector.extraEnv.
            "DRIFT_MISSING_RATE_INCREASE", "DRIFT_OUT_OF_RANGE_SHARE", "DRIFT_UNSEEN_CATEGORY_SHARE", "DRIFT_READ_CONCURRENCY",
            "DRIFT_SINK_TIMEOUT_SECONDS", "DRIFT_SINK_RETRIES", "DRIFT_SINK_RETRY_BACKOFF_SECONDS",
        ];
        Assert.Subset(declared, elsewhere.ToHashSet(StringComparer.Ordinal));

        // Every optional key set: the sinks' URLs appear only when given, DRIFT_SHARDS only for more than one shard.
        var objects = await HelmChart.RenderDefaultsAsync(
            "--set", "alerts.alertmanagerUrl=http://am:9093", "--set", "alerts.pushgatewayUrl=http://pg:9091", "--set", "alerts.reportBaseUrl=https://r",
            "--set", "detector.shards=2");
        var data = objects.Single<V1ConfigMap>().Data;
        // DRIFT_SHARDS goes with the Job's shape: in the CronJob's pod template, not the ConfigMap.
        var env = objects.Single<V1CronJob>().Spec.JobTemplate.Spec.Template.Spec.Containers.Single().Env.Select(e => e.Name).ToList();
        Assert.Equal(["DRIFT_SHARDS"], env);

        // A new setting needs its chart value (CONTRIBUTING.md), or a place in the list above.
        Assert.Empty(declared.Except(elsewhere).Except(data.Keys).Except(env).Order(StringComparer.Ordinal));
        // DRIFT_PSI_BINS and DRIFT_MAX_SEGMENTS are the baseline job's.
        Assert.Equal(["DRIFT_PSI_BINS", "DRIFT_MAX_SEGMENTS"], data.Keys.Except(declared));
    }

    [Fact]
    public async Task The_joins_spill_goes_to_the_size_limited_tmp_volume()
    {
        // The join spills to Path.GetTempPath(): /tmp unless TMPDIR says otherwise, and the root filesystem is read-only.
        foreach (var (objects, limit) in new[] { (await HelmChart.RenderDefaultsAsync(), "1Gi"), (await HelmChart.RenderFullAsync(), "2Gi") })
        {
            var pod = objects.Single<V1CronJob>().Spec.JobTemplate.Spec.Template.Spec;
            var container = pod.Containers.Single();
            Assert.DoesNotContain(container.Env ?? [], e => e.Name == "TMPDIR");
            var tmp = Assert.Single(container.VolumeMounts, m => m.MountPath == "/tmp");
            Assert.NotEqual(true, tmp.ReadOnlyProperty);
            Assert.Equal(limit, pod.Volumes.Single(v => v.Name == tmp.Name).EmptyDir.SizeLimit.ToString());
        }
    }

    [Fact]
    public async Task Workload_identity_is_the_default_way_in_and_no_secret_is_rendered()
    {
        var objects = await HelmChart.RenderDefaultsAsync(
            "--set", "workloadIdentity.clientId=11111111-2222-3333-4444-555555555555", "--set", "workloadIdentity.tenantId=tenant-x");

        Assert.Empty(objects.OfType<V1Secret>());
        var account = objects.Single<V1ServiceAccount>();
        Assert.Equal("11111111-2222-3333-4444-555555555555", account.Metadata.Annotations["azure.workload.identity/client-id"]);
        Assert.Equal("tenant-x", account.Metadata.Annotations["azure.workload.identity/tenant-id"]);
        var (_, template, _) = HelmChart.PodTemplates(objects).Single();
        Assert.Equal("true", template.Metadata.Labels["azure.workload.identity/use"]);
        Assert.Equal(account.Metadata.Name, template.Spec.ServiceAccountName);
        Assert.Null(template.Spec.Containers.Single().Env);
    }

    [Fact]
    public async Task A_connection_string_comes_from_the_secret_the_chart_creates()
    {
        var objects = await HelmChart.RenderFullAsync();

        var secret = objects.Single<V1Secret>();
        Assert.Equal(
            "DefaultEndpointsProtocol=https;AccountName=example;AccountKey=c2VjcmV0;EndpointSuffix=core.windows.net",
            System.Text.Encoding.UTF8.GetString(secret.Data["conn"]));
        Assert.False(objects.SettingsConfigMap().Data.ContainsKey("AZURE_STORAGE_ACCOUNT_URL"));
        foreach (var (_, template, _) in HelmChart.PodTemplates(objects))
        {
            var env = template.Spec.Containers.Single().Env.Single(e => e.Name == "AZURE_STORAGE_CONNECTION_STRING");
            Assert.Null(env.Value);
            Assert.Equal((secret.Metadata.Name, "conn"), (env.ValueFrom.SecretKeyRef.Name, env.ValueFrom.SecretKeyRef.Key));
            Assert.False(template.Metadata.Labels.ContainsKey("azure.workload.identity/use"));
        }
    }

    [Fact]
    public async Task The_detector_reads_the_logs_from_a_mounted_volume_when_the_values_give_one()
    {
        var mounted = (await HelmChart.RenderDefaultsAsync(
            "--set", "detector.logsVolume.persistentVolumeClaim.claimName=drift-logs",
            "--set", "detector.logsMountPath=/mnt/logs")).Single<V1CronJob>().Spec.JobTemplate.Spec.Template.Spec;

        var volume = mounted.Volumes.Single(v => v.Name == "logs");
        Assert.Equal("drift-logs", volume.PersistentVolumeClaim.ClaimName);
        var container = mounted.Containers.Single();
        var mount = container.VolumeMounts.Single(m => m.Name == "logs");
        Assert.Equal(("/mnt/logs", true), (mount.MountPath, mount.ReadOnlyProperty));
        Assert.Equal("/mnt/logs", container.Env.Single(e => e.Name == "DRIFT_LOGS_PATH").Value);
        // /tmp stays writable next to it.
        Assert.Contains(container.VolumeMounts, m => m.MountPath == "/tmp" && m.ReadOnlyProperty is not true);

        // By default the logs come through the Blob API: no volume, no DRIFT_LOGS_PATH.
        var plain = (await HelmChart.RenderDefaultsAsync()).Single<V1CronJob>().Spec.JobTemplate.Spec.Template.Spec;
        Assert.Equal(["tmp"], plain.Volumes.Select(v => v.Name));
        Assert.DoesNotContain(plain.Containers.Single().Env ?? [], e => e.Name == "DRIFT_LOGS_PATH");
    }

    [Fact]
    public async Task An_existing_secret_is_referenced_and_none_is_created()
    {
        var objects = await HelmChart.RenderAsync(
            "--set", "model.name=churn", "--set-string", "model.version=3",
            "--set", "storage.connectionString.enabled=true", "--set", "storage.connectionString.existingSecret=blob-conn");

        Assert.Empty(objects.OfType<V1Secret>());
        var env = HelmChart.PodTemplates(objects).Single().Template.Spec.Containers.Single().Env.Single();
        Assert.Equal(("AZURE_STORAGE_CONNECTION_STRING", "blob-conn", "connection-string"), (env.Name, env.ValueFrom.SecretKeyRef.Name, env.ValueFrom.SecretKeyRef.Key));
    }

    [Fact]
    public async Task Alert_sinks_get_urls_from_the_config_map_and_credentials_only_from_the_existing_secret()
    {
        var objects = await HelmChart.RenderDefaultsAsync(
            "--set", "alerts.alertmanagerUrl=http://alertmanager:9093", "--set", "alerts.pushgatewayUrl=http://pushgateway:9091",
            "--set", "alerts.existingSecret=alert-sinks", "--set", "alerts.webhookSecretKey=hmac");

        var data = objects.Single<V1ConfigMap>().Data;
        Assert.Equal("http://alertmanager:9093", data["DRIFT_ALERTMANAGER_URL"]);
        Assert.Equal("http://pushgateway:9091", data["DRIFT_PUSHGATEWAY_URL"]);
        Assert.DoesNotContain(data.Keys, k => k is "DRIFT_SLACK_WEBHOOK_URL" or "DRIFT_WEBHOOK_URL" or "DRIFT_WEBHOOK_SECRET");
        var env = HelmChart.PodTemplates(objects).Single().Template.Spec.Containers.Single().Env.ToDictionary(e => e.Name);
        Assert.Equal(
            [("DRIFT_SLACK_WEBHOOK_URL", "slack-webhook-url"), ("DRIFT_WEBHOOK_SECRET", "hmac"), ("DRIFT_WEBHOOK_URL", "webhook-url")],
            env.Values.OrderBy(e => e.Name, StringComparer.Ordinal).Select(e => (e.Name, e.ValueFrom.SecretKeyRef.Key)));
        Assert.All(env.Values, e =>
        {
            Assert.Null(e.Value);
            Assert.Equal("alert-sinks", e.ValueFrom.SecretKeyRef.Name);
            Assert.True(e.ValueFrom.SecretKeyRef.Optional);
        });
    }

    [Fact]
    public async Task Pods_can_run_as_an_existing_service_account()
    {
        var objects = await HelmChart.RenderDefaultsAsync("--set", "serviceAccount.create=false", "--set", "serviceAccount.name=ml-jobs");

        Assert.Empty(objects.OfType<V1ServiceAccount>());
        Assert.Equal("ml-jobs", HelmChart.PodTemplates(objects).Single().Template.Spec.ServiceAccountName);

        var unnamed = await HelmChart.TemplateAsync([.. HelmChart.Required, "--set", "serviceAccount.create=false"]);
        Assert.NotEqual(0, unnamed.ExitCode);
        Assert.Contains("serviceAccount.name is required when serviceAccount.create is false", unnamed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_baseline_job_is_opt_in_runs_as_a_hook_and_carries_its_settings()
    {
        Assert.Empty((await HelmChart.RenderDefaultsAsync()).OfType<V1Job>());

        var job = (await HelmChart.RenderFullAsync()).Single<V1Job>();
        Assert.Equal("post-install,post-upgrade", job.Metadata.Annotations["helm.sh/hook"]);
        Assert.Equal("before-hook-creation", job.Metadata.Annotations["helm.sh/hook-delete-policy"]);
        Assert.Equal((0, 7200L, 600), (job.Spec.BackoffLimit, job.Spec.ActiveDeadlineSeconds, job.Spec.TtlSecondsAfterFinished));
        var container = job.Spec.Template.Spec.Containers.Single();
        Assert.Equal("registry.example/driftjobs/baseline:1.2.3", container.Image);
        Assert.Equal(
            [
                ("AZURE_STORAGE_CONNECTION_STRING", null),
                ("TRAINING_DATA", "training/churn/2024.06.parquet"),
                ("TARGET_COLUMN", "churned"),
                ("EXCLUDE_COLUMNS", "customer_id,signup_date"),
                ("CATEGORICAL_COLUMNS", "plan,region"),
                ("VALIDATION_DATA", "validation/churn/2024.06.parquet"),
                ("MODEL_TASK", "classification"),
                ("POSITIVE_CLASS", "yes"),
                ("LOG_LEVEL", "Debug"),
            ],
            container.Env.Select(e => (e.Name, (string?)e.Value)).ToArray());
    }

    [Fact]
    public async Task Object_names_stay_within_kubernetes_limits_for_long_release_names()
    {
        var result = await ProcessRunner.RunAsync(
            K8sTools.Helm,
            ["template", "a-53-character-release-name-the-longest-helm-accepts1", HelmChart.Directory, .. HelmChart.Required]);
        Assert.True(result.ExitCode == 0, result.ToString());

        var cronJob = HelmChart.Parse(result.Output).Single<V1CronJob>();
        // The CronJob controller appends 11 characters for its Jobs' names, which must stay within 63.
        Assert.InRange(cronJob.Metadata.Name.Length, 1, 52);
        Assert.EndsWith("-detector", cronJob.Metadata.Name, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("model.name is required (MODEL_NAME)")]
    [InlineData("model.version is required (MODEL_VERSION)", "--set", "model.name=m")]
    [InlineData("storage.accountUrl is required", "--set", "model.name=m", "--set-string", "model.version=1")]
    [InlineData("set storage.accountUrl (workload identity) or storage.connectionString.enabled, not both", "STORAGE", "--set", "storage.connectionString.enabled=true", "--set", "storage.connectionString.value=x")]
    [InlineData("storage.connectionString.enabled needs storage.connectionString.existingSecret or storage.connectionString.value", "--set", "model.name=m", "--set-string", "model.version=1", "--set", "storage.connectionString.enabled=true")]
    [InlineData("baseline.trainingData is required when baseline.enabled", "STORAGE", "--set", "baseline.enabled=true")]
    [InlineData("concurrencyPolicy", "STORAGE", "--set", "detector.concurrencyPolicy=Sometimes")]
    [InlineData("multipleTesting", "STORAGE", "--set", "drift.multipleTesting=holm")]
    [InlineData("schedul", "STORAGE", "--set", "detector.schedul=0 0 * * *")]
    [InlineData("psiBins", "STORAGE", "--set", "drift.psiBins=1")]
    [InlineData("performance.criticalFloor (0.04) must be at least performance.effectFloor (0.05)", "STORAGE", "--set-json", "performance.criticalFloor=0.04")]
    [InlineData("performance/metric", "STORAGE", "--set", "performance.metric=auc")]
    [InlineData("performance.labelDelayHours (721) plus drift.analysisWindowHours (24) must be at most 744 hours", "STORAGE", "--set", "performance.labelDelayHours=721")]
    [InlineData("storage.groundTruthPrefix and storage.logsPrefix must name different folders", "STORAGE", "--set", "storage.groundTruthPrefix=inference-logs/")]
    [InlineData("performance/labelDelayHours", "STORAGE", "--set", "performance.labelDelayHours=745")]
    [InlineData("performance/alpha", "STORAGE", "--set-json", "performance.alpha=0.6")]
    [InlineData("performance/effectFloor", "STORAGE", "--set-json", "performance.effectFloor=0")]
    [InlineData("performance/trendLambda", "STORAGE", "--set-json", "performance.trendLambda=0")]
    [InlineData("performance/joinMemoryMb", "STORAGE", "--set", "performance.joinMemoryMb=0")]
    [InlineData("performance/minLabels", "STORAGE", "--set-json", "performance.minLabels=1.5")]
    [InlineData("storage/groundTruthPrefix", "STORAGE", "--set", "storage.groundTruthPrefix=")]
    [InlineData("logsMountPath", "STORAGE", "--set", "detector.logsMountPath=logs")]
    [InlineData("detector.logsMountPath \"/tmp/logs\" would hide", "STORAGE", "--set", "detector.logsVolume.csi.driver=blob.csi.azure.com", "--set", "detector.logsMountPath=/tmp/logs")]
    [InlineData("detector.logsMountPath \"/\" would hide", "STORAGE", "--set", "detector.logsVolume.csi.driver=blob.csi.azure.com", "--set", "detector.logsMountPath=/")]
    [InlineData("detector.logsMountPath \"/app/logs\" would hide", "STORAGE", "--set", "detector.logsVolume.csi.driver=blob.csi.azure.com", "--set", "detector.logsMountPath=/app/logs")]
    [InlineData("logsVolume", "STORAGE", "--set", "detector.logsVolume.name=mylogs")]
    [InlineData("logsVolume", "STORAGE", "--set", "detector.logsVolume.hostPath.path=/var/logs")]
    [InlineData("extraEnv sets DRIFT_LOGS_PATH", "STORAGE", "--set", "detector.logsVolume.csi.driver=blob.csi.azure.com", "--set", "detector.extraEnv[0].name=DRIFT_LOGS_PATH", "--set", "detector.extraEnv[0].value=/other")]
    [InlineData("model/version", "--set", "model.name=m", "--set", "model.version=3", "--set", "storage.accountUrl=https://a.blob.core.windows.net")]
    [InlineData("detector/shards", "STORAGE", "--set", "detector.shards=0")]
    [InlineData("detector/shards", "STORAGE", "--set", "detector.shards=101")]
    [InlineData("detector/shards", "STORAGE", "--set-json", "detector.shards=1.5")]
    [InlineData("detector/backoffLimitPerIndex", "STORAGE", "--set", "detector.shards=2", "--set", "detector.backoffLimitPerIndex=-1")]
    [InlineData("detector/hourProfiles", "STORAGE", "--set", "detector.hourProfiles=off")]
    [InlineData("detector/hourProfileRetentionHours", "STORAGE", "--set", "detector.hourProfileRetentionHours=8785")]
    [InlineData("detector/shardWaitSeconds", "STORAGE", "--set", "detector.shardWaitSeconds=0")]
    [InlineData("detector.hourProfileRetentionHours (47) must be at least drift.analysisWindowHours (48)", "STORAGE", "--set", "drift.analysisWindowHours=48", "--set", "detector.hourProfileRetentionHours=47")]
    [InlineData("detector.shardWaitSeconds (3000) must be below detector.activeDeadlineSeconds (3000) when detector.shards is above 1", "STORAGE", "--set", "detector.shards=2", "--set", "detector.shardWaitSeconds=3000")]
    [InlineData("detector.shardWaitSeconds (1800) must be below detector.activeDeadlineSeconds (900) when detector.shards is above 1", "STORAGE", "--set", "detector.shards=3", "--set", "detector.activeDeadlineSeconds=900")]
    [InlineData("detector.shards (2) needs detector.hourProfiles true (DRIFT_HOUR_PROFILES=on)", "STORAGE", "--set", "detector.shards=2", "--set", "detector.hourProfiles=false")]
    [InlineData("detector.shards (2) needs Kubernetes 1.29 or later", "STORAGE", "--set", "detector.shards=2", "--kube-version", "1.28.9")]
    [InlineData("detector.extraEnv sets DRIFT_SHARDS: set detector.shards instead", "STORAGE", "--set", "detector.extraEnv[0].name=DRIFT_SHARDS", "--set-string", "detector.extraEnv[0].value=4")]
    [InlineData("detector.extraEnv sets JOB_COMPLETION_INDEX", "STORAGE", "--set", "detector.extraEnv[0].name=JOB_COMPLETION_INDEX", "--set-string", "detector.extraEnv[0].value=0")]
    [InlineData("detector.extraEnv sets DRIFT_BACKFILL_FROM", "STORAGE", "--set", "detector.extraEnv[0].name=DRIFT_BACKFILL_FROM", "--set", "detector.extraEnv[0].value=2024-06-01T00:00:00Z")]
    [InlineData("detector/reference", "STORAGE", "--set", "detector.reference=previous-week")]
    [InlineData("detector/seasonalSeverity", "STORAGE", "--set", "detector.seasonalSeverity=critical")]
    [InlineData("detector.reference baseline+previous-week needs detector.hourProfiles true", "STORAGE", "--set", "detector.reference=baseline+previous-week", "--set", "detector.hourProfiles=false")]
    [InlineData("detector.hourProfileRetentionHours (191) must be at least drift.analysisWindowHours + 168 (192)", "STORAGE", "--set", "detector.reference=baseline+previous-week", "--set", "detector.hourProfileRetentionHours=191")]
    public async Task Bad_values_fail_with_a_message_naming_the_value(string message, params string[] args)
    {
        var full = args.SelectMany(a => a == "STORAGE" ? HelmChart.Required : [a]).ToArray();

        var result = await HelmChart.TemplateAsync(full);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_plain_manifests_in_k8s_are_the_chart_rendered()
    {
        var rendered = Directory.CreateTempSubdirectory("drift-jobs-manifests-");
        try
        {
            var result = await ProcessRunner.RunAsync(
                "bash",
                [Path.Combine(K8sTools.Root, "tools", "k8s", "render-manifests.sh"), rendered.FullName],
                environment: new Dictionary<string, string> { ["HELM"] = K8sTools.Helm });
            Assert.True(result.ExitCode == 0, result.ToString());

            var files = rendered.GetFiles().Select(f => f.Name).Order().ToArray();
            Assert.Equal(["baseline-job.yaml", "drift-jobs.yaml"], files);
            foreach (var file in files)
            {
                var expected = await File.ReadAllTextAsync(Path.Combine(rendered.FullName, file));
                var checkedIn = await File.ReadAllTextAsync(Path.Combine(K8sTools.Root, "k8s", file));
                Assert.True(expected == checkedIn, $"k8s/{file} differs from the chart: run `make manifests` and commit the result");
                Assert.NotEmpty(HelmChart.Parse(checkedIn));
            }
        }
        finally
        {
            rendered.Delete(recursive: true);
        }
    }
}
