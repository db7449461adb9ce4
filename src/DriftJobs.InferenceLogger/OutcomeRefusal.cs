namespace DriftJobs.InferenceLogger;

/// <summary>Why <see cref="BlobInferenceLogger.TryLogOutcome"/> refused an outcome; the values index <see cref="LoggerCounters.OutcomesRejectedFor"/>.</summary>
internal enum OutcomeRefusal
{
    NullOutcome,
    NoRequestId,
    InvalidModel,
    NoLabel,
    InvalidLabel,
    Failed,
}
