using System.Globalization;

namespace DriftJobs.Core;

/// <summary>
/// The numbers a setting may take, each end included unless excluded. Declared once beside what it bounds; validation,
/// error messages and <c>--help</c> all read it.
/// </summary>
internal sealed record ValueRange(double Min, double Max, bool ExcludesMin = false, bool ExcludesMax = false)
{
    public bool Contains(double value) =>
        (ExcludesMin ? value > Min : value >= Min) && (ExcludesMax ? value < Max : value <= Max);

    /// <summary>"between 1 and 744", "greater than 0 and at most 10", "between 0 and 1 (exclusive)".</summary>
    public override string ToString() => (ExcludesMin, ExcludesMax) switch
    {
        (false, false) => $"between {N(Min)} and {N(Max)}",
        (true, false) => $"greater than {N(Min)} and at most {N(Max)}",
        (false, true) => $"at least {N(Min)} and below {N(Max)}",
        (true, true) => $"between {N(Min)} and {N(Max)} (exclusive)",
    };

    private static string N(double value) => value.ToString("#,0.########", CultureInfo.InvariantCulture);
}
