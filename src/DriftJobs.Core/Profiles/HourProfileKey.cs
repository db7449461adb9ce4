namespace DriftJobs.Core.Profiles;

/// <summary>
/// What an hour profile's counts depend on besides the hour's files: how profiles are written (<see cref="Format"/>),
/// the baseline's exact content (its bins, grid points and categories; a baseline replaced with --force has another
/// hash), the rows kept (the model filter: <see cref="ModelName"/> and <see cref="ModelVersion"/>), and how they are
/// split (<see cref="SegmentColumns"/>: DRIFT_SEGMENT_COLUMNS joined by commas, empty without segments).
/// </summary>
internal sealed record HourProfileKey(int Format, string ModelName, string ModelVersion, string BaselineSha256, DateTimeOffset Hour, string SegmentColumns)
{
    /// <summary>Raised whenever a change of the code would count an hour's files differently (2: segments).</summary>
    public const int CurrentFormat = 2;

    /// <param name="segmented">Whether the window is split by the baseline's segments.</param>
    public static HourProfileKey For(BaselineProfile baseline, string baselineSha256, DateTimeOffset hour, bool segmented = false) =>
        new(CurrentFormat, baseline.ModelName, baseline.ModelVersion, baselineSha256, hour, segmented ? string.Join(",", baseline.Segments!.Columns) : "");

    /// <summary>Why a stored profile with this key cannot stand for <paramref name="expected"/>; null when it can.</summary>
    public string? Mismatch(HourProfileKey expected) =>
        Format != expected.Format ? $"it has profile format {Format}, this detector writes {expected.Format}"
        : ModelName != expected.ModelName || ModelVersion != expected.ModelVersion ? $"it profiles {ModelName} {ModelVersion}, not {expected.ModelName} {expected.ModelVersion}"
        : BaselineSha256 != expected.BaselineSha256 ? "it was made from another baseline (the baseline was replaced)"
        : Hour != expected.Hour ? $"it is the profile of {Hour:o}, not of {expected.Hour:o}"
        : SegmentColumns != expected.SegmentColumns ? $"it was split by segment columns '{SegmentColumns}', this run by '{expected.SegmentColumns}'"
        : null;
}
