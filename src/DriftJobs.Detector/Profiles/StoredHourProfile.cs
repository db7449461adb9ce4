using Azure;
using DriftJobs.Core.Profiles;

namespace DriftJobs.Detector.Profiles;

/// <summary>
/// What the store holds for an hour: a profile that stands for the hour's current files, or null when there is none
/// that does (the store logs why), with the blob's ETag (null when there is no blob) for a write that replaces exactly
/// what was read, and the bytes downloaded.
/// </summary>
internal sealed record StoredHourProfile(HourProfile? Profile, ETag? ETag, long Bytes)
{
    /// <summary>Whether the profile was added to the window (it is not kept here: its counts lived in a reused scratch profile).</summary>
    public bool Used { get; init; }
}
