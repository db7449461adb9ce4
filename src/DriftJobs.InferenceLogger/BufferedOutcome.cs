namespace DriftJobs.InferenceLogger;

/// <summary>
/// An outcome as queued: the caller's record, its label conformed to the prediction kind, and when it was logged
/// (UTC ticks), which chooses its hour partition: the detector finds the labels that arrived since its last run.
/// </summary>
internal readonly record struct BufferedOutcome(OutcomeRecord Record, ModelValue Label, long LoggedTicks) : IHourPartitioned
{
    public string ModelName => Record.ModelName;

    public string ModelVersion => Record.ModelVersion;

    public long HourTicks => LoggedTicks - (LoggedTicks % TimeSpan.TicksPerHour);
}
