namespace DriftJobs.InferenceLogger;

/// <summary>
/// Records the predictions a gateway serves, and the outcomes (ground truth) that arrive for them later, for the
/// drift detector. Safe to call from any thread.
/// </summary>
public interface IInferenceLogger
{
    /// <summary>
    /// Queues a record to be written. Never blocks and never throws: it returns <see langword="false"/> when the
    /// record was not accepted — the buffer is full, the logger is stopping, or the record is invalid (null, or a
    /// model name or version that is not 1–63 characters from <c>[A-Za-z0-9._-]</c>, or is <c>.</c> or <c>..</c>). Every outcome is counted in
    /// the <c>DriftJobs.InferenceLogger</c> meter.
    /// </summary>
    /// <param name="record">The prediction to log.</param>
    /// <returns><see langword="true"/> when the record was accepted and will be written.</returns>
    bool TryLog(PredictionRecord record);

    /// <summary>
    /// Queues the outcome (label) of an earlier prediction to be written to the ground-truth files, with the same
    /// guarantees as <see cref="TryLog"/>: never blocks and never throws, and returns <see langword="false"/> when the
    /// outcome was not accepted — the buffer is full, the logger is stopping, or the outcome is invalid (null, an
    /// empty request id, a model name or version <see cref="TryLog"/> would refuse, no label, or a label that is
    /// NaN, infinite, or text that is not a number when <see cref="InferenceLoggerOptions.PredictionKind"/> is
    /// <see cref="ValueKind.Number"/>). Every outcome is counted, refusals by reason, in the
    /// <c>DriftJobs.InferenceLogger</c> meter; refusals are also logged once a minute with their reasons.
    /// </summary>
    /// <param name="outcome">The label and the prediction it belongs to.</param>
    /// <returns><see langword="true"/> when the outcome was accepted and will be written.</returns>
    bool TryLogOutcome(OutcomeRecord outcome);
}
