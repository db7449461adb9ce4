using Parquet.Schema;

namespace DriftJobs.InferenceLogger;

/// <summary>
/// The Parquet layout of a ground-truth file, the detector's contract: <c>request_id</c>, <c>label</c> (double or
/// string, the prediction's kind), <c>model_name</c>, <c>model_version</c>, all required, and <c>timestamp</c>
/// (the prediction's time, UTC microseconds like the log files', nullable).
/// </summary>
internal sealed class OutcomeSchema
{
    public const string LabelColumn = "label";

    public OutcomeSchema(ValueKind labelKind)
    {
        RequestId = new DataField<string>(LogSchema.RequestIdColumn, nullable: false);
        LabelKind = labelKind;
        Label = labelKind == ValueKind.String ? new DataField<string>(LabelColumn, nullable: false) : new DataField<double>(LabelColumn, nullable: false);
        ModelName = new DataField<string>(LogSchema.ModelNameColumn, nullable: false);
        ModelVersion = new DataField<string>(LogSchema.ModelVersionColumn, nullable: false);
        Timestamp = new DateTimeDataField(LogSchema.TimestampColumn, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: true);
        Parquet = new ParquetSchema(RequestId, Label, ModelName, ModelVersion, Timestamp);
    }

    public DataField<string> RequestId { get; }

    public ValueKind LabelKind { get; }

    public DataField Label { get; }

    public DataField<string> ModelName { get; }

    public DataField<string> ModelVersion { get; }

    public DateTimeDataField Timestamp { get; }

    public ParquetSchema Parquet { get; }
}
