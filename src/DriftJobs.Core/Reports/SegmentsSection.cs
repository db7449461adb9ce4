namespace DriftJobs.Core.Reports;

/// <summary>
/// The window split by segment (DRIFT_SEGMENT_COLUMNS), in a report's <c>segments</c> field; docs/formats.md. Every
/// (segment, feature) test of a segment with a verdict is one family for the multiple-testing correction; the whole
/// window's features stay a family of their own, so its verdict is the same with segments as without.
/// </summary>
internal sealed record SegmentsSection
{
    public required IReadOnlyList<string> Columns { get; init; }

    /// <summary>The (segment, feature) tests corrected together.</summary>
    public required int TestsInFamily { get; init; }

    public required int SegmentsJudged { get; init; }

    public required int SegmentsDrifted { get; init; }

    public required IReadOnlyList<string> DriftedSegments { get; init; }

    /// <summary>Drifted segments first (most drifted features first), then the others in the baseline's order (most training rows first).</summary>
    public required IReadOnlyList<SegmentDrift> Segments { get; init; }

    public required UnseenSegments Unseen { get; init; }
}

internal sealed record SegmentDrift
{
    /// <summary><c>column=value[,column=value…]</c>, or <c>(other)</c>.</summary>
    public required string Key { get; init; }

    public required long Rows { get; init; }

    /// <summary>Share of the window's rows.</summary>
    public required double Share { get; init; }

    /// <summary>Share of the training rows.</summary>
    public required double BaselineShare { get; init; }

    /// <summary>False with fewer rows than DRIFT_MIN_SAMPLES: statistics, no verdict.</summary>
    public required bool Judged { get; init; }

    /// <summary>Drifted features / monitored features; null without a verdict.</summary>
    public required double? DriftScore { get; init; }

    public required int FeaturesDrifted { get; init; }

    public required IReadOnlyList<string> DriftedFeatures { get; init; }

    /// <summary>The drifted features, with the same fields as the whole window's.</summary>
    public required IReadOnlyList<FeatureDrift> Features { get; init; }
}

/// <summary>Rows whose segment the training data never had: counted in the whole window, judged in no segment.</summary>
internal sealed record UnseenSegments
{
    public required long Rows { get; init; }

    public required double Share { get; init; }

    /// <summary>The largest, at most 10.</summary>
    public required IReadOnlyList<UnseenSegment> Top { get; init; }
}

internal sealed record UnseenSegment(string Key, long Rows, double Share);
