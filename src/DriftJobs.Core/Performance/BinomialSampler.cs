namespace DriftJobs.Core.Performance;

/// <summary>
/// Exact binomial draws in O(1) expected time for any count: MathNet's <c>Binomial.Sample</c> sums n Bernoulli trials,
/// which the bootstrap of a window of a million pairs cannot afford 4,000 times per cell.
/// </summary>
internal static class BinomialSampler
{
    // Below this mean the waiting-time method is cheap (mean + 1 uniforms) and BTRS's squeeze is not valid.
    private const double InversionBelowMean = 10;

    // Stirling-series tails ln k! − [(k + ½)ln(k + 1) − (k + 1) + ½ln 2π] for k = 0…9 (Hörmann 1993, table 1).
    private static readonly double[] StirlingTails =
    [
        0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509, 0.0166446911898211,
        0.0138761288230707, 0.0118967099458917, 0.0104112652619720, 0.00925546218271273, 0.00833056343336287,
    ];

    /// <summary>A Binomial(<paramref name="count"/>, <paramref name="probability"/>) variate.</summary>
    public static long Sample(Random random, long count, double probability)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (!(probability is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "A probability is between 0 and 1.");
        }

        if (count == 0 || probability == 0)
        {
            return 0;
        }

        if (probability == 1)
        {
            return count;
        }

        if (probability > 0.5)
        {
            return count - Sample(random, count, 1 - probability);
        }

        return count * probability < InversionBelowMean
            ? WaitingTimes(random, count, probability)
            : TransformedRejection(random, count, probability);
    }

    /// <summary>Counts geometric waiting times between successes until they pass <paramref name="count"/> trials.</summary>
    private static long WaitingTimes(Random random, long count, double probability)
    {
        var logFailure = Math.Log(1 - probability);
        double trials = 0;
        long successes = 0;
        while (true)
        {
            trials += Math.Ceiling(Math.Log(random.NextDouble()) / logFailure);
            if (trials > count)
            {
                return successes;
            }

            successes++;
        }
    }

    /// <summary>Hörmann's BTRS (transformed rejection with squeeze, 1993) for mean ≥ 10 and p ≤ ½.</summary>
    private static long TransformedRejection(Random random, long count, double probability)
    {
        double n = count;
        var spq = Math.Sqrt(n * probability * (1 - probability));
        var b = 1.15 + (2.53 * spq);
        var a = -0.0873 + (0.0248 * b) + (0.01 * probability);
        var c = (n * probability) + 0.5;
        var vR = 0.92 - (4.2 / b);
        var r = probability / (1 - probability);
        var alpha = (2.83 + (5.1 / b)) * spq;
        var m = Math.Floor((n + 1) * probability);
        while (true)
        {
            var u = random.NextDouble() - 0.5;
            var v = random.NextDouble();
            var us = 0.5 - Math.Abs(u);
            var k = Math.Floor((((2 * a / us) + b) * u) + c);
            if (us >= 0.07 && v <= vR)
            {
                return (long)k;
            }

            if (k < 0 || k > n)
            {
                continue;
            }

            var logV = Math.Log(v * alpha / ((a / (us * us)) + b));
            var bound = ((m + 0.5) * Math.Log((m + 1) / (r * (n - m + 1))))
                + ((n + 1) * Math.Log((n - m + 1) / (n - k + 1)))
                + ((k + 0.5) * Math.Log(r * (n - k + 1) / (k + 1)))
                + StirlingTail(m) + StirlingTail(n - m) - StirlingTail(k) - StirlingTail(n - k);
            if (logV <= bound)
            {
                return (long)k;
            }
        }
    }

    private static double StirlingTail(double k)
    {
        if (k <= 9)
        {
            return StirlingTails[(int)k];
        }

        var square = (k + 1) * (k + 1);
        return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / square) / square) / (k + 1);
    }
}
