using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using DriftJobs.Core.Profiles;
using DriftJobs.Core.Reports;
using DriftJobs.Core.Serialization;
using DriftJobs.Detector;
using DriftJobs.Hosting;
using DriftJobs.Testing;

namespace DriftJobs.Jobs.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class DetectorJobTests(AzuriteFixture azurite, DetectorJobTests.DriftedWindowRun drifted) : IClassFixture<DetectorJobTests.DriftedWindowRun>
{
    private static readonly DateTimeOffset End = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A container with a baseline for model "m" v1 (features x numeric, c categorical) and one hour of logs.</summary>
    private async Task<BlobContainerClient> SetUpAsync(int rows = 600, double shift = 0)
    {
        var container = await azurite.CreateContainerAsync();
        var random = new Random(17);
        var builder = new BaselineBuilder(new BaselineBuildOptions());
        builder.AddNumeric("x", LogFiles.Normal(random, 2000).Select(v => v!.Value).ToArray());
        builder.AddCategorical("c", Enumerable.Range(0, 2000).Select(i => "k" + (i % 3)).ToArray());
        builder.AddRows(2000);
        var baseline = builder.Build("m", "1", "test", End.AddDays(-30));
        await container.GetBlobClient("baselines/m/1/baseline.json").UploadAsync(new BinaryData(DriftJson.Serialize(baseline)));
        if (rows > 0)
        {
            await LogFiles.UploadAsync(container, LogFiles.HourPath(End.AddHours(-1), "a.parquet"), await LogFiles.WriteAsync("m", "1",
                new Dictionary<string, double?[]> { ["x"] = LogFiles.Normal(random, rows, shift) },
                new Dictionary<string, string?[]> { ["c"] = Enumerable.Range(0, rows).Select(i => "k" + (i % 3)).ToArray() }));
        }

        return container;
    }

    private Task<JobRun> DetectAsync(BlobContainerClient container, params string[] args) =>
        Jobs.DetectorAsync(azurite.ConnectionString, container, ["--model-name", "m", "--model-version", "1", "--drift-window-end", End.ToString("o"), .. args]);

    /// <summary>The run over a window where x moved by 1.5 standard deviations, shared by the tests below.</summary>
    private Task<(BlobContainerClient Container, JobRun Run)> DriftedAsync() =>
        drifted.GetAsync(async () =>
        {
            var container = await SetUpAsync(shift: 1.5);
            var run = await DetectAsync(container);
            Assert.True(run.ExitCode == 0, run.Output);
            return (container, run);
        });

    /// <summary>The run's structured log events (Serilog compact JSON, one a line).</summary>
    private static List<JsonObject> Events(JobRun run) =>
        run.Output.Split('\n').Where(l => l.StartsWith('{')).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();

    [Fact]
    public async Task Writes_the_window_report_and_latest_each_with_its_html_page()
    {
        var (container, _) = await DriftedAsync();

        var names = await Jobs.BlobNamesAsync(container, "drift-reports/");
        Assert.Equal(
        [
            "drift-reports/index.html", "drift-reports/index.json", "drift-reports/m/1/2026-11-20T12Z.html", "drift-reports/m/1/2026-11-20T12Z.json",
            "drift-reports/m/history/1/2026-11-20.json", "drift-reports/m/latest.html", "drift-reports/m/latest.json",
        ], names);
    }

    [Fact]
    public async Task The_report_covers_the_window_counts_its_rows_and_names_the_drifted_feature()
    {
        var (container, _) = await DriftedAsync();

        var report = await Jobs.LatestReportAsync(container, "m");
        Assert.Equal(600, report.Samples);
        Assert.Equal(["x"], report.DriftedFeatures);
        Assert.Equal(End.AddHours(-24), report.Window.Start);
    }

