using DriftJobs.Core.Performance;

namespace DriftJobs.Core.Tests.Performance;

public sealed class F1BootstrapTests
{
    private const int Draws = F1Bootstrap.DefaultDraws;

    [Fact]
    public void Matches_a_numpy_bootstrap_of_200000_draws_within_Monte_Carlo_error()
    {
        var cases = SignificanceReference.Value.Bootstrap;
        Assert.Contains(cases, c => c.P < 0.001);
        Assert.Contains(cases, c => c.P is > 0.02 and < 0.2);
        Assert.Contains(cases, c => c.P > 0.9);
        Assert.Contains(cases, c => c.Window.Length == 10 && c.Positive is null);
        foreach (var c in cases)
        {
            var result = F1Bootstrap.Lower(c.Window, c.Positive, c.Reference, c.Positive);
            Assert.True(Math.Abs(result.WindowF1 - c.WindowF1) <= 1e-15, $"{c.Name}: window F1 {result.WindowF1:R} vs {c.WindowF1:R}");
            Assert.True(Math.Abs(result.ReferenceF1 - c.ReferenceF1) <= 1e-15, $"{c.Name}: reference F1 {result.ReferenceF1:R} vs {c.ReferenceF1:R}");
            var tolerance = Tolerance(c.P, c.Draws);
            Assert.True(Math.Abs(result.PValue - c.P) <= tolerance, $"{c.Name}: p {result.PValue:R} vs numpy {c.P:R} (± {tolerance:G3})");
        }
    }

    [Fact]
    public void Identical_matrices_give_about_one_half_and_a_clearly_worse_window_the_smallest_p()
    {
        long[][] reference = [[620, 80], [90, 210]];
        long[][] tenByTen = TenByTen(5000, 0.8);
        var identical = F1Bootstrap.Lower(reference, 1, reference, 1);
        var identicalMacro = F1Bootstrap.Lower(tenByTen, null, tenByTen, null);
        // Symmetric draws: the window is not worse in half of them, plus ties, and the +1.
        Assert.True(Math.Abs(identical.PValue - 0.5) <= Tolerance(0.5, 0), $"binary: {identical.PValue}");
        Assert.True(Math.Abs(identicalMacro.PValue - 0.5) <= Tolerance(0.5, 0), $"macro: {identicalMacro.PValue}");

        // F1 0.46 against 0.71 on 1,000 pairs each is 8 standard errors: no draw has the window not worse.
        Assert.Equal(1.0 / (Draws + 1), F1Bootstrap.Lower([[600, 100], [180, 120]], 1, reference, 1).PValue);
        Assert.Equal(1.0 / (Draws + 1), F1Bootstrap.Lower(TenByTen(5000, 0.6), null, tenByTen, null).PValue);
    }

    [Fact]
    public void The_same_matrices_give_the_same_p_on_every_call()
    {
        long[][] window = [[612, 88], [99, 201]];
        long[][] reference = [[620, 80], [90, 210]];
        var first = F1Bootstrap.Lower(window, 1, reference, 1);
        Assert.Equal(first, F1Bootstrap.Lower(window, 1, reference, 1));
        // Another seed is another Monte-Carlo sample: a different p, within the same error.
        var other = F1Bootstrap.Lower(window, 1, reference, 1, seed: 25);
        Assert.NotEqual(first.PValue, other.PValue);
        Assert.True(Math.Abs(first.PValue - other.PValue) <= Tolerance(first.PValue, Draws));
    }

    [Fact]
    public void A_positive_class_absent_from_a_side_has_F1_0_there()
    {
        long[][] onlyNegatives = [[50]];
        long[][] reference = [[620, 80], [90, 210]];
        var result = F1Bootstrap.Lower(onlyNegatives, -1, reference, 1);
        Assert.Equal(0, result.WindowF1);
        Assert.Equal(1.0 / (Draws + 1), result.PValue);
    }

    [Fact]
    public void An_empty_side_gives_no_p_value_and_malformed_matrices_are_refused()
    {
        long[][] reference = [[620, 80], [90, 210]];
        Assert.True(double.IsNaN(F1Bootstrap.Lower([[0, 0], [0, 0]], 1, reference, 1).PValue));
        Assert.Throws<ArgumentException>(() => F1Bootstrap.Lower([[1, 2], [3]], 1, reference, 1));
        Assert.Throws<ArgumentException>(() => F1Bootstrap.Lower([[1, -2], [3, 4]], 1, reference, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => F1Bootstrap.Lower(reference, 2, reference, 1));
    }

    /// <summary>
    /// Four standard errors of the difference between two independent Monte-Carlo estimates of p (this bootstrap's
    /// <see cref="Draws"/> and the reference's), plus the +1 correction's 1/(draws + 1), which differs between them.
    /// At p = ½ that is 0.046; at p = 0.05, 0.020. A correct implementation fails one case in 16,000.
    /// </summary>
    private static double Tolerance(double p, int referenceDraws)
    {
        var variance = p * (1 - p) * ((1.0 / Draws) + (referenceDraws == 0 ? 0 : 1.0 / referenceDraws));
        return (4 * Math.Sqrt(variance)) + (1.0 / (Draws + 1));
    }

    /// <summary>A 10-class matrix: n pairs per label, right with probability <paramref name="right"/>, else spread evenly.</summary>
    private static long[][] TenByTen(long n, double right) =>
        [.. Enumerable.Range(0, 10).Select(i => Enumerable.Range(0, 10)
            .Select(j => i == j ? (long)(n * right) : (long)(n * (1 - right) / 9)).ToArray())];
}
