using DriftJobs.Core.Performance;
using DriftJobs.Core.Reports;

namespace DriftJobs.Core.Profiles;

/// <summary>
/// One hour partition's window profile, kept so later runs add it to their windows instead of reading the hour's logs
/// again. It holds as long as its <see cref="Key"/> and <see cref="Files"/> equal the current ones exactly.
/// </summary>
/// <param name="Files">The hour's files as listed before they were read, sorted by name: read or skipped, each is here.</param>
/// <param name="Estimate">
/// The hour's confidence-based performance estimate (its predictions' scores), when the baseline's validation performance
/// asks for one; null otherwise.
/// </param>
internal sealed record HourProfile(
    HourProfileKey Key,
    IReadOnlyList<HourFile> Files,
    WindowProfile Window,
    int FilesRead,
    long RowsOfOtherModels,
    IReadOnlyList<SkippedFile> Skipped,
    EstimatedPerformanceAccumulator? Estimate = null);
