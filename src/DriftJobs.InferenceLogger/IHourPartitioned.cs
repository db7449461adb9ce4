namespace DriftJobs.InferenceLogger;

/// <summary>What decides a queued record's file: its model, its version and its hour.</summary>
internal interface IHourPartitioned
{
    string ModelName { get; }

    string ModelVersion { get; }

    /// <summary>The UTC hour (ticks) whose partition the record is written to.</summary>
    long HourTicks { get; }
}
