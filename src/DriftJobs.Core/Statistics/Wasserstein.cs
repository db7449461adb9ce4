namespace DriftJobs.Core.Statistics;

internal static class Wasserstein
{
    /// <summary>
    /// First Wasserstein distance between two weighted discrete distributions, as
    /// scipy.stats.wasserstein_distance(u, v, u_weights, v_weights): ∫ |U(x) − V(x)| dx over the merged support.
    /// </summary>
    public static double Distance(ReadOnlySpan<double> uValues, ReadOnlySpan<double> uWeights, ReadOnlySpan<double> vValues, ReadOnlySpan<double> vWeights)
    {
        var uTotal = Sorted(ref uValues, ref uWeights);
        var vTotal = Sorted(ref vValues, ref vWeights);
        if (uTotal <= 0 || vTotal <= 0)
        {
            return double.NaN;
        }

        int i = 0, j = 0;
        double cu = 0, cv = 0, distance = 0;
        var previous = Math.Min(uValues[0], vValues[0]);
        while (i < uValues.Length || j < vValues.Length)
        {
            var next = j >= vValues.Length || (i < uValues.Length && uValues[i] <= vValues[j]) ? uValues[i] : vValues[j];
            distance += Math.Abs((cu / uTotal) - (cv / vTotal)) * (next - previous);
            while (i < uValues.Length && uValues[i] == next)
            {
                cu += uWeights[i++];
            }

            while (j < vValues.Length && vValues[j] == next)
            {
                cv += vWeights[j++];
            }

            previous = next;
        }

        return distance;
    }

    private static bool IsAscending(ReadOnlySpan<double> values)
    {
        for (var i = 1; i < values.Length; i++)
        {
            // Not <=: a NaN makes the order unknown, and Array.Sort decides where it goes.
            if (!(values[i - 1] <= values[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Points <paramref name="values"/> and <paramref name="weights"/> at the values in ascending order with their
    /// weights (1 each when none are given) and returns the total weight. Ascending input is used where it is: the drift
    /// analysis passes grids that are sorted already, and copying them (12 arrays of 10,000-odd numbers per feature,
    /// each new one's pages faulted in) was most of the analysis's CPU on a fresh detector process.
    /// </summary>
    private static double Sorted(ref ReadOnlySpan<double> values, ref ReadOnlySpan<double> weights)
    {
        if (!weights.IsEmpty && weights.Length != values.Length)
        {
            throw new ArgumentException("One weight per value.", nameof(weights));
        }

        if (weights.IsEmpty)
        {
            weights = Enumerable.Repeat(1.0, values.Length).ToArray();
        }

        if (!IsAscending(values))
        {
            var v = values.ToArray();
            var w = weights.ToArray();
            Array.Sort(v, w);
            values = v;
            weights = w;
        }

        double total = 0;
        foreach (var x in weights)
        {
            total += x;
        }

        return total;
    }
}
