namespace DriftJobs.InferenceLogger;

/// <summary>
/// The ground truth of a prediction logged earlier: the label that arrived for it (a chargeback, a click, a
/// reviewer's verdict), matched to the prediction by <see cref="RequestId"/>. Log it with
/// <see cref="IInferenceLogger.TryLogOutcome"/>, as soon as it arrives.
/// </summary>
public sealed class OutcomeRecord
{
    /// <summary>The request id the prediction was logged with (<see cref="PredictionRecord.RequestId"/>); not empty.</summary>
    public required string RequestId { get; init; }

    /// <summary>The model's name, as logged with the prediction: 1–63 characters from <c>[A-Za-z0-9._-]</c>, not <c>.</c> or <c>..</c>.</summary>
    public required string ModelName { get; init; }

    /// <summary>The model's version, as logged with the prediction: 1–63 characters from <c>[A-Za-z0-9._-]</c>, not <c>.</c> or <c>..</c>.</summary>
    public required string ModelVersion { get; init; }

    /// <summary>
    /// The true value, of the prediction's kind (<see cref="InferenceLoggerOptions.PredictionKind"/>): a class
    /// (<c>"fraud"</c>, or <c>1</c> for a classifier whose predictions are numbers) or a number (a regression
    /// target). A number for a <see cref="ValueKind.String"/> logger is written as its invariant round-trip text, a
    /// string for a <see cref="ValueKind.Number"/> logger is parsed as an invariant number. Outcomes without a label,
    /// with NaN or an infinity, or with text that does not parse are refused.
    /// </summary>
    public required ModelValue Label { get; init; }

    /// <summary>
    /// When the prediction was made (<see cref="PredictionRecord.Timestamp"/>), if known: written to the
    /// <c>timestamp</c> column (UTC, microseconds), null otherwise. The file's hour partition is the time the
    /// outcome was logged, not this.
    /// </summary>
    public DateTimeOffset? PredictionTimestamp { get; init; }
}
