using Parquet;
using Parquet.Schema;

namespace DriftJobs.Cli.Simulation;

/// <summary>
/// Writes one arrival hour's labels as a ground-truth file in the columns the detector reads and the inference
/// logger's TryLogOutcome writes: request_id, label (string, as the simulator's predictions), model_name,
/// model_version (all required) and timestamp (the prediction's time, UTC microseconds, nullable). The simulator
/// writes these itself because the logger partitions outcomes by its clock, and a simulation's labels arrive in
/// hours that are not now.
/// </summary>
internal static class GroundTruthWriter
{
    public const string RequestIdColumn = "request_id";
    public const string LabelColumn = "label";
    public const string ModelNameColumn = "model_name";
    public const string ModelVersionColumn = "model_version";
    public const string TimestampColumn = "timestamp";

    private static readonly DataField<string> RequestId = new(RequestIdColumn, nullable: false);
    private static readonly DataField<string> Label = new(LabelColumn, nullable: false);
    private static readonly DataField<string> ModelName = new(ModelNameColumn, nullable: false);
    private static readonly DataField<string> ModelVersion = new(ModelVersionColumn, nullable: false);
    private static readonly DateTimeDataField Timestamp = new(TimestampColumn, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: true);
    private static readonly ParquetSchema Schema = new(RequestId, Label, ModelName, ModelVersion, Timestamp);

    public static async Task WriteAsync(Stream output, string modelName, string modelVersion, IReadOnlyList<GroundTruthLabel> labels, CancellationToken cancellationToken = default)
    {
        var writer = await ParquetWriter.CreateAsync(Schema, output, cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(RequestId, new ArraySegment<string>([.. labels.Select(l => l.RequestId)]), null).ConfigureAwait(false);
            await group.WriteAsync(Label, new ArraySegment<string>([.. labels.Select(l => l.Label)]), null).ConfigureAwait(false);
            await group.WriteAsync(ModelName, new ArraySegment<string>([.. labels.Select(_ => modelName)]), null).ConfigureAwait(false);
            await group.WriteAsync(ModelVersion, new ArraySegment<string>([.. labels.Select(_ => modelVersion)]), null).ConfigureAwait(false);
            DateTime?[] timestamps = [.. labels.Select(l => (DateTime?)l.PredictedAt.UtcDateTime)];
            await group.WriteAsync<DateTime>(Timestamp, timestamps.AsMemory(), null, null, cancellationToken).ConfigureAwait(false);
        }
    }
}
