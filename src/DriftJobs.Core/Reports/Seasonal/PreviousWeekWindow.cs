using DriftJobs.Core.Profiles;

namespace DriftJobs.Core.Reports.Seasonal;

/// <summary>
/// The same hours as the analysed window, 7 days earlier, summed from their stored hour profiles
/// (DRIFT_REFERENCE = baseline+previous-week). <see cref="Profile"/> is null when the week before cannot be compared;
/// <see cref="Unavailable"/> then says why.
/// </summary>
internal sealed record PreviousWeekWindow(ReportWindow Range, WindowProfile? Profile, int HoursWithLogs, int HoursProfiled, string? Unavailable)
{
    /// <summary>How far back the seasonal reference lies: one week, so that weekday and hour of day both match.</summary>
    public static TimeSpan Offset { get; } = TimeSpan.FromDays(7);

    public static ReportWindow RangeBefore(ReportWindow window) => window with { Start = window.Start - Offset, End = window.End - Offset };
}
