using DriftJobs.Core.Profiles;
using DriftJobs.Core.Reports;

namespace DriftJobs.Detector.Profiles;

/// <summary>
/// A window's profile and where its hours came from. The provenance is printed and logged but kept out of the report,
/// whose bytes are the same however the hours were obtained.
/// </summary>
internal sealed record AssembledWindow(WindowProfile Window, ReportFiles Files, int HoursRead, int HoursFromProfiles, long LogBytesRead, long ProfileBytesRead)
{
    /// <summary>The line the run prints under its summary.</summary>
    public string Provenance =>
        $"Hours: {HoursRead} read from the logs, {HoursFromProfiles} from hour profiles ({LogBytesRead:N0} bytes of logs, {ProfileBytesRead:N0} bytes of profiles)";
}
