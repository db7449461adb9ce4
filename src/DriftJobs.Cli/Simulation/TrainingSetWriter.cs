using Parquet;
using Parquet.Schema;

namespace DriftJobs.Cli.Simulation;

/// <summary>
/// Writes synthetic training rows as one Parquet file (several row groups), the way a feature store export would.
/// A validation set adds the model's <c>prediction</c> and <c>prediction_score</c>, typed as in the logs, so the
/// baseline job can measure the model's reference performance on data it was not trained on.
/// </summary>
internal static class TrainingSetWriter
{
    public const int RowGroupSize = 10_000;
    public const string PredictionColumn = "prediction";
    public const string PredictionScoreColumn = "prediction_score";

    public static async Task WriteAsync(Stream output, SyntheticModel model, int rows, bool withPredictions = false, CancellationToken cancellationToken = default)
    {
        var numeric = SyntheticModel.NumericFeatures.Select(f => new DataField<double?>(f)).ToArray();
        var categorical = SyntheticModel.CategoricalFeatures.Select(f => new DataField<string>(f, nullable: true)).ToArray();
        var label = new DataField<string>(SyntheticModel.Label, nullable: true);
        var prediction = new DataField<string>(PredictionColumn, nullable: true);
        var score = new DataField<double?>(PredictionScoreColumn, nullable: true);
        var schema = new ParquetSchema(withPredictions ? [.. numeric, .. categorical, label, prediction, score] : [.. numeric, .. categorical, label]);

        var writer = await ParquetWriter.CreateAsync(schema, output, cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            for (var start = 0; start < rows; start += RowGroupSize)
            {
                var batch = Enumerable.Range(0, Math.Min(RowGroupSize, rows - start)).Select(_ => model.Training()).ToArray();
                using var group = writer.CreateRowGroup();
                foreach (var field in numeric)
                {
                    var values = batch.Select(r => (double?)r.Features[field.Name]).ToArray();
                    await group.WriteAsync<double>(field, (ReadOnlyMemory<double?>)values.AsMemory(), null, null, cancellationToken).ConfigureAwait(false);
                }

                foreach (var field in categorical)
                {
                    var values = batch.Select(r => (string?)r.Features[field.Name]).ToArray();
                    await group.WriteAsync(field, new ArraySegment<string>(values!), null).ConfigureAwait(false);
                }

                await group.WriteAsync(label, new ArraySegment<string>(batch.Select(r => r.Label).ToArray()), null).ConfigureAwait(false);
                if (withPredictions)
                {
                    await group.WriteAsync(prediction, new ArraySegment<string>(batch.Select(r => r.Prediction).ToArray()), null).ConfigureAwait(false);
                    var scores = batch.Select(r => (double?)r.Score).ToArray();
                    await group.WriteAsync<double>(score, (ReadOnlyMemory<double?>)scores.AsMemory(), null, null, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }
}
