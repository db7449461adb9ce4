using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using DriftJobs.Core.Statistics;

namespace DriftJobs.Core.Profiles;

/// <summary>
/// What the current window's data looks like, measured against one baseline: only counts on the baseline's PSI
/// bins and KS reference points, so memory is O(features × (bins + K)) however many rows are fed, and two
/// partial profiles merge exactly by adding counts (files and row groups can be profiled in any order or in
/// parallel).
/// </summary>
internal sealed class WindowProfile
{
    private readonly Dictionary<string, FeatureWindow> _features = new(StringComparer.Ordinal);

    public WindowProfile(BaselineProfile baseline)
    {
        Baseline = baseline;
        foreach (var feature in baseline.Features)
        {
            _features.Add(feature.Name, feature.Kind == FeatureKind.Numeric
                ? new NumericWindow(feature)
                : new CategoricalWindow(feature));
        }
    }

    public BaselineProfile Baseline { get; }

    /// <summary>Rows of the window (after skipping other models' rows).</summary>
    public long Rows { get; private set; }

    public IReadOnlyDictionary<string, FeatureWindow> Features => _features;

    public void AddRows(long rows) => Rows += rows;

    /// <summary>Numeric values of a baseline feature; NaN means missing, ±∞ invalid.</summary>
    public void AddNumeric(string feature, ReadOnlySpan<double> values) => Numeric(feature).Add(values);

    /// <summary>Categorical values of a baseline feature; null means missing.</summary>
    public void AddCategorical(string feature, ReadOnlySpan<string?> values) => Categorical(feature).Add(values);

    /// <summary>Rows of a source without a column for the feature: counted missing, and noted as absent.</summary>
    public void AddAbsent(string feature, long rows) => Get(feature).AddAbsent(rows);

    /// <summary>Adds another partial profile of the same baseline into this one.</summary>
    public void Merge(WindowProfile other)
    {
        if (!ReferenceEquals(other.Baseline, Baseline))
        {
            throw new InvalidOperationException("Window profiles of different baselines cannot be merged.");
        }

        Rows += other.Rows;
        foreach (var (name, window) in _features)
        {
            window.Merge(other._features[name]);
        }
    }

    private FeatureWindow Get(string feature) =>
        _features.TryGetValue(feature, out var window)
            ? window
            : throw new ArgumentException($"'{feature}' is not a feature of baseline {Baseline.ModelName} {Baseline.ModelVersion}.", nameof(feature));

    private NumericWindow Numeric(string feature) =>
        Get(feature) as NumericWindow ?? throw new InvalidDataException($"Feature '{feature}' is categorical in the baseline but was read as numeric.");

    private CategoricalWindow Categorical(string feature) =>
        Get(feature) as CategoricalWindow ?? throw new InvalidDataException($"Feature '{feature}' is numeric in the baseline but was read as categorical.");
}

internal abstract class FeatureWindow(FeatureProfile baseline)
{
    public FeatureProfile Baseline { get; } = baseline;

    /// <summary>Rows seen, missing, invalid and absent included.</summary>
    public long Rows { get; protected set; }

    /// <summary>Null/NaN values plus rows of sources without the column.</summary>
    public long Missing { get; protected set; }

    public long Invalid { get; protected set; }

    /// <summary>Rows from sources that had no column for this feature.</summary>
    public long AbsentRows { get; private set; }

    public long Valid => Rows - Missing - Invalid;

    public void AddAbsent(long rows)
    {
        Rows += rows;
        Missing += rows;
        AbsentRows += rows;
    }

    public void Merge(FeatureWindow other)
    {
        Rows += other.Rows;
        Missing += other.Missing;
        Invalid += other.Invalid;
        AbsentRows += other.AbsentRows;
        MergeCounts(other);
    }

    protected abstract void MergeCounts(FeatureWindow other);
}

internal sealed class NumericWindow : FeatureWindow
{
    private readonly double[] _edges;
    private readonly double[] _reference;
    private readonly double _baselineMin;
    private readonly double _baselineMax;

    public NumericWindow(FeatureProfile baseline)
        : base(baseline)
    {
        var numeric = baseline.Numeric ?? throw new InvalidDataException($"Feature '{baseline.Name}' has no numeric profile.");
        _edges = [.. numeric.PsiBins.Edges];
        _reference = [.. numeric.KsReference.Values];
        _baselineMin = numeric.Min ?? double.PositiveInfinity;
        _baselineMax = numeric.Max ?? double.NegativeInfinity;
        BinCounts = new long[_edges.Length + 1];
        GapCounts = new long[_reference.Length + 1];
        EqualCounts = new long[_reference.Length];
    }

