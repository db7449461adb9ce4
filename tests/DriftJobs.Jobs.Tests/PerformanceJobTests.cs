using Azure.Storage.Blobs;
using DriftJobs.Core.Performance;
using DriftJobs.Core.Profiles;
using DriftJobs.Core.Reports;
using DriftJobs.Core.Serialization;
using DriftJobs.Testing;
using Parquet;
using Parquet.Schema;

namespace DriftJobs.Jobs.Tests;

/// <summary>
/// The detector's performance monitoring end to end on Azurite: predictions logged with request ids, labels arriving
/// in later hours' ground-truth files, joined and judged against the baseline's validation performance.
/// The data: a binary classifier whose score is the true probability sigmoid(2x) of the label 1; it predicts 1 above
/// 0.5. With concept drift, the label follows sigmoid(−2x) instead in the evaluated hours: the inputs do not move.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class PerformanceJobTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset End = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private const int WindowHours = 4;
    private const int DelayHours = 2;
    private const int RowsPerHour = 600;

    [Fact]
    public async Task Realized_accuracy_of_the_delayed_window_matches_the_labels_joined_by_hand_and_raises_nothing_when_unchanged()
    {
        var world = await WorldAsync(conceptDrift: false, labelShare: 0.8);

        var run = await DetectAsync(world.Container);

        Assert.True(run.ExitCode == 0, run.Output);
        var report = await Jobs.LatestReportAsync(world.Container, "m");
        var p = Assert.IsType<PerformanceSection>(report.Performance);
        Assert.Equal(PerformanceStatus.Ok, p.Status);
        Assert.Equal(End.AddHours(-DelayHours - WindowHours), p.Window.Start);
        Assert.Equal(End.AddHours(-DelayHours), p.Window.End);
        Assert.Equal(world.Expected.Predictions, p.Predictions);
        Assert.Equal(world.Expected.Labelled, p.Labelled);
        Assert.Equal((double)world.Expected.Labelled / world.Expected.Predictions, p.LabelCoverage!.Value, 12);
        Assert.Equal(world.Expected.Accuracy, p.Classification!.Accuracy!.Value, 12);
        Assert.Equal(world.Expected.Duplicates, p.GroundTruth.Duplicates);
        Assert.Equal(world.Expected.Unknown, p.GroundTruth.WithoutPrediction);
        Assert.Equal(world.Expected.OtherModel, p.GroundTruth.RowsOfOtherModels);
        Assert.Equal(1, p.GroundTruth.JoinPartitions);
        var skipped = Assert.Single(p.GroundTruth.Skipped);
        Assert.EndsWith("broken.parquet", skipped.Path, StringComparison.Ordinal);
        Assert.Equal(WindowHours, p.Hours.Count);
        Assert.All(p.Hours, h => Assert.Equal(RowsPerHour, h.Predictions));
        Assert.Equal(world.Expected.LabelledPerHour, p.Hours.Select(h => h.Labelled));

        Assert.NotNull(p.Verdict);
        Assert.False(p.Verdict.Degraded, $"accuracy {p.Verdict.Value} vs {p.Verdict.Reference}, p = {p.Verdict.PValue}");

        // The scores are the true probabilities: calibrated, so the estimate from them alone lands near the realized
        // accuracy (its standard error is that of the realized value around the estimate).
        var estimate = p.Estimate!;
        Assert.True(estimate.Calibrated, estimate.Reason);
        Assert.Equal(WindowHours * RowsPerHour, estimate.Evaluated!.Count);
        Assert.Equal(WindowHours * RowsPerHour, estimate.Window!.Count);
        Assert.InRange(estimate.Evaluated.Accuracy!.Value - world.Expected.Accuracy, -4 * estimate.Evaluated.AccuracyStdError!.Value, 4 * estimate.Evaluated.AccuracyStdError.Value);
        Assert.DoesNotContain(report.Alerts, a => a.Code is AlertCodes.PerformanceDegradation or AlertCodes.LabelDrift or AlertCodes.LowLabelCoverage or AlertCodes.PerformanceTrend);
        Assert.False(report.DriftDetected);
    }

    [Fact]
    public async Task Concept_drift_moves_no_feature_but_raises_a_performance_degradation()
    {
        var world = await WorldAsync(conceptDrift: true, labelShare: 0.8);

        var run = await DetectAsync(world.Container);

        Assert.True(run.ExitCode == 0, run.Output);
        var report = await Jobs.LatestReportAsync(world.Container, "m");
        Assert.False(report.DriftDetected);
        var p = report.Performance!;
        Assert.Equal(world.Expected.Accuracy, p.Classification!.Accuracy!.Value, 12);
        Assert.True(p.Verdict!.Degraded);
        Assert.Equal(DegradationTest.TwoProportionZ, p.Verdict.Test);
        Assert.True(p.Verdict.PValue < 1e-6, $"p = {p.Verdict.PValue}");
        var alert = Assert.Single(report.Alerts, a => a.Code == AlertCodes.PerformanceDegradation);
        Assert.Equal(AlertSeverity.Critical, alert.Severity);
        Assert.Contains("accuracy", alert.Message, StringComparison.Ordinal);

        // What the estimate cannot see: the scores did not change, only the truth did. Shown side by side, the gap is the news.
        Assert.True(p.Estimate!.Evaluated!.Accuracy - p.Classification.Accuracy > 0.4, $"estimated {p.Estimate.Evaluated.Accuracy}, realized {p.Classification.Accuracy}");
    }

    [Fact]
    public async Task A_rise_in_the_hourly_error_alarms_once_and_each_hour_is_fed_once()
    {
        // Eight evaluated hours, the truth changing from the fifth: the hourly error goes from ~0.15 to ~0.85.
        var world = await WorldAsync(conceptDrift: true, labelShare: 0.8, windowHours: 8, driftFromHour: 4);

        var first = await DetectAsync(world.Container, "--drift-analysis-window-hours", "8");
        var firstTrend = (await Jobs.LatestReportAsync(world.Container, "m")).Performance!.Trend!;
        var state = AlertStateJsonOf(await world.Container.GetBlobClient("drift-reports/m/performance-state.json").DownloadContentAsync());
        var second = await DetectAsync(world.Container, "--drift-analysis-window-hours", "8");
        var secondReport = await Jobs.LatestReportAsync(world.Container, "m");

        Assert.True(first.ExitCode == 0, first.Output);
        Assert.True(firstTrend.Alarm, $"statistic {firstTrend.Statistic} after {firstTrend.HoursSeen} hours");
        Assert.InRange(firstTrend.LastHour!.Value, End.AddHours(-DelayHours - 4), End.AddHours(-DelayHours - 1));
        // Restarted after the alarm, resuming after the hour that alarmed.
        Assert.Equal(0, state.PageHinkley.Count);
        Assert.Equal(firstTrend.LastHour, state.LastHour);

        Assert.True(second.ExitCode == 0, second.Output);
        var secondTrend = secondReport.Performance!.Trend!;
        Assert.False(secondTrend.Alarm);
        Assert.Equal(End.AddHours(-DelayHours - 1), secondTrend.LastHour);
        Assert.Equal((End.AddHours(-DelayHours - 1) - firstTrend.LastHour.Value).Hours, secondTrend.HoursSeen);
        Assert.DoesNotContain(secondReport.Alerts, a => a.Code == AlertCodes.PerformanceTrend);
    }

    [Fact]
    public async Task The_inference_loggers_predictions_and_outcomes_join_in_the_detector()
    {
        // The logger files predictions by their timestamp and outcomes by when they are logged (an hour later here).
        var container = await azurite.CreateContainerAsync();
        var hour = End.AddHours(-2);
        var random = new Random(5);
        var truths = new Dictionary<string, int>();
        var correct = 0;
        await using (var logger = new InferenceLogger.InferenceLoggerBuilder(container)
            .Configure(o =>
            {
                o.Features["x"] = InferenceLogger.ValueKind.Number;
                o.PredictionKind = InferenceLogger.ValueKind.Number;
            })
            .WithTimeProvider(new FixedClock(hour.AddMinutes(70)))
            .Build())
        {
            for (var i = 0; i < 1_000; i++)
            {
                var x = LogFiles.Normal(random, 1)[0]!.Value;
                var score = Sigmoid(2 * x);
                var predicted = score > 0.5 ? 1 : 0;
                Assert.True(logger.TryLog(new InferenceLogger.PredictionRecord
                {
                    Timestamp = hour.AddSeconds(i),
                    RequestId = $"req-{i}",
                    ModelName = "m",
                    ModelVersion = "1",
                    Features = new Dictionary<string, InferenceLogger.ModelValue> { ["x"] = x },
                    Prediction = predicted,
                    PredictionScore = score,
                }));
                if (i % 10 < 7)
                {
                    var truth = random.NextDouble() < score ? 1 : 0;
                    truths[$"req-{i}"] = truth;
                    correct += truth == predicted ? 1 : 0;
                    Assert.True(logger.TryLogOutcome(new InferenceLogger.OutcomeRecord
                    {
                        RequestId = $"req-{i}", ModelName = "m", ModelVersion = "1", Label = truth, PredictionTimestamp = hour.AddSeconds(i),
                    }));
                }
            }
        }

        var reference = new ReferencePerformanceBuilder(PerformanceTask.Classification, "1");
        for (var i = 0; i < 2000; i++)
        {
            var score = Sigmoid(2 * LogFiles.Normal(random, 1)[0]!.Value);
            reference.Add(random.NextDouble() < score ? 1 : 0, score > 0.5 ? 1 : 0, score);
        }

        var builder = new BaselineBuilder(new BaselineBuildOptions());
        builder.AddNumeric("x", LogFiles.Normal(random, 2000).Select(v => v!.Value).ToArray());
        builder.AddRows(2000);
        var baseline = builder.Build("m", "1", "test", End.AddDays(-30)) with { Performance = reference.Build("validation", out _) };
        await container.GetBlobClient("baselines/m/1/baseline.json").UploadAsync(new BinaryData(DriftJson.Serialize(baseline)));

        var run = await Jobs.DetectorAsync(azurite.ConnectionString, container,
            "--model-name", "m", "--model-version", "1", "--drift-window-end", End.ToString("o"), "--drift-analysis-window-hours", "1", "--drift-label-delay-hours", "1");

        Assert.True(run.ExitCode == 0, run.Output);
        var p = (await Jobs.LatestReportAsync(container, "m")).Performance!;
        Assert.Equal(hour, p.Window.Start);
        Assert.Equal(1_000, p.Predictions);
        Assert.Equal(truths.Count, p.Labelled);
        Assert.Equal((double)correct / truths.Count, p.Classification!.Accuracy!.Value, 12);
        Assert.Equal(truths.Count, p.GroundTruth.Rows);
        Assert.Empty(p.GroundTruth.Skipped);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Fact]
    public async Task A_label_delay_that_reaches_past_the_longest_window_is_refused_at_start()
    {
        var container = await azurite.CreateContainerAsync();

        var run = await Jobs.DetectorAsync(azurite.ConnectionString, container,
            "--model-name", "m", "--model-version", "1", "--drift-analysis-window-hours", "700", "--drift-label-delay-hours", "100");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("DRIFT_ANALYSIS_WINDOW_HOURS + DRIFT_LABEL_DELAY_HOURS (700 + 100) must be at most 744 hours", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_window_without_labels_gives_no_verdict_and_an_info_alert_on_coverage()
    {
        var world = await WorldAsync(conceptDrift: false, labelShare: 0);

        var run = await DetectAsync(world.Container);

        Assert.True(run.ExitCode == 0, run.Output);
        var report = await Jobs.LatestReportAsync(world.Container, "m");
        var p = report.Performance!;
        Assert.Equal(PerformanceStatus.InsufficientLabels, p.Status);
        Assert.Equal(0, p.Labelled);
        Assert.Equal(0, p.LabelCoverage);
        Assert.Null(p.Verdict);
        var alert = Assert.Single(report.Alerts, a => a.Code == AlertCodes.LowLabelCoverage);
        Assert.Equal(AlertSeverity.Info, alert.Severity);
        Assert.Contains("0 of 2,400 predictions", alert.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_data_windows_estimate_summed_from_hour_profiles_gives_the_same_report_bytes()
    {
        // Two identical worlds, run alike but for the cache: first with the scores not trusted (no estimate is made, so
        // the hour profiles have none), then trusted (every hour is read again for its scores), then again (all hours
        // from their profiles, the estimate summed from theirs).
        var off = await WorldAsync(conceptDrift: false, labelShare: 0.8);
        var on = await WorldAsync(conceptDrift: false, labelShare: 0.8);
        string[][] runs = [["--drift-max-calibration-error", "0"], [], []];
        var lines = new List<string>();
        foreach (var args in runs)
        {
            var withoutCache = await DetectAsync(off.Container, [.. args, "--drift-hour-profiles", "off"]);
            var withCache = await DetectAsync(on.Container, args);
            Assert.True(withoutCache.ExitCode == 0, withoutCache.Output);
            Assert.True(withCache.ExitCode == 0, withCache.Output);
            Assert.Equal(await LatestJsonAsync(off.Container), await LatestJsonAsync(on.Container));
            lines.Add(withCache.Output.Split('\n').Single(l => l.StartsWith("Hours: ", StringComparison.Ordinal)));
            if (args.Length == 0)
            {
                Assert.NotNull((await Jobs.LatestReportAsync(on.Container, "m")).Performance!.Estimate!.Window);
            }
        }

        Assert.StartsWith($"Hours: {WindowHours} read from the logs, 0 from hour profiles", lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"Hours: {WindowHours} read from the logs, 0 from hour profiles", lines[1], StringComparison.Ordinal);
        Assert.StartsWith($"Hours: 0 read from the logs, {WindowHours} from hour profiles", lines[2], StringComparison.Ordinal);
    }

    private static async Task<string> LatestJsonAsync(BlobContainerClient container) =>
        (await container.GetBlobClient("drift-reports/m/latest.json").DownloadContentAsync()).Value.Content.ToString();

    [Fact]
    public async Task A_join_larger_than_its_memory_budget_spills_and_gives_the_same_numbers()
    {
        // ~2,400 labels of ~200 bytes each in memory: a 1 MiB budget holds them; 20,000 more unknown ones do not.
        var world = await WorldAsync(conceptDrift: true, labelShare: 0.9, extraUnknownLabels: 20_000);

        var inMemory = await DetectAsync(world.Container, "--drift-join-memory-mb", "64");
        var inMemoryReport = await Jobs.LatestReportAsync(world.Container, "m");
        var spilled = await DetectAsync(world.Container, "--drift-join-memory-mb", "1");
        var spilledReport = await Jobs.LatestReportAsync(world.Container, "m");

        Assert.True(inMemory.ExitCode == 0, inMemory.Output);
        Assert.True(spilled.ExitCode == 0, spilled.Output);
        Assert.Equal(1, inMemoryReport.Performance!.GroundTruth.JoinPartitions);
        Assert.True(spilledReport.Performance!.GroundTruth.JoinPartitions > 1, $"{spilledReport.Performance.GroundTruth.JoinPartitions} partitions");
        Assert.Equal(world.Expected.Accuracy, spilledReport.Performance.Classification!.Accuracy!.Value, 12);
        Assert.Equivalent(inMemoryReport.Performance.Classification, spilledReport.Performance.Classification, strict: true);
        Assert.Equal(inMemoryReport.Performance.GroundTruth with { JoinPartitions = 0, Skipped = [] }, spilledReport.Performance.GroundTruth with { JoinPartitions = 0, Skipped = [] });
        Assert.Equal(world.Expected.Unknown, spilledReport.Performance.GroundTruth.WithoutPrediction);
    }

    [Fact]
    public async Task A_baseline_without_validation_performance_gives_no_performance_section()
    {
        var world = await WorldAsync(conceptDrift: false, labelShare: 0.8, withReference: false);

        var run = await DetectAsync(world.Container);

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Null((await Jobs.LatestReportAsync(world.Container, "m")).Performance);
    }

    [Fact]
    public async Task A_metric_that_does_not_fit_the_model_is_an_input_error()
    {
        var world = await WorldAsync(conceptDrift: false, labelShare: 0.5);

        var run = await DetectAsync(world.Container, "--drift-performance-metric", "rmse");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("DRIFT_PERFORMANCE_METRIC = 'rmse' does not apply to m 1, a classification model", run.Output, StringComparison.Ordinal);
    }

    private static Detector.Performance.PerformanceTrendDocument AlertStateJsonOf(Azure.Response<Azure.Storage.Blobs.Models.BlobDownloadResult> content) =>
        Detector.Alerts.AlertStateJson.ReadTrend(content.Value.Content.ToMemory().Span, "performance-state.json");

    private Task<JobRun> DetectAsync(BlobContainerClient container, params string[] args) =>
        Jobs.DetectorAsync(azurite.ConnectionString, container,
        [
            "--model-name", "m", "--model-version", "1", "--drift-window-end", End.ToString("o"),
            "--drift-label-delay-hours", DelayHours.ToString(System.Globalization.CultureInfo.InvariantCulture),
            .. args.Contains("--drift-analysis-window-hours") ? [] : new[] { "--drift-analysis-window-hours", WindowHours.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            .. args,
        ]);

    private sealed record Expected(long Predictions, long Labelled, double Accuracy, long Duplicates, long Unknown, long OtherModel, IReadOnlyList<long> LabelledPerHour);

    private sealed record World(BlobContainerClient Container, Expected Expected);

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    /// <summary>
    /// Logs for the 6 hours before End (the evaluated window's 4 and the 2 after), labels for a share of the evaluated
    /// predictions arriving 1–3 hours later, 5 % of those labelled twice (the second, later one the true label, the
    /// first its opposite), 50 labels for unknown requests, 40 of another model, and one corrupt ground-truth file.
    /// </summary>
    private async Task<World> WorldAsync(bool conceptDrift, double labelShare, int extraUnknownLabels = 0, bool withReference = true, int windowHours = WindowHours, int driftFromHour = 0)
    {
        var container = await azurite.CreateContainerAsync();
        var random = new Random(24);
        var training = LogFiles.Normal(random, 3000).Select(v => v!.Value).ToArray();
        var builder = new BaselineBuilder(new BaselineBuildOptions());
        builder.AddNumeric("x", training);
        builder.AddRows(training.Length);
        var reference = new ReferencePerformanceBuilder(PerformanceTask.Classification, "1");
        for (var i = 0; i < 4000; i++)
        {
            var x = LogFiles.Normal(random, 1)[0]!.Value;
            var score = Sigmoid(2 * x);
            reference.Add(random.NextDouble() < score ? 1 : 0, score > 0.5 ? 1 : 0, score);
        }

        var baseline = builder.Build("m", "1", "test", End.AddDays(-30)) with { Performance = withReference ? reference.Build("validation", out _) : null };
        await container.GetBlobClient("baselines/m/1/baseline.json").UploadAsync(new BinaryData(DriftJson.Serialize(baseline)));

        var evaluatedStart = End.AddHours(-DelayHours - windowHours);
        var labels = new Dictionary<DateTimeOffset, List<(string Id, double Label, string Model)>>();
        void Arrive(DateTimeOffset hour, string id, double label, string model = "m")
        {
            if (!labels.TryGetValue(hour, out var list))
            {
                labels[hour] = list = [];
            }

            list.Add((id, label, model));
        }

        var logged = new Dictionary<string, (int Hour, double Prediction)>();
        for (var h = 0; h < windowHours + DelayHours; h++)
        {
            var hour = evaluatedStart.AddHours(h);
            var evaluated = h < windowHours;
            var ids = new string?[RowsPerHour];
            var x = new double?[RowsPerHour];
            var prediction = new double?[RowsPerHour];
            var scores = new double?[RowsPerHour];
            for (var i = 0; i < RowsPerHour; i++)
            {
                ids[i] = $"{hour:yyyyMMddHH}-{i:D5}";
                x[i] = LogFiles.Normal(random, 1)[0];
                scores[i] = Sigmoid(2 * x[i]!.Value);
                prediction[i] = scores[i] > 0.5 ? 1 : 0;
                var truth = random.NextDouble() < (conceptDrift && h >= driftFromHour ? Sigmoid(-2 * x[i]!.Value) : scores[i]!.Value) ? 1.0 : 0.0;
                if (!evaluated)
                {
                    continue;
                }

                logged[ids[i]!] = (h, prediction[i]!.Value);
                if (random.NextDouble() >= labelShare)
                {
                    continue;
                }

                var arrival = hour.AddHours(1 + random.Next(3));
                if (random.NextDouble() < 0.05)
                {
                    Arrive(arrival, ids[i]!, 1 - truth);
                    arrival = arrival.AddHours(1);
                }

                Arrive(arrival, ids[i]!, truth);
            }

            await UploadAsync(container, LogFiles.HourPath(hour, "log.parquet"),
                ("request_id", ids), ("model_name", Repeat("m")), ("model_version", Repeat("1")), ("x", x), ("prediction", prediction), ("prediction_score", scores));
        }

        // What the run can know: the labels that arrived before the data window's end, the latest of each request's.
        var arrived = labels.Where(l => l.Key < End).OrderBy(l => l.Key).SelectMany(l => l.Value).Where(r => r.Model == "m" && logged.ContainsKey(r.Id)).ToList();
        var latest = new Dictionary<string, double>();
        foreach (var row in arrived)
        {
            latest[row.Id] = row.Label;
        }

        var labelledPerHour = Enumerable.Range(0, windowHours).Select(h => (long)latest.Keys.Count(id => logged[id].Hour == h)).ToList();
        var correct = latest.Count(l => l.Value == logged[l.Key].Prediction);

        for (var i = 0; i < 50 + extraUnknownLabels; i++)
        {
            Arrive(End.AddHours(-2), $"unknown-{i}", 1);
        }

        for (var i = 0; i < 40; i++)
        {
            Arrive(End.AddHours(-3), $"{evaluatedStart:yyyyMMddHH}-{i:D5}", 1, model: "other");
        }

        foreach (var (hour, rows) in labels.Where(l => l.Key < End))
        {
            await UploadAsync(container, GroundTruthPath(hour, "labels.parquet"),
                ("request_id", rows.Select(r => (string?)r.Id).ToArray()), ("label", rows.Select(r => (double?)r.Label).ToArray()),
                ("model_name", rows.Select(r => (string?)r.Model).ToArray()), ("model_version", rows.Select(_ => (string?)"1").ToArray()));
        }

        await LogFiles.UploadAsync(container, GroundTruthPath(End.AddHours(-1), "broken.parquet"), "PAR1 not really parquet"u8.ToArray());

        // Some labels arrive after the data window's end: the run must not see them.
        Assert.True(labelShare == 0 || labels.Keys.Any(hour => hour >= End));
        return new World(container, new Expected(
            windowHours * RowsPerHour, latest.Count, latest.Count == 0 ? double.NaN : (double)correct / latest.Count, arrived.Count - latest.Count,
            50 + extraUnknownLabels, 40, labelledPerHour));

        string?[] Repeat(string value) => Enumerable.Repeat<string?>(value, RowsPerHour).ToArray();
    }

    private static string GroundTruthPath(DateTimeOffset hour, string file) =>
        $"ground-truth/year={hour:yyyy}/month={hour:MM}/day={hour:dd}/hour={hour:HH}/{file}";

    private static async Task UploadAsync(BlobContainerClient container, string name, params (string Name, Array Values)[] columns)
    {
        var fields = columns.Select(c => c.Values is double?[] ? (DataField)new DataField<double?>(c.Name) : new DataField<string>(c.Name, nullable: true)).ToArray();
        using var stream = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream))
        {
            using var group = writer.CreateRowGroup();
            for (var i = 0; i < fields.Length; i++)
            {
                if (columns[i].Values is double?[] numbers)
                {
                    await group.WriteAsync<double>((DataField<double?>)fields[i], (ReadOnlyMemory<double?>)numbers.AsMemory(), null, null, default);
                }
                else
                {
                    await group.WriteAsync((DataField<string>)fields[i], new ArraySegment<string>(((string?[])columns[i].Values)!), null);
                }
            }
        }

        await LogFiles.UploadAsync(container, name, stream.ToArray());
    }
}
