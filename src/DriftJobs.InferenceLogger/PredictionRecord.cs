namespace DriftJobs.InferenceLogger;

/// <summary>
/// One prediction served by the gateway: what the model saw and what it answered. The logger keeps a reference
/// until the record is written, so do not change <see cref="Features"/> after passing the record to
/// <see cref="IInferenceLogger.TryLog"/>.
/// </summary>
public sealed class PredictionRecord
{
    /// <summary>
    /// When the prediction was made. Stored in UTC (microsecond precision) and used to choose the hour partition;
    /// when <see langword="null"/>, the logger's <see cref="TimeProvider"/> supplies the current time.
    /// </summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>The gateway's request id, to join the log with other telemetry.</summary>
    public required string RequestId { get; init; }

    /// <summary>The model's name: 1–63 characters from <c>[A-Za-z0-9._-]</c>, not <c>.</c> or <c>..</c> (it is part of the file name).</summary>
    public required string ModelName { get; init; }

    /// <summary>The model's version: 1–63 characters from <c>[A-Za-z0-9._-]</c>, not <c>.</c> or <c>..</c> (it is part of the file name).</summary>
    public required string ModelVersion { get; init; }

    /// <summary>
    /// The model's input, feature name to value. Conformed to the schema declared in
    /// <see cref="InferenceLoggerOptions.Features"/> when written: see that property for the rules.
    /// </summary>
    public required IReadOnlyDictionary<string, ModelValue> Features { get; init; }

    /// <summary>The model's output, of the kind declared in <see cref="InferenceLoggerOptions.PredictionKind"/>.</summary>
    public required ModelValue Prediction { get; init; }

    /// <summary>An optional score (probability, confidence) of the prediction.</summary>
    public double? PredictionScore { get; init; }
}
