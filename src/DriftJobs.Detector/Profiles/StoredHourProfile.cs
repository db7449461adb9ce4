using Azure;
using DriftJobs.Core.Profiles;

namespace DriftJobs.Detector.Profiles;

/// <summary>
/// What the store holds for an hour: a profile that stands for the hour's current files, or why there is none that
/// does, with the blob's ETag (null when there is no blob) for a write that replaces exactly what was read.
/// </summary>
internal sealed record StoredHourProfile(HourProfile? Profile, ETag? ETag, string? Unusable, long Bytes)
{
    public bool IsValid => Profile is not null;

    /// <summary>Whether the profile was added to the window (it is not kept here: its counts lived in a reused scratch profile).</summary>
    public bool Used { get; init; }
}
