namespace DriftJobs.Core.Profiles;

/// <summary>
/// What an hour profile's counts depend on besides the hour's files: how profiles are written (<see cref="Format"/>),
/// the baseline's exact content (its bins, grid points and categories; a baseline replaced with --force has another
/// hash), and the rows kept (the model filter: <see cref="ModelName"/> and <see cref="ModelVersion"/>).
/// </summary>
internal sealed record HourProfileKey(int Format, string ModelName, string ModelVersion, string BaselineSha256, DateTimeOffset Hour)
{
    /// <summary>Raised whenever a change of the code would count an hour's files differently.</summary>
    public const int CurrentFormat = 1;

    public static HourProfileKey For(BaselineProfile baseline, string baselineSha256, DateTimeOffset hour) =>
        new(CurrentFormat, baseline.ModelName, baseline.ModelVersion, baselineSha256, hour);

    /// <summary>Why a stored profile with this key cannot stand for <paramref name="expected"/>; null when it can.</summary>
    public string? Mismatch(HourProfileKey expected) =>
        Format != expected.Format ? $"it has profile format {Format}, this detector writes {expected.Format}"
        : ModelName != expected.ModelName || ModelVersion != expected.ModelVersion ? $"it profiles {ModelName} {ModelVersion}, not {expected.ModelName} {expected.ModelVersion}"
        : BaselineSha256 != expected.BaselineSha256 ? "it was made from another baseline (the baseline was replaced)"
        : Hour != expected.Hour ? $"it is the profile of {Hour:o}, not of {expected.Hour:o}"
        : null;
}
