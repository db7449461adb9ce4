using Parquet.Schema;

namespace DriftJobs.InferenceLogger;

/// <summary>
/// The Parquet layout of a log file: <c>timestamp</c> (UTC, microseconds), <c>request_id</c>, <c>model_name</c>,
/// <c>model_version</c>, one nullable column per declared feature (double or string, ordinal name order),
/// <c>prediction</c> (double or string) and <c>prediction_score</c> (double).
/// </summary>
internal sealed class LogSchema
{
    public const int MaxColumnNameLength = 128;
    public const string TimestampColumn = "timestamp";
    public const string RequestIdColumn = "request_id";
    public const string ModelNameColumn = "model_name";
    public const string ModelVersionColumn = "model_version";
    public const string PredictionColumn = "prediction";
    public const string PredictionScoreColumn = "prediction_score";

    public static readonly IReadOnlyList<string> FixedColumnNames =
        [TimestampColumn, RequestIdColumn, ModelNameColumn, ModelVersionColumn, PredictionColumn, PredictionScoreColumn];

    public LogSchema(IEnumerable<KeyValuePair<string, ValueKind>> features, ValueKind predictionKind)
    {
        Timestamp = new DateTimeDataField(TimestampColumn, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: false);
        RequestId = new DataField<string>(RequestIdColumn, nullable: true);
        ModelName = new DataField<string>(ModelNameColumn, nullable: false);
        ModelVersion = new DataField<string>(ModelVersionColumn, nullable: false);
        Features = features
            .OrderBy(f => f.Key, StringComparer.Ordinal)
            .Select(f => new FeatureColumn(f.Key, f.Value, DataFieldOf(f.Key, f.Value)))
            .ToArray();
        PredictionKind = predictionKind;
        Prediction = DataFieldOf(PredictionColumn, predictionKind);
        PredictionScore = new DataField<double?>(PredictionScoreColumn, nullable: true);

        var fields = new List<Field> { Timestamp, RequestId, ModelName, ModelVersion };
        fields.AddRange(Features.Select(f => f.Field));
        fields.Add(Prediction);
        fields.Add(PredictionScore);
        Parquet = new ParquetSchema(fields);
    }

    public DateTimeDataField Timestamp { get; }

    public DataField<string> RequestId { get; }

    public DataField<string> ModelName { get; }

    public DataField<string> ModelVersion { get; }

    public IReadOnlyList<FeatureColumn> Features { get; }

    public ValueKind PredictionKind { get; }

    public DataField Prediction { get; }

    public DataField<double?> PredictionScore { get; }

    public ParquetSchema Parquet { get; }

    public static bool IsValidColumnName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxColumnNameLength && !name.Any(char.IsControl);

    public static bool IsReservedColumnName(string name) =>
        FixedColumnNames.Contains(name, StringComparer.OrdinalIgnoreCase);

    private static DataField DataFieldOf(string name, ValueKind kind) => kind == ValueKind.String
        ? new DataField<string>(name, nullable: true)
        : new DataField<double?>(name, nullable: true);
}

/// <summary>A declared feature and its Parquet column.</summary>
internal sealed record FeatureColumn(string Name, ValueKind Kind, DataField Field);
