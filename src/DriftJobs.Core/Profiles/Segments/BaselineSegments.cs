using System.Text.Json.Serialization;
using DriftJobs.Core.Serialization;

namespace DriftJobs.Core.Profiles.Segments;

/// <summary>
/// The optional <c>segments</c> section of baseline.json (docs/formats.md): the training data of each of the largest
/// segments, and of all the others together, counted on the whole data set's PSI bins, KS grid and categories, so that a
/// segment's reference is the whole profile with the segment's own shares and its counts add up to the whole's.
/// </summary>
internal sealed record BaselineSegments
{
    /// <summary>DRIFT_SEGMENT_COLUMNS of the baseline job, in its order.</summary>
    public required IReadOnlyList<string> Columns { get; init; }

    /// <summary>DRIFT_MAX_SEGMENTS of the baseline job.</summary>
    public required int MaxSegments { get; init; }

    /// <summary>The top segments by training rows (most first, ties by key), then <see cref="SegmentKey.Other"/> when there are rarer ones.</summary>
    public required IReadOnlyList<SegmentProfile> Segments { get; init; }

    /// <summary>The keys sharing <see cref="SegmentKey.Other"/>, sorted, at most <see cref="MaxOtherKeys"/>.</summary>
    public required IReadOnlyList<string> OtherKeys { get; init; }

    /// <summary>False when there were more rare keys than <see cref="OtherKeys"/> lists: an unlisted key may then be rare rather than new.</summary>
    public required bool OtherKeysComplete { get; init; }

    public const int MaxOtherKeys = 1000;
}

internal sealed record SegmentProfile
{
    public required string Key { get; init; }

    public required long Rows { get; init; }

    /// <summary>Every feature of the baseline, in its order.</summary>
    public required IReadOnlyList<SegmentFeatureProfile> Features { get; init; }
}

/// <summary>A feature's training counts within one segment (whole numbers, written as JSON numbers on one row).</summary>
internal sealed record SegmentFeatureProfile
{
    public required string Name { get; init; }

    public required long Rows { get; init; }

    public required long Missing { get; init; }

    public required long Invalid { get; init; }

    /// <summary>Numeric: valid values in each of the whole profile's PSI bins.</summary>
    [JsonConverter(typeof(NumberRowConverter))]
    public IReadOnlyList<double>? BinCounts { get; init; }

    /// <summary>Numeric: valid values at or below each of the whole profile's KS reference points.</summary>
    [JsonConverter(typeof(NumberRowConverter))]
    public IReadOnlyList<double>? KsCounts { get; init; }

    /// <summary>Categorical: values of each of the whole profile's listed categories, in its order.</summary>
    [JsonConverter(typeof(NumberRowConverter))]
    public IReadOnlyList<double>? CategoryCounts { get; init; }

    /// <summary>Categorical: values in the other bucket.</summary>
    public long? OtherCount { get; init; }

    [JsonIgnore]
    public long Valid => Rows - Missing - Invalid;
}
