using System.Numerics;

namespace DriftJobs.Core.Profiles;

internal sealed class NumericWindow : FeatureWindow
{
    private readonly NumericBoundaries _boundaries;

    // Slot 2u: values strictly between boundaries u−1 and u; slot 2u+1: values equal to boundary u. One increment per
    // value; the PSI bins, KS gaps and equals and the out-of-range count are sums of slots.
    // Values are counted into 32-bit slots (half the memory for the cache to hold while counting: 6.5 instead of 8.5 ns
    // a value, counting one feature after another next to the Parquet decoding) and added to the 64-bit totals when
    // the window is read or merged, or before a slot could overflow. Both are allocated on first use: a reader's
    // partial window only ever counts, the window they merge into only ever adds. Reading the counts folds the 32-bit
    // ones into the totals, so a window is used by one thread at a time, reads included (one window per reader).
    private readonly int _spillAfter;
    private int[]? _recent;
    private long _recentValues;
    private long[]? _totals;
    private Folded? _folded;

    /// <param name="baseline">The feature's baseline profile.</param>
    /// <param name="spillAfter">Values counted in 32 bits before they are added to the totals (tests lower it).</param>
    public NumericWindow(FeatureProfile baseline, int spillAfter = int.MaxValue)
        : base(baseline)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spillAfter);
        _spillAfter = spillAfter;
        var numeric = baseline.Numeric ?? throw new InvalidDataException($"Feature '{baseline.Name}' has no numeric profile.");
        _boundaries = NumericBoundaries.For(baseline.Name, numeric);
    }

    /// <summary>Valid values per PSI bin: BinCounts[i] counts values in (edge i−1, edge i].</summary>
    public long[] BinCounts => Fold().BinCounts;

    /// <summary>GapCounts[j]: values strictly between reference points j−1 and j (below the first / above the last at the ends).</summary>
    public long[] GapCounts => Fold().GapCounts;

    /// <summary>EqualCounts[j]: values equal to reference point j.</summary>
    public long[] EqualCounts => Fold().EqualCounts;

    /// <summary>Valid values outside the baseline's [min, max].</summary>
    public long OutOfRange => Fold().OutOfRange;

    /// <summary>Slots in the window's count array (two per lookup boundary, plus one).</summary>
    public int SlotCount => _boundaries.SlotCount;

    /// <summary>The raw slot counts (see the field comment), for a stored hour profile: the exact state, from which every count derives.</summary>
    public ReadOnlySpan<long> Slots()
    {
        Spill();
        return Totals();
    }

    /// <summary>
    /// The zeroed slot totals for a stored hour profile's counts to be written into, its bounds set (an emptied window
    /// only; its earlier arrays are reused).
    /// </summary>
    public Span<long> SlotsToRestore(double min, double max)
    {
        _folded = null;
        Spill();
        var totals = Totals();
        Array.Clear(totals);
        Min = min;
        Max = max;
        return totals;
    }

    public double Min { get; private set; } = double.PositiveInfinity;

    public double Max { get; private set; } = double.NegativeInfinity;

    public void Add(ReadOnlySpan<double> values)
    {
        Rows += values.Length;
        _folded = null;
        if (_recentValues + values.Length > _spillAfter)
        {
            Spill();
        }

        _recent ??= new int[_boundaries.SlotCount];
        _recentValues += values.Length;
        var (missing, invalid, min, max) = _boundaries.Count(values, _recent, Min, Max);
        Missing += missing;
        Invalid += invalid;
        Min = min;
        Max = max;
    }

    protected override void MergeCounts(FeatureWindow other, bool emptyOther)
    {
        var o = (NumericWindow)other;
        _folded = null;
        o._folded = null;
        if (o._totals is { } totals)
        {
            AddInto(Totals(), totals);
            if (emptyOther)
            {
                Array.Clear(totals);
            }
        }

        if (o._recentValues > 0)
        {
            AddInto(Totals(), o._recent!);
            if (emptyOther)
            {
                Array.Clear(o._recent!);
                o._recentValues = 0;
            }
        }

        Min = Math.Min(Min, o.Min);
        Max = Math.Max(Max, o.Max);
        if (emptyOther)
        {
            o.Min = double.PositiveInfinity;
            o.Max = double.NegativeInfinity;
        }
    }

    protected override void ClearCounts()
    {
        _folded = null;
        if (_totals is not null)
        {
            Array.Clear(_totals);
        }

        if (_recent is not null)
        {
            Array.Clear(_recent);
        }

        _recentValues = 0;
        Min = double.PositiveInfinity;
        Max = double.NegativeInfinity;
    }

    private static void AddInto(long[] into, long[] from)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var width = Vector<long>.Count;
            for (; i <= into.Length - width; i += width)
            {
                var sum = new Vector<long>(into.AsSpan(i)) + new Vector<long>(from.AsSpan(i));
                sum.CopyTo(into.AsSpan(i));
            }
        }

        for (; i < into.Length; i++)
        {
            into[i] += from[i];
        }
    }

    private static void AddInto(long[] into, int[] from)
    {
        for (var i = 0; i < into.Length; i++)
        {
            into[i] += from[i];
        }
    }

    private long[] Totals() => _totals ??= new long[_boundaries.SlotCount];

    private Folded Fold()
    {
        if (_folded is null)
        {
            Spill();
            _folded = _boundaries.Fold(Totals());
        }

        return _folded;
    }

    private void Spill()
    {
        if (_recentValues == 0)
        {
            return;
        }

        AddInto(Totals(), _recent!);
        Array.Clear(_recent!);
        _recentValues = 0;
    }
}
