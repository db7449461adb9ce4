using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using DriftJobs.Core.Statistics;

namespace DriftJobs.Core.Profiles;

/// <summary>
/// Where a value falls among one numeric feature's boundaries: the sorted union of its KS reference points, PSI edges
/// and training min and max. Finding the position is the detector's innermost loop, so instead of two binary searches
/// (up to 14 steps over 10,000 points, each a likely branch miss) it goes through a lookup grid: a cell index computed
/// from the value, and the position of the first boundary of that cell precomputed. A value in a cell with at most one
/// boundary (nearly all of them) gets its slot from one comparison with the boundary at that position, without a
/// branch; only cells shared by several boundaries are scanned.
/// <para>
/// The result is exactly the binary search's. The cell function is monotone (a larger value never gets a smaller cell,
/// equal values such as -0.0 and 0.0 get the same one) and boundaries are placed with the same function, so every
/// boundary of an earlier cell is below the value and every boundary of a later cell above it; only the value's own
/// cell is compared, by a short scan or, when many boundaries share it, a binary search within it.
/// </para>
/// <para>
/// Two cell functions, the one that spreads this feature's boundaries more evenly is kept: equal-width cells over the
/// values, or equal-width cells over the values' bit patterns (a logarithmic scale, for heavy tails spanning decades).
/// The outermost boundaries (a fraction of a percent at each end) are left out of the grid and binary-searched, so
/// one extreme training value cannot stretch the cells. Built once per baseline feature and shared by every window.
/// </para>
/// </summary>
internal sealed class NumericBoundaries
{
    private const int LinearScanLimit = 8;

    // Two cells per boundary leave most cells with at most one boundary, which Count settles without a search or a
    // branch. One cell per boundary (more crowded cells) and four (a table the cache holds less of, counting every
    // feature in turn next to the Parquet decoding) both measured slower.
    private const int CellsPerBoundary = 2;
    private const int MaxCells = 1 << 22;

    // Batches smaller than this are counted without first reading the tables in (WarmUp): they touch few of them.
    private const int WarmUpBatch = 4096;

    [ThreadStatic]
    private static int _warmUpSink;

    private static readonly ConditionalWeakTable<NumericProfile, NumericBoundaries> Cache = new();

    // The boundaries, ascending, then a +∞ sentinel (so a scan stepping past a cell's last boundary stops).
    private readonly double[] _padded;
    private readonly int[] _points;
    private readonly int[] _edges;
    private readonly int _minPosition;
    private readonly int _maxPosition;

    // The grid covers boundaries [_first, _last], i.e. values in [_low, _high]; _cellStart[c] is the position of the
    // first boundary whose cell is c or later.
    private readonly int _first;
    private readonly int _last;
    private readonly double _low;
    private readonly double _high;
    private readonly LinearCells _linear;
    private readonly LogCells _log;
    private readonly bool _useLog;
    private readonly int[] _cellStart;

