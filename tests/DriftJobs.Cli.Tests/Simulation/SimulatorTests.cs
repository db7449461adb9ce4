using Azure.Storage.Blobs;
using DriftJobs.Cli.Commands;
using DriftJobs.Cli.Simulation;
using DriftJobs.Storage;
using DriftJobs.Testing;
using Parquet.Schema;

namespace DriftJobs.Cli.Tests.Simulation;

/// <summary>driftctl simulate against Azurite: the logs, their late ground truth, the validation set, concept drift.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SimulatorTests(AzuriteFixture azurite)
{
    private const string Model = SyntheticModel.DefaultName;
    private const string Version = SyntheticModel.DefaultVersion;
    private static readonly DateTimeOffset End = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private static readonly StorageLayout Layout = new();

    private async Task<BlobContainerClient> SimulateAsync(params string[] args)
    {
        var container = await azurite.CreateContainerAsync();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await DriftCtl.InvokeAsync(
            ["simulate", "--connection-string", azurite.ConnectionString, "--container", container.Name, "--end", End.ToString("o"), .. args],
            new CliRuntime(output, error, TimeProvider.System));
        Assert.True(code == ExitCodes.Success, error.ToString());
        return container;
    }

    /// <summary>The ground-truth files of every arrival hour that has one, by that hour; fails on any other blob in the tree.</summary>
    private static async Task<Dictionary<DateTimeOffset, ParquetTable>> GroundTruthAsync(BlobContainerClient container, StorageLayout layout, int hours)
    {
        var files = new Dictionary<DateTimeOffset, ParquetTable>();
        for (var hour = End.AddHours(-hours); hour < End.AddHours(24); hour = hour.AddHours(1))
        {
            var blob = container.GetBlobClient(layout.SimulatedGroundTruthBlobName(hour, Model, Version));
            if (await blob.ExistsAsync())
            {
                files[hour] = await ParquetTable.ReadAsync(blob);
            }
        }

        var all = await container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = layout.GroundTruthPrefix }).CountAsync();
        Assert.Equal(all, files.Count);
        return files;
    }

    private static Dictionary<string, (DateTime Timestamp, string Prediction)> Predictions(ParquetTable logs) =>
        logs.Values<string>("request_id")
            .Zip(logs.Values<DateTime?>("timestamp"), logs.Values<string>("prediction"))
            .ToDictionary(r => r.First, r => (r.Second!.Value, r.Third));

    private static IEnumerable<(string RequestId, string Label, DateTime? Timestamp, DateTimeOffset Arrival)> Labels(Dictionary<DateTimeOffset, ParquetTable> files) =>
        files.SelectMany(f => f.Value.Values<string>("request_id")
            .Zip(f.Value.Values<string>("label"), f.Value.Values<DateTime?>("timestamp"))
            .Select(r => (r.First, r.Second, r.Third, f.Key)));

    [Fact]
    public async Task Labels_arrive_late_in_their_arrival_hours_and_join_the_predictions()
    {
        var container = await SimulateAsync("--scenario", "none", "--hours", "12", "--rows-per-hour", "200", "--training-rows", "2000", "--seed", "5");

        var logs = await ParquetTable.ReadAllAsync(container, Layout.LogsPrefix);
        var predictions = Predictions(logs);
        Assert.Equal(2400, logs.Rows);
        Assert.Equal(2400, predictions.Count);
        var files = await GroundTruthAsync(container, Layout, 12);
        Assert.All(files.Values, file =>
        {
            Assert.Equal(["request_id", "label", "model_name", "model_version", "timestamp"], file.Fields.Select(f => f.Name));
            Assert.Equal(["string", "string", "string", "string", "timestamp"], file.Fields.Select(ParquetTable.Kind));
            Assert.Equal(ParquetTable.Kind(logs.Field("prediction")), ParquetTable.Kind(file.Field("label")));
            var timestamp = Assert.IsType<DateTimeDataField>(file.Field("timestamp"));
            Assert.Equal((DateTimeTimeUnit.Micros, true, true), (timestamp.Unit, timestamp.IsAdjustedToUTC, timestamp.IsNullable));
            Assert.All(file.Values<string>("model_name"), m => Assert.Equal(Model, m));
            Assert.All(file.Values<string>("model_version"), v => Assert.Equal(Version, v));
        });

        var labels = Labels(files).ToList();
        Assert.Equal(labels.Count, labels.Select(l => l.RequestId).Distinct().Count());
        foreach (var (requestId, _, timestamp, arrival) in labels)
        {
            Assert.True(predictions.TryGetValue(requestId, out var prediction), $"label for unknown request {requestId}");
            Assert.Equal(prediction.Timestamp, timestamp);
            var predictedAt = new DateTimeOffset(prediction.Timestamp, TimeSpan.Zero);
            // Arrives in [prediction + 2 h, prediction + 5 h) and before --end: its hour ends after the former.
            Assert.True(arrival.AddHours(1) > predictedAt.AddHours(2) && arrival <= predictedAt.AddHours(5), $"{requestId} arrived in {arrival:O}");
            Assert.True(arrival < End);
        }

        // Predictions whose whole arrival range lies before --end: 80 % labelled; the last 2 hours: none yet.
        var labelled = labels.Select(l => l.RequestId).ToHashSet();
        var settled = predictions.Where(p => p.Value.Timestamp.AddHours(5) <= End.UtcDateTime).ToList();
        Assert.InRange(settled.Count(p => labelled.Contains(p.Key)) / (double)settled.Count, 0.76, 0.84);
        Assert.DoesNotContain(predictions, p => p.Value.Timestamp.AddHours(2) >= End.UtcDateTime && labelled.Contains(p.Key));
        // One hour's predictions are labelled across several later hours.
        Assert.True(labels.Where(l => l.Timestamp < End.AddHours(-11).UtcDateTime).Select(l => l.Arrival).Distinct().Count() >= 3);
        // The truth is the world's, not a copy of the prediction: right about nine times in ten.
        Assert.InRange(labels.Average(l => l.Label == predictions[l.RequestId].Prediction ? 1.0 : 0.0), 0.88, 0.97);
    }

    [Fact]
    public async Task Duplicate_labels_repeat_the_same_label_an_hour_later()
    {
        var container = await SimulateAsync("--scenario", "none", "--hours", "6", "--rows-per-hour", "300", "--training-rows", "2000",
            "--label-share", "1", "--label-delay-hours", "0", "--label-spread-hours", "1", "--duplicate-label-share", "0.2");

        var labels = Labels(await GroundTruthAsync(container, Layout, 6)).ToList();
        var predictions = Predictions(await ParquetTable.ReadAllAsync(container, Layout.LogsPrefix));
        Assert.All(labels, l => Assert.Contains(l.RequestId, predictions));
        var groups = labels.GroupBy(l => l.RequestId).ToList();
        Assert.All(groups, g => Assert.InRange(g.Count(), 1, 2));
        var twice = groups.Where(g => g.Count() == 2).ToList();
        Assert.All(twice, g =>
        {
            Assert.Single(g.Select(l => l.Label).Distinct());
            Assert.Equal(1, (g.Max(l => l.Arrival) - g.Min(l => l.Arrival)).TotalHours, 0.0);
        });
        // Both copies arrive before --end for predictions two hours before it.
        var early = groups.Where(g => predictions[g.Key].Timestamp.AddHours(2) <= End.UtcDateTime).ToList();
        Assert.InRange(early.Count(g => g.Count() == 2) / (double)early.Count, 0.17, 0.23);
    }

    [Fact]
    public async Task The_validation_set_adds_calibrated_predictions_to_the_training_columns()
    {
        var container = await SimulateAsync("--scenario", "concept-drift", "--hours", "1", "--rows-per-hour", "10", "--training-rows", "1000", "--validation-rows", "6000");

        var training = await ParquetTable.ReadAsync(container.GetBlobClient(StorageLayout.SimulatedTrainingBlobName(Model, Version)));
        var validation = await ParquetTable.ReadAsync(container.GetBlobClient(StorageLayout.SimulatedValidationBlobName(Model, Version)));

        Assert.Equal([.. training.Fields.Select(f => (f.Name, ParquetTable.Kind(f))), ("prediction", "string"), ("prediction_score", "double")],
            validation.Fields.Select(f => (f.Name, ParquetTable.Kind(f))));
        Assert.Equal(6000, validation.Rows);
        var rows = validation.Values<string>(SyntheticModel.Label)
            .Zip(validation.Values<string>("prediction"), validation.Values<double?>("prediction_score").Select(s => s!.Value))
            .ToList();
        Assert.All(rows, r => Assert.Equal(r.Third >= 0.5 ? "fraud" : "legit", r.Second));
        Assert.InRange(rows.Average(r => r.First == r.Second ? 1.0 : 0.0), 0.90, 0.96);
        // Calibrated: in ten equal-width bins the share of fraud matches the mean score (expected calibration error).
        var ece = rows.GroupBy(r => Math.Min(9, (int)(r.Third * 10)))
            .Sum(bin => bin.Count() * Math.Abs(bin.Average(r => r.Third) - bin.Average(r => r.First == "fraud" ? 1.0 : 0.0))) / rows.Count;
        Assert.InRange(ece, 0, 0.03);
    }

    [Fact]
    public async Task Concept_drift_keeps_the_features_and_costs_the_model_its_accuracy()
    {
        var container = await SimulateAsync("--scenario", "concept-drift", "--hours", "12", "--rows-per-hour", "400", "--training-rows", "10000", "--seed", "11",
            "--label-share", "1", "--label-delay-hours", "0", "--label-spread-hours", "1");

        var training = await ParquetTable.ReadAsync(container.GetBlobClient(StorageLayout.SimulatedTrainingBlobName(Model, Version)));
        var logs = await ParquetTable.ReadAllAsync(container, Layout.LogsPrefix);
        var onset = End.AddHours(-12 + 4).UtcDateTime;
        var drifted = Enumerable.Range(0, logs.Rows).Where(i => ((DateTime?)logs.Columns["timestamp"][i])!.Value >= onset).ToList();
        Assert.Equal(8 * 400, drifted.Count);

        // Every feature keeps its training distribution in the drifted hours: means within a tenth of a standard
        // deviation (covariate-shift moves distance_km's by 1.4), category shares within 3 points.
        foreach (var feature in SyntheticModel.NumericFeatures)
        {
            var train = training.Values<double?>(feature).OfType<double>().ToList();
            var mean = train.Average();
            var std = Math.Sqrt(train.Average(v => (v - mean) * (v - mean)));
            var production = drifted.Select(i => (double?)logs.Columns[feature][i]).OfType<double>().Average();
            Assert.True(Math.Abs(production - mean) < 0.1 * std, $"{feature}: {production} in drifted hours, {mean} ± {std} in training");
        }

        foreach (var feature in SyntheticModel.CategoricalFeatures)
        {
            var train = training.Values<string>(feature).ToList();
            var production = drifted.Select(i => (string)logs.Columns[feature][i]!).ToList();
            foreach (var category in train.Distinct())
            {
                var gap = Math.Abs(train.Count(v => v == category) / (double)train.Count - (production.Count(v => v == category) / (double)production.Count));
                Assert.True(gap < 0.03, $"{feature}={category}: shares differ by {gap:F3}");
            }
        }

        // Accuracy of the logged predictions against the labels that arrived, before and after the onset.
        var predictions = Predictions(logs);
        var labels = Labels(await GroundTruthAsync(container, Layout, 12)).ToList();
        double Accuracy(bool afterOnset) => labels
            .Where(l => predictions[l.RequestId].Timestamp >= onset == afterOnset)
            .Average(l => l.Label == predictions[l.RequestId].Prediction ? 1.0 : 0.0);
        var before = Accuracy(afterOnset: false);
        var after = Accuracy(afterOnset: true);
        Assert.InRange(before, 0.88, 0.97);
        Assert.InRange(after, 0.6, 0.8);
        Assert.True(before - after > 0.12, $"accuracy {before:F3} before the onset, {after:F3} after");
    }

    [Fact]
    public async Task Ground_truth_goes_under_its_prefix_which_may_not_be_the_logs()
    {
        var container = await azurite.CreateContainerAsync();
        var storage = new StorageOptions { ConnectionString = azurite.ConnectionString, Container = container.Name, GroundTruthPrefix = "labels/prod" };
        var request = new SimulationRequest(Model, Version, Scenario.None, 4, 50, 500, 3, End, StorageOptions.DefaultLogsPrefix, "labels/prod", new LabelArrival(1, 0, 1), 500);
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(ExitCodes.Success, await SimulateCommand.HandleAsync(storage, request, new CliRuntime(output, error, TimeProvider.System)));
        var files = await GroundTruthAsync(container, new StorageLayout(StorageOptions.DefaultLogsPrefix, "labels/prod"), 4);
        Assert.Equal(4, files.Count);
        Assert.Contains("labels arrived → 4 Parquet files under labels/prod/", output.ToString(), StringComparison.Ordinal);
        Assert.False(await container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = StorageOptions.DefaultGroundTruthPrefix }).AnyAsync());

        var clash = request with { GroundTruthPrefix = StorageOptions.DefaultLogsPrefix };
        Assert.Equal(ExitCodes.Usage, await SimulateCommand.HandleAsync(storage, clash, new CliRuntime(output, error, TimeProvider.System)));
        Assert.Contains("DRIFT_GROUND_TRUTH_PREFIX", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--label-share", "1.5")]
    [InlineData("--duplicate-label-share", "-0.1")]
    [InlineData("--label-delay-hours", "-1")]
    [InlineData("--label-spread-hours", "745")]
    [InlineData("--validation-rows", "0")]
    public async Task Label_options_out_of_range_exit_2(string option, string value)
    {
        using var error = new StringWriter();
        var code = await DriftCtl.InvokeAsync(["simulate", "--connection-string", "UseDevelopmentStorage=true", option, value], new CliRuntime(TextWriter.Null, error, TimeProvider.System));
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(option, error.ToString(), StringComparison.Ordinal);
    }
}
