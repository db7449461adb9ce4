namespace DriftJobs.Storage;

/// <summary>The two hour-partitioned trees of the container (<see cref="StorageLayout"/>).</summary>
internal enum HourTree
{
    /// <summary>Predictions, by the hour they were made.</summary>
    InferenceLogs,

    /// <summary>Labels (outcomes), by the hour they arrived.</summary>
    GroundTruth,
}
