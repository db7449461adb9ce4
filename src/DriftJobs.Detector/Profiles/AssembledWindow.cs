using DriftJobs.Core.Performance;
using DriftJobs.Core.Profiles;
using DriftJobs.Core.Reports;

namespace DriftJobs.Detector.Profiles;

/// <summary>
/// A window's profile and where its hours came from. The provenance is printed and logged but kept out of the report,
/// whose bytes are the same however the hours were obtained.
/// </summary>
/// <param name="Estimate">The data window's performance estimate from its scores, when the baseline asks for one.</param>
internal sealed record AssembledWindow(
    WindowProfile Window, ReportFiles Files, EstimatedPerformanceAccumulator? Estimate, int HoursRead, int HoursFromProfiles, long LogBytesRead, long ProfileBytesRead)
{
    /// <summary>The line the run prints under its summary.</summary>
    public string Provenance =>
        $"Hours: {HoursRead} read from the logs, {HoursFromProfiles} from hour profiles ({LogBytesRead:N0} bytes of logs, {ProfileBytesRead:N0} bytes of profiles)";
}
