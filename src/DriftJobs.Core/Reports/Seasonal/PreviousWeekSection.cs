using System.Text.Json.Serialization;

namespace DriftJobs.Core.Reports.Seasonal;

/// <summary>The report's comparison with the same hours a week earlier (docs/formats.md, "previous_week").</summary>
internal sealed record PreviousWeekSection
{
    public required PreviousWeekStatus Status { get; init; }

    /// <summary>Why the week before was not compared; null when it was.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; init; }

    /// <summary>The earlier window: the analysed one moved back 7 days.</summary>
    public required ReportWindow Window { get; init; }

    /// <summary>Hours of the earlier window that have log files.</summary>
    public required int HoursWithLogs { get; init; }

    /// <summary>Of those, the hours with a stored profile valid for this baseline (all of them, or nothing is compared).</summary>
    public required int HoursProfiled { get; init; }

    public required long Samples { get; init; }

    /// <summary>Features tested against the earlier window: the size of its own multiple-testing family.</summary>
    public required int Tests { get; init; }

    /// <summary>Features that drifted from training but not from the week before: seasonal or persistent.</summary>
    public required IReadOnlyList<string> SeasonalFeatures { get; init; }

    /// <summary>The severity their alert (seasonal_drift) is raised with: INFO unless DRIFT_SEASONAL_SEVERITY says WARNING.</summary>
    public required AlertSeverity SeasonalSeverity { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<PreviousWeekStatus>))]
internal enum PreviousWeekStatus
{
    [JsonStringEnumMemberName("compared")]
    Compared,

    [JsonStringEnumMemberName("unavailable")]
    Unavailable,
}
