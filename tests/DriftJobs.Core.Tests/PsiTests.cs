using DriftJobs.Core.Statistics;

namespace DriftJobs.Core.Tests;

public class PsiTests
{
    [Fact]
    public void Hand_worked_two_bins()
    {
        // 0.1·ln(0.6/0.5) + (−0.1)·ln(0.4/0.5) = 0.1·0.1823215567939546 + 0.1·0.2231435513142098
        Assert.Equal(0.04054651081081644, Psi.Compute([0.5, 0.5], [0.6, 0.4]), 15);
    }

    [Fact]
    public void Empty_share_is_replaced_by_epsilon_on_either_side()
    {
        // Third bin: expected 0 → 1e-4; term (0.1 − 1e-4)·ln(0.1 / 1e-4) = 0.0999·ln(1000) = 0.690084752380...
        // Second bin: (0.4 − 0.5)·ln(0.8) = 0.022314355131420976.
        var expected = 0.0999 * Math.Log(1000) + 0.022314355131420976;
        Assert.Equal(expected, Psi.Compute([0.5, 0.5, 0.0], [0.5, 0.4, 0.1]), 12);
        // Symmetric in which side is empty for this term.
        Assert.Equal(expected, Psi.Compute([0.5, 0.4, 0.1], [0.5, 0.5, 0.0]), 12);
    }

    [Fact]
    public void Identical_shares_give_zero()
    {
        Assert.Equal(0, Psi.Compute([0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.3, 0.4]));
    }

    [Fact]
    public void Is_never_negative_for_random_distributions()
    {
        var random = new Random(7);
        for (var trial = 0; trial < 1000; trial++)
        {
            var bins = random.Next(2, 12);
            var e = Normalize(Enumerable.Range(0, bins).Select(_ => random.NextDouble() < 0.1 ? 0 : random.NextDouble()).ToArray());
            var a = Normalize(Enumerable.Range(0, bins).Select(_ => random.NextDouble() < 0.1 ? 0 : random.NextDouble()).ToArray());
            Assert.True(Psi.Compute(e, a) >= 0);
        }
    }

    [Fact]
    public void Mismatched_bins_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => Psi.Compute([0.5, 0.5], [1.0]));
    }

    private static double[] Normalize(double[] v)
    {
        var sum = v.Sum();
        return sum == 0 ? v.Select(_ => 1.0 / v.Length).ToArray() : v.Select(x => x / sum).ToArray();
    }
}
