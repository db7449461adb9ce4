using System.Globalization;

namespace DriftJobs.Core.Performance;

/// <summary>
/// The one spelling of a class label, whatever column type it came in: labels and predictions are compared as text, so
/// the label 1.0 of a float64 column must read exactly as the "1" of a text or int64 column (and as the detector's
/// ground truth, which may be either). Every place that turns a label or a prediction into a class goes through here.
/// </summary>
internal static class PerformanceLabel
{
    /// <summary>
    /// An integral number as its invariant integer text ("1" for 1.0, "-3", "0" for −0.0, "100000000000000000000" for
    /// 1e20, never an exponent); any other finite number in its shortest round-trip invariant form ("0.5"); null (a
    /// missing label) for NaN and ±∞.
    /// </summary>
    public static string? Text(double value)
    {
        if (!double.IsFinite(value))
        {
            return null;
        }

        // −0.0 would print as "-0": one class with 0.
        if (value == 0)
        {
            return "0";
        }

        return IsInteger(value)
            ? value.ToString("F0", CultureInfo.InvariantCulture)
            : value.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>A text label as written ("1.0" in a text column stays "1.0"); null for null, empty or whitespace only.</summary>
    public static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>Finite and without a fractional part.</summary>
    public static bool IsInteger(double value) => double.IsFinite(value) && Math.Floor(value) == value;
}
