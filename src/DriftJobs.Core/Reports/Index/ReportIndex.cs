namespace DriftJobs.Core.Reports.Index;

/// <summary>
/// drift-reports/index.json: one row per model version, updated by each detector run (ETag-conditional), from which
/// drift-reports/index.html is rendered without listing the container. Fields: docs/formats.md.
/// </summary>
internal sealed record ReportIndex
{
    public const int CurrentSchemaVersion = 1;

    public required int SchemaVersion { get; init; }

    /// <summary>Incremented by every update; index.html carries the revision it was rendered from and never goes back.</summary>
    public required long Revision { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Ordered by model, then version (ordinal).</summary>
    public required IReadOnlyList<ReportIndexRow> Models { get; init; }
}

/// <summary>The newest window of one model version, and its drift score over the week before.</summary>
internal sealed record ReportIndexRow
{
    public required string ModelName { get; init; }

    public required string ModelVersion { get; init; }

    public required ReportWindow Window { get; init; }

    public required ReportStatus Status { get; init; }

    public required bool DriftDetected { get; init; }

    public required double? DriftScore { get; init; }

    public required int FeaturesDrifted { get; init; }

    public required int FeaturesMonitored { get; init; }

    /// <summary>The drift score of the windows ending in the <see cref="WeekHours"/> hours up to <c>window.end</c>, oldest first; null where none was recorded (or it had no verdict).</summary>
    public required IReadOnlyList<double?> WeekScores { get; init; }

    public const int WeekHours = 168;
}
