namespace DriftJobs.Hosting;

/// <summary>
/// What a job's process returns. The CronJob's podFailurePolicy fails a Job at once on 2: retrying a
/// configuration error is waste, retrying a storage outage is not.
/// </summary>
internal static class JobExitCode
{
    /// <summary>The job ran (drift or not, insufficient data included).</summary>
    public const int Ran = 0;

    /// <summary>An unexpected failure worth retrying (storage unreachable after the SDK's retries).</summary>
    public const int Failure = 1;

    /// <summary>A configuration or input error: a bad setting, no baseline, a malformed baseline.</summary>
    public const int ConfigurationError = 2;
}
