namespace DriftJobs.Core.Reports.History;

/// <summary>
/// drift-reports/{model}/history/{version}/{yyyy-MM-dd}.json: the per-feature numbers of every window of one model
/// version that ended on one UTC day, so a week's trend is read from eight small blobs instead of 168 reports. Feature
/// names are stored once; each entry holds one array per statistic, aligned with <see cref="Features"/> (an array
/// shorter than the list, written before a feature was added, means null for the rest). Fields: docs/formats.md.
/// </summary>
internal sealed record DriftHistoryDay
{
    public const int CurrentSchemaVersion = 1;

    /// <summary>One entry per window end of the day; a rerun of a window replaces its entry, so never more.</summary>
    public const int MaxEntries = 24;

    public required int SchemaVersion { get; init; }

    public required string ModelName { get; init; }

    public required string ModelVersion { get; init; }

    /// <summary>The UTC day the entries' window ends fall on.</summary>
    public required DateOnly Day { get; init; }

    public required IReadOnlyList<string> Features { get; init; }

    /// <summary>Oldest window end first.</summary>
    public required IReadOnlyList<DriftHistoryEntry> Entries { get; init; }
}

/// <summary>One window's numbers; every array is aligned with <see cref="DriftHistoryDay.Features"/>.</summary>
internal sealed record DriftHistoryEntry
{
    public required DateTimeOffset WindowEnd { get; init; }

    public required ReportStatus Status { get; init; }

    public required double? DriftScore { get; init; }

    public required long Samples { get; init; }

    public required IReadOnlyList<double?> Psi { get; init; }

    /// <summary>The KS statistic of numeric features (null for categorical ones).</summary>
    public required IReadOnlyList<double?> KsD { get; init; }

    /// <summary>The adjusted p-value of the feature's test: KS for numeric features, chi-square for categorical ones.</summary>
    public required IReadOnlyList<double?> PAdjusted { get; init; }

    /// <summary>0 none, 1 minor, 2 significant (<see cref="DriftSeverity"/>); null when the feature was not judged.</summary>
    public required IReadOnlyList<int?> Severity { get; init; }

    public required IReadOnlyList<bool> Drifted { get; init; }
}
