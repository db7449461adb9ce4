namespace DriftJobs.Core.Statistics;

/// <summary>
/// The exact sum of doubles, kept as non-overlapping partials (Shewchuk's expansion, as Python's math.fsum). Being
/// exact, it does not depend on the order of additions, so accumulators that merge by adding their sums give one
/// pass's result bit for bit. A handful of partials in practice; the cost is a short loop per value.
/// </summary>
internal sealed class ExactSum
{
    // Increasing magnitude, non-overlapping; their exact sum is the value.
    private readonly List<double> _partials = [];

    public void Add(double x)
    {
        var i = 0;
        for (var j = 0; j < _partials.Count; j++)
        {
            var y = _partials[j];
            if (Math.Abs(x) < Math.Abs(y))
            {
                (x, y) = (y, x);
            }

            var hi = x + y;
            var lo = y - (hi - x);
            if (lo != 0)
            {
                _partials[i++] = lo;
            }

            x = hi;
        }

        _partials.RemoveRange(i, _partials.Count - i);
        _partials.Add(x);
    }

    /// <summary>Adds a double-double exactly (both parts).</summary>
    public void Add(DoubleDouble x)
    {
        Add(x.Hi);
        Add(x.Lo);
    }

    public void Add(ExactSum other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var p in other._partials.ToArray())
        {
            Add(p);
        }
    }

    /// <summary>The partials whose exact sum is the value: adding them to an empty sum restores it exactly (a stored hour profile).</summary>
    public IReadOnlyList<double> Partials => _partials;

    /// <summary>The sum correctly rounded to a double.</summary>
    public double Value => Round(_partials);

    /// <summary>The sum rounded to a double-double: the rounded sum, and the rounded rest. A function of the exact value.</summary>
    public DoubleDouble ToDoubleDouble()
    {
        var hi = Value;
        var rest = new ExactSum();
        foreach (var p in _partials)
        {
            rest.Add(p);
        }

        rest.Add(-hi);
        return new DoubleDouble(hi, rest.Value);
    }

    // math.fsum's final step, with its correction for sums that fall halfway between two doubles.
    private static double Round(List<double> partials)
    {
        var n = partials.Count;
        if (n == 0)
        {
            return 0;
        }

        double hi = partials[--n], lo = 0;
        while (n > 0)
        {
            var x = hi;
            var y = partials[--n];
            hi = x + y;
            lo = y - (hi - x);
            if (lo != 0)
            {
                break;
            }
        }

        if (n > 0 && ((lo < 0 && partials[n - 1] < 0) || (lo > 0 && partials[n - 1] > 0)))
        {
            var y = lo * 2;
            var x = hi + y;
            if (y == x - hi)
            {
                hi = x;
            }
        }

        return hi;
    }
}
