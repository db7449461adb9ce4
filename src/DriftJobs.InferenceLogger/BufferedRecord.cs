namespace DriftJobs.InferenceLogger;

/// <summary>A record as queued: the caller's record and its timestamp resolved to UTC ticks at TryLog time.</summary>
internal readonly record struct BufferedRecord(PredictionRecord Record, long UtcTicks)
{
    public long HourTicks => UtcTicks - (UtcTicks % TimeSpan.TicksPerHour);
}
