using DriftJobs.Core.Statistics;

namespace DriftJobs.Core.Tests;

public class RadixSortTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(4095)]
    [InlineData(4096)]
    [InlineData(100_000)]
    public void Sorts_like_a_comparison_sort_with_negative_zeros_first(int length)
    {
        var random = new Random(length);
        double[] specials = [0.0, -0.0, double.Epsilon, -double.Epsilon, double.MaxValue, double.MinValue, 1e-310, -1e-310, 1, -1];
        var values = Enumerable.Range(0, length).Select(i => random.Next(6) switch
        {
            0 => specials[random.Next(specials.Length)],
            1 => Math.Floor(random.NextDouble() * 20) - 10,
            2 => (random.NextDouble() - 0.5) * 1e300,
            _ => (random.NextDouble() - 0.5) * 100,
        }).ToArray();
        var expected = values.ToArray();
        Array.Sort(expected);

        RadixSort.Sort(values, new double[length]);

        Assert.Equal(expected, values);
        for (var i = 1; i < length; i++)
        {
            // −0 == +0 for the comparison above; the sort also puts every −0 before every +0.
            Assert.False(values[i - 1] == 0 && !double.IsNegative(values[i - 1]) && double.IsNegative(values[i]) && values[i] == 0);
        }
    }

    [Fact]
    public void Values_that_share_their_high_bytes_are_sorted_too()
    {
        var random = new Random(3);
        var values = Enumerable.Range(0, 50_000).Select(_ => 1000 + random.Next(100)).Select(v => (double)v).ToArray();
        var expected = values.Order().ToArray();
        RadixSort.Sort(values, new double[values.Length]);
        Assert.Equal(expected, values);
    }
}