    /// <summary>Valid values per PSI bin.</summary>
    public long[] BinCounts { get; }

    /// <summary>GapCounts[j]: values strictly between reference points j−1 and j (below the first / above the last at the ends).</summary>
    public long[] GapCounts { get; }

    /// <summary>EqualCounts[j]: values equal to reference point j.</summary>
    public long[] EqualCounts { get; }

    /// <summary>Valid values outside the baseline's [min, max].</summary>
    public long OutOfRange { get; private set; }

    public double Min { get; private set; } = double.PositiveInfinity;

    public double Max { get; private set; } = double.NegativeInfinity;

    public void Add(ReadOnlySpan<double> values)
    {
        Rows += values.Length;
        var edges = _edges.AsSpan();
        var reference = _reference.AsSpan();
        foreach (var x in values)
        {
            if (!double.IsFinite(x))
            {
                if (double.IsNaN(x))
                {
                    Missing++;
                }
                else
                {
                    Invalid++;
                }

                continue;
            }

            BinCounts[SortedQuantile.LowerBound(edges, x)]++;
            var j = SortedQuantile.LowerBound(reference, x);
            if (j < reference.Length && reference[j] == x)
            {
                EqualCounts[j]++;
            }
            else
            {
                GapCounts[j]++;
            }

            if (x < _baselineMin || x > _baselineMax)
            {
                OutOfRange++;
            }

            if (x < Min)
            {
                Min = x;
            }

            if (x > Max)
            {
                Max = x;
            }
        }
    }

    protected override void MergeCounts(FeatureWindow other)
    {
        var o = (NumericWindow)other;
        Add(BinCounts, o.BinCounts);
        Add(GapCounts, o.GapCounts);
        Add(EqualCounts, o.EqualCounts);
        OutOfRange += o.OutOfRange;
        Min = Math.Min(Min, o.Min);
        Max = Math.Max(Max, o.Max);
    }

    private static void Add(long[] into, long[] from)
    {
        for (var i = 0; i < into.Length; i++)
        {
            into[i] += from[i];
        }
    }
}

internal sealed class CategoricalWindow : FeatureWindow
{
    /// <summary>Distinct unseen values remembered by name; more only add to the unseen count.</summary>
    public const int MaxTrackedUnseen = 10_000;

    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly HashSet<string> _knownOther;

    public CategoricalWindow(FeatureProfile baseline)
        : base(baseline)
    {
        var categorical = baseline.Categorical ?? throw new InvalidDataException($"Feature '{baseline.Name}' has no categorical profile.");
        for (var i = 0; i < categorical.Categories.Count; i++)
        {
            _index[categorical.Categories[i].Value] = i;
        }

        _knownOther = new HashSet<string>(categorical.OtherValues, StringComparer.Ordinal);
        CategoryCounts = new long[categorical.Categories.Count];
    }

    /// <summary>Counts of the baseline's listed categories, in the baseline's order.</summary>
    public long[] CategoryCounts { get; }

    /// <summary>Values in the <c>__other__</c> bucket: rare training categories plus unseen ones.</summary>
    public long OtherCount { get; private set; }

    /// <summary>Values the training data never had (as far as the baseline remembers).</summary>
    public long UnseenCount { get; private set; }

    public Dictionary<string, long> Unseen { get; } = new(StringComparer.Ordinal);

    public void Add(ReadOnlySpan<string?> values)
    {
        Rows += values.Length;
        foreach (var value in values)
        {
            if (value is null)
            {
                Missing++;
            }
            else if (_index.TryGetValue(value, out var i))
            {
                CategoryCounts[i]++;
            }
            else
            {
                OtherCount++;
                if (!_knownOther.Contains(value))
                {
                    CountUnseen(value, 1);
                }
            }
        }
    }

    protected override void MergeCounts(FeatureWindow other)
    {
        var o = (CategoricalWindow)other;
        for (var i = 0; i < CategoryCounts.Length; i++)
        {
            CategoryCounts[i] += o.CategoryCounts[i];
        }

        OtherCount += o.OtherCount;
        UnseenCount += o.UnseenCount - o.Unseen.Values.Sum();
        foreach (var (value, count) in o.Unseen)
        {
            CountUnseen(value, count);
        }
    }

    private void CountUnseen(string value, long count)
    {
        UnseenCount += count;
        ref var slot = ref CollectionsMarshal.GetValueRefOrNullRef(Unseen, value);
        if (!Unsafe.IsNullRef(ref slot))
        {
            slot += count;
        }
        else if (Unseen.Count < MaxTrackedUnseen)
        {
            Unseen.Add(value, count);
        }
    }
}
