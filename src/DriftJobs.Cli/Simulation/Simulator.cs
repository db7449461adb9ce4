using System.Globalization;
using Azure.Storage.Blobs;
using DriftJobs.InferenceLogger;
using DriftJobs.Storage;

namespace DriftJobs.Cli.Simulation;

internal sealed record SimulationRequest(
    string ModelName,
    string ModelVersion,
    Scenario Scenario,
    int Hours,
    int RowsPerHour,
    int TrainingRows,
    int Seed,
    DateTimeOffset End,
    string LogsPrefix,
    string GroundTruthPrefix = StorageOptions.DefaultGroundTruthPrefix,
    LabelArrival? Labels = null,
    int ValidationRows = SimulationRequest.DefaultValidationRows)
{
    public const int DefaultValidationRows = 5_000;

    /// <summary>The blob the training set is written to; TRAINING_DATA for the baseline job.</summary>
    public string TrainingBlob => StorageLayout.SimulatedTrainingBlobName(ModelName, ModelVersion);

    /// <summary>The validation set with the model's predictions; VALIDATION_DATA for the baseline job.</summary>
    public string ValidationBlob => StorageLayout.SimulatedValidationBlobName(ModelName, ModelVersion);

    public LabelArrival LabelArrival => Labels ?? new LabelArrival();

    /// <summary>
    /// The first hour (index from the start) whose labels follow the drifted concept. Concept drift starts a third of
    /// the way in, unlike the feature scenarios whose every hour drifts: the hourly error series then has a change
    /// point, and the labelled hours before it (the last hours' labels have not arrived) show the model still right.
    /// </summary>
    public int ConceptDriftOnsetHour => Scenario == Scenario.ConceptDrift ? Hours / 3 : int.MaxValue;
}

internal sealed record SimulationResult(string TrainingBlob, long TrainingRows, long LogRecords, long LogFiles, string ValidationBlob, long ValidationRows, long Labels, long LabelFiles);

/// <summary>
/// Writes a synthetic training set, a validation set and hours of inference logs for the fictional model, and the
/// ground truth of those predictions as it would arrive (a share of them, late). The logs go through the inference
/// logger library itself, so the demo and the end-to-end tests read exactly what a gateway would write.
/// </summary>
internal static class Simulator
{
    public static async Task<SimulationResult> RunAsync(BlobContainerClient container, SimulationRequest request, CancellationToken cancellationToken = default)
    {
        var layout = new StorageLayout(request.LogsPrefix, request.GroundTruthPrefix);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var model = new SyntheticModel(request.Scenario, request.Seed);
        var logged = model.ProductionFeatures.ToHashSet(StringComparer.Ordinal);

        await UploadSetAsync(container, request.TrainingBlob, model, request.TrainingRows, withPredictions: false, cancellationToken).ConfigureAwait(false);
        // A model of its own: drawing the validation rows from the production model's generator would change the
        // logs a seed has always written. The seed differs so the rows are not the training rows again.
        var validation = new SyntheticModel(Scenario.None, unchecked((request.Seed * 7919) + 1));
        await UploadSetAsync(container, request.ValidationBlob, validation, request.ValidationRows, withPredictions: true, cancellationToken).ConfigureAwait(false);

        var logger = new InferenceLoggerBuilder(container).Configure(o =>
        {
            o.LogsRoot = request.LogsPrefix;
            o.InstanceId = "simulator";
            o.PredictionKind = ValueKind.String;
            o.BufferCapacity = Math.Max(o.BatchSize, request.RowsPerHour * 2);
            // The production schema: in the schema-change scenario a column is gone from the files, not just null.
            foreach (var feature in logged)
            {
                o.Features[feature] = SyntheticModel.CategoricalFeatures.Contains(feature) ? ValueKind.String : ValueKind.Number;
            }
        }).Build();

        var arrival = request.LabelArrival;
        var groundTruth = new GroundTruthDelivery(container, layout, request, new Random(unchecked((request.Seed * 104_729) + 2)));
        long records = 0;
        await using (logger.ConfigureAwait(false))
        {
            var start = request.End.AddHours(-request.Hours);
            var spacing = TimeSpan.FromHours(1) / request.RowsPerHour;
            for (var hour = 0; hour < request.Hours; hour++)
            {
                var hourStart = start.AddHours(hour);
                for (var i = 0; i < request.RowsPerHour; i++)
                {
                    var row = model.Production(conceptDrifted: hour >= request.ConceptDriftOnsetHour);
                    var record = new PredictionRecord
                    {
                        Timestamp = hourStart + (spacing * i),
                        // Unique across runs for other hours too, so labels join to exactly one prediction.
                        RequestId = string.Create(CultureInfo.InvariantCulture, $"sim-{hourStart:yyyyMMddHH}-{i:D6}"),
                        ModelName = request.ModelName,
                        ModelVersion = request.ModelVersion,
                        Features = row.Features
                            .Where(kv => logged.Contains(kv.Key))
                            .ToDictionary(kv => kv.Key, kv => kv.Value is string s ? ModelValue.FromString(s) : ModelValue.FromNullableDouble((double?)kv.Value)),
                        Prediction = row.Prediction,
                        PredictionScore = row.Score,
                    };
                    // The buffer holds two hours of records and the logger drains it as it goes; wait rather than drop.
                    while (!logger.TryLog(record))
                    {
                        await Task.Delay(5, cancellationToken).ConfigureAwait(false);
                    }

                    groundTruth.Add(record.RequestId, row.Label, record.Timestamp.Value);
                    records++;
                }

                // Labels of later predictions arrive at least the delay after the next hour starts.
                await groundTruth.FlushBeforeAsync(hourStart.AddHours(1) + arrival.Delay, cancellationToken).ConfigureAwait(false);
            }

            await groundTruth.FlushBeforeAsync(DateTimeOffset.MaxValue, cancellationToken).ConfigureAwait(false);
            await logger.StopAsync(cancellationToken).ConfigureAwait(false);
        }

        var files = 0L;
        await foreach (var _ in container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = layout.LogsPrefix }, cancellationToken).ConfigureAwait(false))
        {
            files++;
        }

        return new SimulationResult(request.TrainingBlob, request.TrainingRows, records, files, request.ValidationBlob, request.ValidationRows, groundTruth.Labels, groundTruth.Files);
    }

    private static async Task UploadSetAsync(BlobContainerClient container, string blob, SyntheticModel model, int rows, bool withPredictions, CancellationToken cancellationToken)
    {
        using var set = new MemoryStream();
        await TrainingSetWriter.WriteAsync(set, model, rows, withPredictions, cancellationToken).ConfigureAwait(false);
        set.Position = 0;
        await container.GetBlobClient(blob).UploadAsync(set, overwrite: true, cancellationToken).ConfigureAwait(false);
    }
}
