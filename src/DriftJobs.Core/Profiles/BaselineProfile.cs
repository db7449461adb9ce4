using System.Text.Json.Serialization;
using DriftJobs.Core.Serialization;

namespace DriftJobs.Core.Profiles;

/// <summary>
/// The statistical profile of a model's training data, stored as baselines/{model}/{version}/baseline.json.
/// Every field is documented in docs/formats.md.
/// </summary>
internal sealed record BaselineProfile
{
    public const int CurrentSchemaVersion = 1;

    public required int SchemaVersion { get; init; }

    public required string ModelName { get; init; }

    public required string ModelVersion { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required BaselineSource Source { get; init; }

    public required ProfileParameters Settings { get; init; }

    public required IReadOnlyList<FeatureProfile> Features { get; init; }

    /// <summary>
    /// The model's performance on its validation data; null when the baseline was built without any, and then not
    /// written at all, so baselines without it keep their bytes (the one field that is left out rather than null).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Performance.ReferencePerformance? Performance { get; init; }

    /// <summary>
    /// The training data's segments (DRIFT_SEGMENT_COLUMNS); null when the baseline was built without, and then not
    /// written, so older baselines keep their bytes and still load.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Segments.BaselineSegments? Segments { get; init; }

    [JsonIgnore]
    public FeatureProfile? Target => Features.FirstOrDefault(f => f.Role == FeatureRole.Target);

    [JsonIgnore]
    public IEnumerable<FeatureProfile> MonitoredFeatures => Features.Where(f => f.Role == FeatureRole.Feature);
}

internal sealed record BaselineSource
{
    public required string Description { get; init; }

    public required long Rows { get; init; }
}

internal sealed record ProfileParameters
{
    public required int PsiBins { get; init; }

    public required int KsReferencePoints { get; init; }

    public required int MaxCategories { get; init; }

    /// <summary>Values per feature kept for quantiles, PSI edges and the KS reference (reservoir sample above it).</summary>
    public required int SampleSize { get; init; }
}

internal sealed record FeatureProfile
{
    public required string Name { get; init; }

    public required FeatureKind Kind { get; init; }

    public required FeatureRole Role { get; init; }

    /// <summary>Rows seen for this feature, missing and invalid included.</summary>
    public required long Rows { get; init; }

    /// <summary>Null or NaN values.</summary>
    public required long Missing { get; init; }

    /// <summary>±Infinity: counted, kept out of every statistic.</summary>
    public required long Invalid { get; init; }

    public NumericProfile? Numeric { get; init; }

    public CategoricalProfile? Categorical { get; init; }

    /// <summary>Values that take part in the statistics.</summary>
    [JsonIgnore]
    public long Valid => Rows - Missing - Invalid;

    [JsonIgnore]
    public double MissingRate => Rows == 0 ? 0 : (double)Missing / Rows;
}

internal sealed record NumericProfile
{
    /// <summary>Null when there is no valid value, or when the magnitudes overflow double arithmetic.</summary>
    public required double? Mean { get; init; }

    public required double? Std { get; init; }

    public required double? Min { get; init; }

    public required double? Max { get; init; }

    public required Quantiles? Quantiles { get; init; }

    public required PsiBins PsiBins { get; init; }

    public required KsReference KsReference { get; init; }
}

internal sealed record Quantiles
{
    public required double P01 { get; init; }

    public required double P05 { get; init; }

    public required double P25 { get; init; }

    public required double P50 { get; init; }

    public required double P75 { get; init; }

    public required double P95 { get; init; }

    public required double P99 { get; init; }
}

/// <summary>
/// Quantile bins: bin i holds (edges[i-1], edges[i]], the first is open to −∞ and the last to +∞, so
/// bins = edges + 1. Edges are training values, so no bin is empty by construction.
/// </summary>
internal sealed record PsiBins
{
    [JsonConverter(typeof(NumberRowConverter))]
    public required IReadOnlyList<double> Edges { get; init; }

    [JsonConverter(typeof(NumberRowConverter))]
    public required IReadOnlyList<double> Expected { get; init; }
}

/// <summary>
/// The training ECDF as sorted points: cumulative[i] is the share of training values ≤ values[i]. When the
/// training data has at most K distinct values every one is kept and KS is exact (Exact = true); otherwise K
/// evenly spaced order statistics are kept and D is within 1/K of the exact statistic.
/// </summary>
internal sealed record KsReference
{
    [JsonConverter(typeof(NumberRowConverter))]
    public required IReadOnlyList<double> Values { get; init; }

    [JsonConverter(typeof(NumberRowConverter))]
    public required IReadOnlyList<double> Cumulative { get; init; }

    /// <summary>The true number of valid training values (the KS sample size m), not the number of points.</summary>
    public required long Count { get; init; }

    public required bool Exact { get; init; }
}

internal sealed record CategoricalProfile
{
    /// <summary>Distinct values seen (a lower bound when DistinctExact is false).</summary>
    public required long Distinct { get; init; }

    public required bool DistinctExact { get; init; }

    /// <summary>The most frequent categories, most frequent first (ties by ordinal name).</summary>
    public required IReadOnlyList<CategoryShare> Categories { get; init; }

    /// <summary>Share of valid values outside <see cref="Categories"/> (the <c>__other__</c> bucket).</summary>
    public required double OtherShare { get; init; }

    /// <summary>Names of the training categories in the other bucket (capped), so the detector can tell rare from unseen.</summary>
    public required IReadOnlyList<string> OtherValues { get; init; }
}

internal sealed record CategoryShare(string Value, long Count, double Share);
