namespace DriftJobs.Core.Statistics;

/// <summary>Population Stability Index over a fixed set of bins.</summary>
internal static class Psi
{
    /// <summary>
    /// Stands in for an empty share on either side: ln(a/e) is undefined at 0, and 1e-4 is the usual choice
    /// (it caps one empty bin's contribution near 0.1 × |a − e| × ln 1000 instead of infinity).
    /// </summary>
    public const double Epsilon = 1e-4;

    /// <summary>PSI = Σ (a − e)·ln(a/e); a zero share on either side is replaced by <see cref="Epsilon"/>.</summary>
    public static double Compute(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual)
    {
        if (expected.Length != actual.Length)
        {
            throw new ArgumentException("Expected and actual shares must have the same number of bins.", nameof(actual));
        }

        double psi = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            var e = expected[i] > 0 ? expected[i] : Epsilon;
            var a = actual[i] > 0 ? actual[i] : Epsilon;
            psi += (a - e) * Math.Log(a / e);
        }

        // Each term is ≥ 0 mathematically; rounding can leave a -0 or -1e-17 when both sides agree.
        return Math.Max(0, psi);
    }
}
