using System.Text.Json.Serialization;

namespace DriftJobs.Core.Reports.Seasonal;

/// <summary>
/// One feature of the window against the same hours a week earlier, both counted on the baseline's bins, grid points
/// and categories (so the KS statistic is the binned one: see docs/formats.md).
/// </summary>
internal sealed record FeaturePreviousWeek
{
    /// <summary>False when either window had fewer valid values than DRIFT_MIN_SAMPLES.</summary>
    public required bool Judged { get; init; }

    public required bool Drifted { get; init; }

    /// <summary>Drifted from training but not from the week before: reported, and paged only when configured to.</summary>
    public required bool Seasonal { get; init; }

    /// <summary>Rows of the feature a week earlier with a valid value.</summary>
    public required long Valid { get; init; }

    /// <summary>PSI with the earlier window's shares as the expected ones.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Psi { get; init; }

    /// <summary><c>ks</c> (numeric) or <c>chi_square</c> (categorical, a 2 × k homogeneity test).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Test { get; init; }

    /// <summary>The binned two-sample KS D, or the L∞ distance between the two windows' category shares.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Statistic { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? PValue { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? PValueAdjusted { get; init; }
}