    [Fact]
    public async Task Prints_the_summary_naming_the_drifted_features()
    {
        var (_, run) = await DriftedAsync();

        Assert.Contains("DRIFT DETECTION SUMMARY", run.Output, StringComparison.Ordinal);
        Assert.Contains("Drifted features: x", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_alert_is_one_structured_event_with_severity_code_model_and_feature()
    {
        var (_, run) = await DriftedAsync();

        var alertEvent = run.Output.Split('\n').Single(l => l.Contains("\"Code\":\"feature_drift\"", StringComparison.Ordinal));
        Assert.Contains("\"Severity\":\"WARNING\"", alertEvent, StringComparison.Ordinal);
        Assert.Contains("\"Model\":\"m\"", alertEvent, StringComparison.Ordinal);
        Assert.Contains("\"Feature\":\"x\"", alertEvent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_where_the_time_went_in_phases_that_add_up_to_no_more_than_the_run()
    {
        var (_, run) = await DriftedAsync();

        var events = Events(run);
        var finished = events.Single(e => ((string?)e["@m"])!.StartsWith("Finished in", StringComparison.Ordinal));
        var spent = events.Single(e => ((string?)e["@m"])!.StartsWith("Time spent:", StringComparison.Ordinal));
        var phases = new[] { "BaselineSeconds", "ReadingSeconds", "AnalysisSeconds", "OutputSeconds" }.Select(p => (double)spent[p]!).ToList();
        Assert.All(phases, p => Assert.InRange(p, 0, (double)finished["ElapsedSeconds"]!));
        Assert.InRange(phases.Sum(), 0, (double)finished["ElapsedSeconds"]! + 1e-3);
        Assert.True((double)spent["ReadingSeconds"]! > 0, "reading a file takes time");
    }

    [Fact]
    public async Task Logs_the_startup_time_and_the_jit_count_it_measured()
    {
        var (_, run) = await DriftedAsync();

        var spent = Events(run).Single(e => ((string?)e["@m"])!.StartsWith("Time spent:", StringComparison.Ordinal));
        // In-process, the "process start" is the test host's, long before this run; and the host has JIT-compiled code.
        Assert.True((double)spent["StartupSeconds"]! > 0, "the process started before the job");
        Assert.True((long)spent["JitMethods"]! > 0, "the JIT's count is read, not left at zero");
    }

    [Fact]
    public async Task Rerunning_a_window_gives_byte_identical_reports()
    {
        var container = await SetUpAsync();
        Assert.Equal(0, (await DetectAsync(container)).ExitCode);
        var first = (await container.GetBlobClient("drift-reports/m/1/2026-11-20T12Z.json").DownloadContentAsync()).Value.Content.ToArray();
        Assert.Equal(0, (await DetectAsync(container)).ExitCode);
        var second = (await container.GetBlobClient("drift-reports/m/1/2026-11-20T12Z.json").DownloadContentAsync()).Value.Content.ToArray();
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Two_detectors_racing_on_different_windows_leave_latest_at_the_newer()
    {
        var container = await SetUpAsync();
        for (var trial = 0; trial < 3; trial++)
        {
            var older = Jobs.DetectorAsync(azurite.ConnectionString, container, "--model-name", "m", "--model-version", "1", "--drift-window-end", End.AddHours(-1).ToString("o"));
            var newer = Jobs.DetectorAsync(azurite.ConnectionString, container, "--model-name", "m", "--model-version", "1", "--drift-window-end", End.ToString("o"));
            Assert.All(await Task.WhenAll(older, newer), r => Assert.Equal(0, r.ExitCode));
            Assert.Equal(End, (await Jobs.LatestReportAsync(container, "m")).Window.End);
        }

        // A late backfill of an old window writes its own report but leaves latest alone.
        var backfill = await Jobs.DetectorAsync(azurite.ConnectionString, container, "--model-name", "m", "--model-version", "1", "--drift-window-end", End.AddDays(-3).ToString("o"));
        Assert.Equal(0, backfill.ExitCode);
        Assert.Equal(End, (await Jobs.LatestReportAsync(container, "m")).Window.End);
        Assert.Contains("drift-reports/m/1/2026-11-17T12Z.json", await Jobs.BlobNamesAsync(container, "drift-reports/"));
    }

    [Fact]
    public async Task An_empty_window_runs_with_insufficient_data()
    {
        var container = await SetUpAsync(rows: 0);
        var run = await DetectAsync(container);
        Assert.Equal(0, run.ExitCode);
        var report = await Jobs.LatestReportAsync(container, "m");
        Assert.Equal(ReportStatus.InsufficientData, report.Status);
        Assert.Equal(0, report.Samples);
        Assert.Contains(report.Alerts, a => a.Code == AlertCodes.InsufficientData);
        Assert.Contains("NO VERDICT", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_read_from_a_mounted_directory_give_the_same_report_as_through_the_blob_api()
    {
        var container = await SetUpAsync(shift: 0.5);
        // A second hour, written unpadded, and a file of another model: the listing rules are the same.
        await LogFiles.UploadAsync(container, $"inference-logs/year=2026/month=11/day=20/hour=9/b.parquet", await LogFiles.WriteAsync("m", "1",
            new Dictionary<string, double?[]> { ["x"] = LogFiles.Normal(new Random(8), 250, 0.5) }));
        await LogFiles.UploadAsync(container, LogFiles.HourPath(End.AddHours(-5), "other.parquet"), await LogFiles.WriteAsync("n", "1",
            new Dictionary<string, double?[]> { ["x"] = LogFiles.Normal(new Random(9), 90) }));
        var mount = Directory.CreateTempSubdirectory("drift-logs-");
        try
        {
            foreach (var name in await Jobs.BlobNamesAsync(container, "inference-logs/"))
            {
                var path = Path.Combine(mount.FullName, name);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await container.GetBlobClient(name).DownloadToAsync(path);
            }

            Assert.Equal(0, (await DetectAsync(container)).ExitCode);
            var throughApi = (await container.GetBlobClient("drift-reports/m/1/2026-11-20T12Z.json").DownloadContentAsync()).Value.Content.ToArray();
            await container.DeleteBlobAsync("drift-reports/m/1/2026-11-20T12Z.json");
            // A file only the mount has, outside the window's hours, must not be read either.
            var outside = Path.Combine(mount.FullName, LogFiles.HourPath(End, "late.parquet"));
            Directory.CreateDirectory(Path.GetDirectoryName(outside)!);
            await File.WriteAllBytesAsync(outside, await LogFiles.WriteAsync("m", "1", new Dictionary<string, double?[]> { ["x"] = LogFiles.Normal(new Random(1), 70) }));

            var run = await DetectAsync(container, "--drift-logs-path", mount.FullName);

            Assert.Equal(0, run.ExitCode);
            var fromMount = (await container.GetBlobClient("drift-reports/m/1/2026-11-20T12Z.json").DownloadContentAsync()).Value.Content.ToArray();
            Assert.Equal(Encoding.UTF8.GetString(throughApi), Encoding.UTF8.GetString(fromMount));
            var report = DriftJson.ReadReport(fromMount, "report");
            Assert.Equal(850, report.Samples);
            Assert.Equal(90, report.Files.RowsOfOtherModels);
        }
        finally
        {
            mount.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_corrupt_file_in_a_mounted_directory_is_skipped_and_named_by_its_path_in_the_container()
    {
        var container = await SetUpAsync(rows: 0);
        var mount = Directory.CreateTempSubdirectory("drift-logs-");
        try
        {
            var good = Path.Combine(mount.FullName, LogFiles.HourPath(End.AddHours(-1), "good.parquet"));
            Directory.CreateDirectory(Path.GetDirectoryName(good)!);
            await File.WriteAllBytesAsync(good, await LogFiles.WriteAsync("m", "1", new Dictionary<string, double?[]> { ["x"] = LogFiles.Normal(new Random(2), 400) }));
            await File.WriteAllTextAsync(Path.Combine(Path.GetDirectoryName(good)!, "bad.parquet"), "not parquet");

            var run = await DetectAsync(container, "--drift-logs-path", mount.FullName);

            Assert.Equal(0, run.ExitCode);
            var report = await Jobs.LatestReportAsync(container, "m");
            Assert.Equal(400, report.Samples);
            Assert.Equal(1, report.Files.Read);
            var skipped = Assert.Single(report.Files.Skipped);
            Assert.Equal(LogFiles.HourPath(End.AddHours(-1), "bad.parquet"), skipped.Path);
        }
        finally
        {
            mount.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Corrupt_truncated_and_wrongly_typed_files_are_skipped_and_listed()
    {
        var container = await SetUpAsync();
        var hour = End.AddHours(-2);
        var good = await LogFiles.WriteAsync("m", "1", new Dictionary<string, double?[]> { ["x"] = LogFiles.Normal(new Random(3), 100) });
        await LogFiles.UploadAsync(container, LogFiles.HourPath(hour, "corrupt.parquet"), Encoding.UTF8.GetBytes("this is not parquet at all, just text"));
        await LogFiles.UploadAsync(container, LogFiles.HourPath(hour, "truncated.parquet"), good[..(good.Length / 2)]);
        await LogFiles.UploadAsync(container, LogFiles.HourPath(hour, "wrongtype.parquet"), await LogFiles.WriteAsync("m", "1",
            new Dictionary<string, double?[]>(), new Dictionary<string, string?[]> { ["x"] = Enumerable.Repeat<string?>("high", 50).ToArray() }));

        var run = await DetectAsync(container);

        Assert.Equal(0, run.ExitCode);
        var report = await Jobs.LatestReportAsync(container, "m");
        Assert.Equal(1, report.Files.Read);
        Assert.Equal(600, report.Samples);
        Assert.Equal(3, report.Files.Skipped.Count);
        Assert.Contains(report.Files.Skipped, s => s.Path.EndsWith("corrupt.parquet", StringComparison.Ordinal));
        Assert.Contains(report.Files.Skipped, s => s.Path.EndsWith("truncated.parquet", StringComparison.Ordinal));
        var wrongType = Assert.Single(report.Files.Skipped, s => s.Path.EndsWith("wrongtype.parquet", StringComparison.Ordinal));
        Assert.Contains("'x'", wrongType.Reason, StringComparison.Ordinal);
        Assert.Equal(3, report.Alerts.Count(a => a is { Code: AlertCodes.FileSkipped, Severity: AlertSeverity.Warning }));
    }

    [Fact]
    public async Task A_missing_column_counts_as_missing_and_is_named()
    {
        var container = await SetUpAsync(rows: 0);
        await LogFiles.UploadAsync(container, LogFiles.HourPath(End.AddHours(-3), "no-c.parquet"), await LogFiles.WriteAsync("m", "1",
            new Dictionary<string, double?[]> { ["x"] = LogFiles.Normal(new Random(5), 300) }));

        Assert.Equal(0, (await DetectAsync(container)).ExitCode);

        var c = (await Jobs.LatestReportAsync(container, "m")).Features.Single(f => f.Name == "c");
        Assert.Equal(300, c.AbsentRows);
        Assert.Equal(1.0, c.MissingRate);
        Assert.Contains((await Jobs.LatestReportAsync(container, "m")).Alerts, a => a is { Code: AlertCodes.FeatureAbsent, Feature: "c" });
    }

    [Fact]
    public async Task Rows_of_other_models_and_hours_outside_the_window_are_not_counted()
    {
        var container = await SetUpAsync();
        var random = new Random(9);
        await LogFiles.UploadAsync(container, LogFiles.HourPath(End.AddHours(-5), "other.parquet"), await LogFiles.WriteAsync("other-model", "1",
            new Dictionary<string, double?[]> { ["x"] = LogFiles.Normal(random, 250, 5) }));
        await LogFiles.UploadAsync(container, LogFiles.HourPath(End, "future.parquet"), await LogFiles.WriteAsync("m", "1",
            new Dictionary<string, double?[]> { ["x"] = LogFiles.Normal(random, 250, 5) }));
        await LogFiles.UploadAsync(container, LogFiles.HourPath(End.AddHours(-25), "old.parquet"), await LogFiles.WriteAsync("m", "1",
            new Dictionary<string, double?[]> { ["x"] = LogFiles.Normal(random, 250, 5) }));

        Assert.Equal(0, (await DetectAsync(container)).ExitCode);

        var report = await Jobs.LatestReportAsync(container, "m");
        Assert.Equal(600, report.Samples);
        Assert.Equal(250, report.Files.RowsOfOtherModels);
        Assert.False(report.DriftDetected);
    }

    [Fact]
    public async Task No_baseline_is_an_input_error()
    {
        var container = await azurite.CreateContainerAsync();
        var run = await DetectAsync(container);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("No baseline at", run.Output, StringComparison.Ordinal);
        Assert.Contains("baselines/m/1/baseline.json", run.Output, StringComparison.Ordinal);
        Assert.Empty(await Jobs.BlobNamesAsync(container));
    }

    [Fact]
    public async Task A_container_that_does_not_exist_is_a_configuration_error_naming_the_setting()
    {
        // Not an outage to retry every hour, and not "run the baseline job first": the setting points nowhere.
        var container = new BlobContainerClient(azurite.ConnectionString, "absent-" + Guid.NewGuid().ToString("N")[..12]);

        var run = await DetectAsync(container);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("DRIFT_CONTAINER", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("No baseline at", run.Output, StringComparison.Ordinal);
        Assert.False((await container.ExistsAsync()).Value);
    }

    [Theory]
    [InlineData("\"schema_version\": 1", "\"schema_version\": 7", "schema_version 7 is not supported")]
    [InlineData("\"model_name\": \"m\"", "\"model_name\": 5", "malformed JSON at field '$.model_name'")]
    public async Task A_baseline_it_cannot_read_is_an_input_error_naming_the_file_and_field(string find, string replace, string expected)
    {
        var container = await SetUpAsync();
        var blob = container.GetBlobClient("baselines/m/1/baseline.json");
        var json = (await blob.DownloadContentAsync()).Value.Content.ToString().Replace(find, replace, StringComparison.Ordinal);
        await blob.UploadAsync(BinaryData.FromString(json), overwrite: true);

        var run = await DetectAsync(container);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("baselines/m/1/baseline.json", run.Output, StringComparison.Ordinal);
        Assert.Contains(expected, run.Output, StringComparison.Ordinal);
        Assert.Empty(await Jobs.BlobNamesAsync(container, "drift-reports/"));
    }

    [Theory]
    [InlineData("--drift-psi-threshold", "-1", "DRIFT_PSI_THRESHOLD")]
    [InlineData("--drift-psi-threshold", "abc", "DRIFT_PSI_THRESHOLD")]
    [InlineData("--drift-analysis-window-hours", "0", "DRIFT_ANALYSIS_WINDOW_HOURS")]
    [InlineData("--drift-min-samples", "0", "DRIFT_MIN_SAMPLES")]
    [InlineData("--drift-score-critical-threshold", "2", "DRIFT_SCORE_CRITICAL_THRESHOLD")]
    [InlineData("--drift-multiple-testing", "holm", "DRIFT_MULTIPLE_TESTING")]
    [InlineData("--drift-window-end", "2026-11-20T12:30:00Z", "DRIFT_WINDOW_END")]
    [InlineData("--drift-window-end", "yesterday", "DRIFT_WINDOW_END")]
    [InlineData("--model-version", "../1", "MODEL_VERSION")]
    [InlineData("--drift-logs-path", "/no/such/mount", "DRIFT_LOGS_PATH")]
    public async Task Out_of_range_settings_exit_2_naming_the_setting(string option, string value, string setting)
    {
        var container = await SetUpAsync();
        var run = await DetectAsync(container, option, value);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(setting, run.Output, StringComparison.Ordinal);
        Assert.Empty(await Jobs.BlobNamesAsync(container, "drift-reports/"));
    }

    [Fact]
    public async Task Settings_wrong_for_storage_and_for_the_job_at_once_exit_2_naming_each()
    {
        // The host validates both options at start and reports the failures together (an AggregateException).
        using var output = new StringWriter();

        var code = await JobHost.RunAsync(["--model-version", "1"], DetectorJob.Definition, b => b.AddDetector(), output);

        Assert.Equal(2, code);
        Assert.Contains("No blob storage is configured", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("MODEL_NAME is required", output.ToString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// One detector run, made by the first test that asks for it and shared by the tests that each check one thing it
    /// did (a run costs about a second; the tests only read what it wrote).
    /// </summary>
    public sealed class DriftedWindowRun
    {
        private readonly object gate = new();
        private Task<(BlobContainerClient Container, JobRun Run)>? run;

        internal Task<(BlobContainerClient Container, JobRun Run)> GetAsync(Func<Task<(BlobContainerClient Container, JobRun Run)>> start)
        {
            lock (gate)
            {
                return run ??= start();
            }
        }
    }
}