    private NumericBoundaries(string feature, NumericProfile profile)
    {
        var points = profile.KsReference.Values.AsSpan();
        var edges = profile.PsiBins.Edges.AsSpan();
        RequireIncreasing(feature, "KS reference points", points);
        RequireIncreasing(feature, "PSI edges", edges);
        var bounds = new List<double>(2);
        foreach (var bound in new[] { profile.Min, profile.Max })
        {
            if (bound is { } b)
            {
                if (!double.IsFinite(b))
                {
                    throw new InvalidDataException($"Feature '{feature}': the training min and max must be finite.");
                }

                bounds.Add(b);
            }
        }

        if (bounds.Count == 2 && bounds[0] > bounds[1])
        {
            (bounds[0], bounds[1]) = (bounds[1], bounds[0]);
        }

        // The lists are each sorted already: merging them is linear, where a sort of the 10,000-odd values (in code
        // the JIT had not optimised yet, on every run) was a measurable part of the detector's start. Counted first,
        // then merged into an array of the exact size: the detector builds these tables for every feature at its
        // start, and each array it allocates there is memory the fresh process touches for the first time.
        var n = MergeDistinct(points, edges, CollectionsMarshal.AsSpan(bounds), []);
        _padded = new double[n + 1];
        MergeDistinct(points, edges, CollectionsMarshal.AsSpan(bounds), _padded);
        _padded[n] = double.PositiveInfinity;
        var values = _padded.AsSpan(0, n);
        _points = Positions(_padded, points);
        _edges = Positions(_padded, edges);
        _minPosition = profile.Min is { } min ? SortedQuantile.LowerBound(values, min) : -1;
        _maxPosition = profile.Max is { } max ? SortedQuantile.LowerBound(values, max) : -1;

        if (n == 0)
        {
            // No boundaries: every value is in the one gap (both range tests in Count fail).
            _low = double.PositiveInfinity;
            _high = double.NegativeInfinity;
            _last = -1;
            _cellStart = [0, 0];
            return;
        }

        var tail = n / 512;
        _first = tail;
        _last = n - 1 - tail;
        _low = _padded[_first];
        _high = _padded[_last];
        ReadOnlySpan<double> grid = _padded.AsSpan(_first, _last - _first + 1);
        var cells = (int)Math.Min(BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, CellsPerBoundary * grid.Length)), MaxCells);
        _linear = LinearCells.Create(_low, _high, cells);
        _log = LogCells.Create(grid, cells);
        _useLog = Crowding(grid, _log) < Crowding(grid, _linear);
        _cellStart = _useLog ? CellStarts(grid, _first, _log) : CellStarts(grid, _first, _linear);
    }

    /// <summary>Whether the grid's cells are over the values' bit patterns (logarithmic) rather than equal-width.</summary>
    internal bool UsesLogCells => _useLog;

    /// <summary>Number of slots: a gap below each boundary, each boundary, and the gap above the last.</summary>
    public int SlotCount => (2 * Boundaries) + 1;

    private int Boundaries => _padded.Length - 1;

    public static NumericBoundaries For(string feature, NumericProfile profile) =>
        Cache.GetValue(profile, p => new NumericBoundaries(feature, p));

    /// <summary>
    /// Lets a segment's reference (the whole profile's edges and grid with the segment's own shares) count with the
    /// whole profile's boundaries instead of building the same ones again for every segment.
    /// </summary>
    public static void Share(string feature, NumericProfile segment, NumericProfile whole) =>
        Cache.AddOrUpdate(segment, For(feature, whole));

    /// <summary>
    /// Counts finite values into their slots (2u+1 when equal to boundary u, else 2u with u the number of boundaries
    /// below); returns the NaN and ±∞ counts and the running min and max of the finite values.
    /// </summary>
    public (long Missing, long Invalid, double Min, double Max) Count(ReadOnlySpan<double> values, int[] slots, double min, double max)
    {
        if (values.Length >= WarmUpBatch)
        {
            WarmUp(slots);
        }

        return _useLog ? Count(_log, values, slots, min, max) : Count(_linear, values, slots, min, max);
    }

    /// <summary>
    /// Reads the lookup tables and the slots once, in order, before a batch looks them up at random. The detector
    /// counts one feature after another, so each batch finds its feature's ~300 KB of tables evicted by the others';
    /// looked up at random they came back one cache miss at a time, which the processor cannot prefetch, and read in
    /// order they stream in. Measured on the benchmark's 10M rows × 50 numeric features: 11.2 s -> 9.9 s of CPU.
    /// </summary>
    private void WarmUp(int[] slots)
    {
        var touched = TouchLines(_cellStart) ^ TouchLines(slots) ^ (int)TouchLines(_padded);
        // Kept, so that the reads are not removed as unused.
        _warmUpSink = touched;
    }

    private static T TouchLines<T>(T[] array)
        where T : unmanaged, System.Numerics.IBitwiseOperators<T, T, T>
    {
        var step = 64 / Unsafe.SizeOf<T>();
        ref var first = ref MemoryMarshal.GetArrayDataReference(array);
        var touched = default(T);
        for (var i = 0; i < array.Length; i += step)
        {
            touched ^= Unsafe.Add(ref first, i);
        }

        return touched;
    }

    /// <summary>Sums the slots into the counts the analysis reads.</summary>
    public Folded Fold(long[] slots)
    {
        // Sum of slots[from..to], inclusive; empty when to < from. The gaps, and the bins, each cover the slots once,
        // in order: summed directly, without a prefix-sum array as large as the slots for every feature.
        long Sum(int from, int to)
        {
            long sum = 0;
            for (var i = from; i <= to; i++)
            {
                sum += slots[i];
            }

            return sum;
        }

        var last = slots.Length - 1;
        var k = _points.Length;
        var equal = new long[k];
        var gap = new long[k + 1];
        for (var j = 0; j <= k; j++)
        {
            var from = j == 0 ? 0 : (2 * _points[j - 1]) + 2;
            var to = j == k ? last : 2 * _points[j];
            gap[j] = Sum(from, to);
            if (j < k)
            {
                equal[j] = slots[(2 * _points[j]) + 1];
            }
        }

        var e = _edges.Length;
        var bins = new long[e + 1];
        for (var b = 0; b <= e; b++)
        {
            var from = b == 0 ? 0 : (2 * _edges[b - 1]) + 2;
            var to = b == e ? last : (2 * _edges[b]) + 1;
            bins[b] = Sum(from, to);
        }

        // Without a training min and max every valid value is outside them (as x < +∞ and x > −∞ say).
        var outOfRange = _minPosition < 0 || _maxPosition < 0
            ? Sum(0, last)
            : Sum(0, 2 * _minPosition) + Sum((2 * _maxPosition) + 2, last);
        return new Folded(bins, gap, equal, outOfRange);
    }

    private (long Missing, long Invalid, double Min, double Max) Count<TCells>(TCells cells, ReadOnlySpan<double> values, int[] slots, double min, double max)
        where TCells : struct, ICells
    {
        long missing = 0, invalid = 0;
        var n = Boundaries;
        double low = _low, high = _high;
        // Unchecked indexing below: cells are within [0, Count), so starts[cell + 1] exists; every position u is at
        // most n and the padded boundaries have their +∞ sentinel at n; slot 2u (+1 only when u < n) is below 2n + 1.
        ref var bounds = ref MemoryMarshal.GetArrayDataReference(_padded);
        ref var starts = ref MemoryMarshal.GetArrayDataReference(_cellStart);
        ref var counts = ref MemoryMarshal.GetArrayDataReference(slots);
        if (slots.Length != SlotCount)
        {
            throw new ArgumentException("Slots of another feature.", nameof(slots));
        }

        foreach (var x in values)
        {
            int slot;
            // The common case first: a value within the grid (never NaN or ±∞, as the grid's ends are finite).
            if (x >= low && x <= high)
            {
                var cell = cells.Of(x);
                var u = Unsafe.Add(ref starts, cell);
                var k = Unsafe.Add(ref starts, cell + 1) - u;
                if (k <= 1)
                {
                    // Boundary u is the cell's one boundary or, in an empty cell, a later cell's and so above x: below
                    // it, on it or above it gives the slot. (Written as 0/1 terms, which compile to flag moves rather
                    // than a branch the processor could not predict.)
                    var b = Unsafe.Add(ref bounds, u);
                    slot = (2 * (u + (x > b ? 1 : 0))) + (x == b ? 1 : 0);
                }
                else
                {
                    if (k <= LinearScanLimit)
                    {
                        // The boundary after the cell's last is above x, so stepping while below x stops in the cell.
                        while (Unsafe.Add(ref bounds, u) < x)
                        {
                            u++;
                        }
                    }
                    else
                    {
                        u = LowerBound(_padded, u, u + k, x);
                    }

                    slot = (2 * u) + (Unsafe.Add(ref bounds, u) == x ? 1 : 0);
                }
            }
            else if (double.IsFinite(x))
            {
                var u = x < low ? LowerBound(_padded, 0, _first, x) : LowerBound(_padded, _last + 1, n, x);
                slot = (2 * u) + (Unsafe.Add(ref bounds, u) == x ? 1 : 0);
            }
            else
            {
                if (double.IsNaN(x))
                {
                    missing++;
                }
                else
                {
                    invalid++;
                }

                continue;
            }

            if (x < min)
            {
                min = x;
            }

            if (x > max)
            {
                max = x;
            }

            Unsafe.Add(ref counts, slot)++;
        }

        return (missing, invalid, min, max);
    }

    private static int[] CellStarts<TCells>(ReadOnlySpan<double> grid, int first, TCells cells)
        where TCells : struct, ICells
    {
        var starts = new int[cells.Count + 1];
        var i = 0;
        for (var c = 0; c <= cells.Count; c++)
        {
            while (i < grid.Length && cells.Of(grid[i]) < c)
            {
                i++;
            }

            starts[c] = first + i;
        }

        return starts;
    }

    // How many boundaries a boundary shares its cell with, on average: the scan a typical value pays. From the grid
    // itself (the cell function is monotone, so a cell's boundaries are one run), so that only the cell function kept
    // gets its table.
    private static double Crowding<TCells>(ReadOnlySpan<double> grid, TCells cells)
        where TCells : struct, ICells
    {
        double sum = 0;
        var run = 0;
        var cell = -1;
        foreach (var v in grid)
        {
            var c = cells.Of(v);
            if (c != cell)
            {
                sum += (double)run * run;
                cell = c;
                run = 0;
            }

            run++;
        }

        sum += (double)run * run;
        return grid.IsEmpty ? 0 : sum / grid.Length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int LowerBound(double[] values, int lo, int hi, double x)
    {
        while (lo < hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            if (values[mid] < x)
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

    /// <summary>
    /// The union of three ascending lists, ascending, each value once (-0.0 and 0.0 being one value, as they are to
    /// every comparison), written to <paramref name="into"/> unless it is empty; returns how many values it has.
    /// </summary>
    private static int MergeDistinct(ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> c, Span<double> into)
    {
        int i = 0, j = 0, l = 0, count = 0;
        var previous = double.NaN;
        while (i < a.Length || j < b.Length || l < c.Length)
        {
            var v = double.PositiveInfinity;
            var from = 0;
            if (i < a.Length)
            {
                v = a[i];
                from = 1;
            }

            if (j < b.Length && (from == 0 || b[j] < v))
            {
                v = b[j];
                from = 2;
            }

            if (l < c.Length && (from == 0 || c[l] < v))
            {
                v = c[l];
                from = 3;
            }

            switch (from)
            {
                case 1: i++; break;
                case 2: j++; break;
                default: l++; break;
            }

            if (count == 0 || previous != v)
            {
                if (!into.IsEmpty)
                {
                    into[count] = v;
                }

                count++;
                previous = v;
            }
        }

        return count;
    }

    /// <summary>
    /// Where each of <paramref name="sorted"/> (increasing, every one among <paramref name="values"/>) sits in
    /// <paramref name="values"/>: one forward walk instead of a binary search per value, whose mispredicted branches
    /// were the largest part of building a feature's tables (10,000 KS points), on every run of the detector.
    /// </summary>
    private static int[] Positions(double[] values, ReadOnlySpan<double> sorted)
    {
        var positions = new int[sorted.Length];
        var at = 0;
        for (var i = 0; i < positions.Length; i++)
        {
            while (values[at] < sorted[i])
            {
                at++;
            }

            positions[i] = at;
        }

        return positions;
    }

    private static void RequireIncreasing(string feature, string what, ReadOnlySpan<double> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]) || (i > 0 && !(values[i] > values[i - 1])))
            {
                throw new InvalidDataException($"Feature '{feature}': the baseline's {what} must be finite and strictly increasing.");
            }
        }
    }

    /// <summary>
    /// The integer part of a double known to be in [0, int.MaxValue): one instruction, without the saturation a cast
    /// adds. Not double.ConvertToIntegerNative&lt;int&gt;: a generic method of the runtime's, which the precompiled
    /// (ReadyToRun) counting loop called as unoptimised code for every value until the JIT replaced the loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Truncate(double t) =>
        System.Runtime.Intrinsics.X86.Sse2.IsSupported
            ? System.Runtime.Intrinsics.X86.Sse2.ConvertToInt32WithTruncation(System.Runtime.Intrinsics.Vector128.CreateScalarUnsafe(t))
            : (int)t;

    /// <summary>A monotone map from the grid's value range onto cells 0..Count−1 (a struct, so it is inlined).</summary>
    private interface ICells
    {
        int Count { get; }

        int Of(double x);
    }

    /// <summary>Equal-width cells over [low, high].</summary>
    private readonly struct LinearCells(double low, double scale, int count) : ICells
    {
        public int Count => count;

        public static LinearCells Create(double low, double high, int cells)
        {
            var range = high - low;
            var scale = cells / range;
            // One boundary, or a span too wide or too narrow for doubles: one cell, searched.
            return double.IsFinite(range) && range > 0 && double.IsFinite(scale) ? new LinearCells(low, scale, cells) : new LinearCells(low, 0, 1);
        }

        // Subtraction, multiplication by a positive constant, the comparison and truncation never reverse an order.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Of(double x)
        {
            var t = (x - low) * scale;
            // t is in [0, count) here (NaN and larger values take the other branch).
            return t < count ? Truncate(t) : count - 1;
        }
    }

    /// <summary>
    /// Equal-width cells over the values' bit patterns, which grow with the logarithm of the magnitude: the magnitude's
    /// bits above those of the smallest non-zero boundary magnitude, signed (so everything closer to zero than every
    /// boundary shares the middle key, and no cells go to decades with no boundary).
    /// </summary>
    private readonly struct LogCells(long floor, double lowKey, double scale, int count) : ICells
    {
        public int Count => count;

        public static LogCells Create(ReadOnlySpan<double> grid, int cells)
        {
            var smallest = double.PositiveInfinity;
            foreach (var v in grid)
            {
                if (v != 0)
                {
                    smallest = Math.Min(smallest, Math.Abs(v));
                }
            }

            var floor = double.IsFinite(smallest) ? BitConverter.DoubleToInt64Bits(smallest) : 0;
            var probe = new LogCells(floor, 0, 0, 1);
            var lowKey = probe.Key(grid[0]);
            var range = probe.Key(grid[^1]) - lowKey;
            var scale = cells / range;
            return range > 0 && double.IsFinite(scale) ? new LogCells(floor, lowKey, scale, cells) : new LogCells(floor, lowKey, 0, 1);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Of(double x)
        {
            var t = (Key(x) - lowKey) * scale;
            return t < count ? Truncate(t) : count - 1;
        }

        // Non-decreasing in x; -0.0 and 0.0 (equal magnitudes' bits) give the same key. A double, so that differences
        // of keys of opposite sign cannot overflow (rounding to double keeps the order).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private double Key(double x)
        {
            var bits = BitConverter.DoubleToInt64Bits(x);
            var magnitude = Math.Max((bits & long.MaxValue) - floor, 0);
            return bits < 0 ? -magnitude : magnitude;
        }
    }
}

/// <summary>A numeric window's counts as the analysis reads them.</summary>
internal sealed record Folded(long[] BinCounts, long[] GapCounts, long[] EqualCounts, long OutOfRange);
