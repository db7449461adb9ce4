namespace DriftJobs.InferenceLogger;

/// <summary>Records the predictions a gateway serves, for the drift detector. Safe to call from any thread.</summary>
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
}
