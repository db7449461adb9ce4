using DriftJobs.Core.Performance;
using DriftJobs.Core.Statistics;
using MathNet.Numerics.Distributions;

namespace DriftJobs.Core.Tests.Performance;

public sealed class BinomialSamplerTests
{
    [Theory]
    [InlineData(40, 0.1)] // mean 4: waiting times
    [InlineData(200, 0.2)] // mean 40: transformed rejection
    [InlineData(60, 0.75)] // p > ½: the complement
    [InlineData(1000, 0.012)] // mean 12: just past the switch
    public void Draws_follow_the_binomial_distribution(int n, double p)
    {
        var random = new Random(5);
        var observed = new long[n + 1];
        const int samples = 200_000;
        for (var i = 0; i < samples; i++)
        {
            observed[BinomialSampler.Sample(random, n, p)]++;
        }

        // Pool the tails so every expected count is at least 5, then chi-square against MathNet's pmf.
        var expected = Enumerable.Range(0, n + 1).Select(k => Binomial.PMF(p, n, k) * samples).ToArray();
        var (counts, shares) = Pool(observed, expected);
        var test = ChiSquare.GoodnessOfFit(counts, shares);
        Assert.True(test.PValue > 1e-4, $"Binomial({n}, {p}): chi-square {test.Statistic:F1} on {test.DegreesOfFreedom} df, p {test.PValue:G3}");
    }

    [Fact]
    public void Large_counts_have_the_binomial_mean_and_variance()
    {
        var random = new Random(6);
        const long n = 3_000_000_000;
        const double p = 0.3;
        const int samples = 100_000;
        double sum = 0, sumSquares = 0;
        for (var i = 0; i < samples; i++)
        {
            double x = BinomialSampler.Sample(random, n, p);
            sum += x - (n * p);
            sumSquares += (x - (n * p)) * (x - (n * p));
        }

        var variance = n * p * (1 - p);
        // The sample mean's standard error is √(variance/samples); the sample variance's relative one √(2/samples).
        Assert.True(Math.Abs(sum / samples) <= 5 * Math.Sqrt(variance / samples), $"mean off by {sum / samples}");
        Assert.True(Math.Abs((sumSquares / samples / variance) - 1) <= 5 * Math.Sqrt(2.0 / samples), $"variance ratio {sumSquares / samples / variance}");
    }

    [Fact]
    public void Degenerate_probabilities_and_counts()
    {
        var random = new Random(7);
        Assert.Equal(0, BinomialSampler.Sample(random, 100, 0));
        Assert.Equal(100, BinomialSampler.Sample(random, 100, 1));
        Assert.Equal(0, BinomialSampler.Sample(random, 0, 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => BinomialSampler.Sample(random, 10, 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => BinomialSampler.Sample(random, -1, 0.5));
    }

    private static (long[] Counts, double[] Shares) Pool(long[] observed, double[] expected)
    {
        var counts = new List<long>();
        var shares = new List<double>();
        long count = 0;
        double share = 0;
        for (var k = 0; k < observed.Length; k++)
        {
            count += observed[k];
            share += expected[k];
            if (share >= 5 && expected.Skip(k + 1).Sum() >= 5)
            {
                counts.Add(count);
                shares.Add(share);
                (count, share) = (0, 0);
            }
        }

        counts[^1] += count;
        shares[^1] += share;
        return ([.. counts], [.. shares]);
    }
}
