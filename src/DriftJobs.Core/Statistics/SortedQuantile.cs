namespace DriftJobs.Core.Statistics;

internal static class SortedQuantile
{
    /// <summary>
    /// The q-quantile of sorted values with linear interpolation between order statistics (Hyndman–Fan type 7,
    /// numpy's default), so reported quantiles match what a data scientist computes in a notebook.
    /// </summary>
    public static double Linear(ReadOnlySpan<double> sorted, double q)
    {
        if (sorted.IsEmpty)
        {
            throw new ArgumentException("No values.", nameof(sorted));
        }

        var position = q * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        var fraction = position - lower;
        // numpy's _lerp form: exact at the ends and monotone in fraction.
        var a = sorted[lower];
        var b = sorted[upper];
        var diff = b - a;
        return fraction >= 0.5 ? b - (diff * (1 - fraction)) : a + (diff * fraction);
    }

    /// <summary>Number of elements strictly less than value (the first index i with sorted[i] ≥ value).</summary>
    public static int LowerBound(ReadOnlySpan<double> sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            if (sorted[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>Number of elements less than or equal to value.</summary>
    public static int UpperBound(ReadOnlySpan<double> sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            if (sorted[mid] <= value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
