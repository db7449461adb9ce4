namespace DriftJobs.InferenceLogger;

/// <summary>A record as queued: the caller's record and its timestamp resolved to UTC ticks at TryLog time.</summary>
internal readonly record struct BufferedRecord(PredictionRecord Record, long UtcTicks) : IHourPartitioned
{
    public string ModelName => Record.ModelName;

    public string ModelVersion => Record.ModelVersion;

    public long HourTicks => UtcTicks - (UtcTicks % TimeSpan.TicksPerHour);
}
