using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DriftJobs.Core.Profiles.Segments;

/// <summary>
/// A window's rows split by segment: one window profile per segment of the layout, counted on the whole baseline's
/// boundaries, and the rows of keys the training data never had (per key, the largest kept). Partial windows merge by
/// adding counts, like the whole window they are part of.
/// </summary>
internal sealed class SegmentWindows
{
    /// <summary>Never-seen keys remembered by name; more only add to <see cref="UnseenRows"/>.</summary>
    public const int MaxTrackedUnseen = 1000;

    private int[] _counts = [];
    private int[] _starts = [];
    private double[] _numbers = [];
    private string?[] _strings = [];

    private readonly int _maxTrackedUnseen;

    /// <param name="maxTrackedUnseen">Never-seen keys remembered by name (the baseline job's count of every key raises it).</param>
    public SegmentWindows(SegmentLayout layout, int maxTrackedUnseen = MaxTrackedUnseen)
    {
        Layout = layout;
        _maxTrackedUnseen = maxTrackedUnseen;
        Windows = layout.References.Select(r => new WindowProfile(r)).ToArray();
        UnseenWindow = new WindowProfile(layout.Whole);
    }

    /// <summary>
    /// The values of rows in no segment, counted so that the whole window can be summed from the segments
    /// (<see cref="AddInto"/>) instead of counting every value twice; never stored, never judged.
    /// </summary>
    public WindowProfile UnseenWindow { get; }

    public SegmentLayout Layout { get; }

    /// <summary>One window per segment of <see cref="Layout"/>, in its order.</summary>
    public IReadOnlyList<WindowProfile> Windows { get; }

    /// <summary>Rows whose key the baseline does not know.</summary>
    public long UnseenRows { get; private set; }

    public Dictionary<string, long> Unseen { get; } = new(StringComparer.Ordinal);

    /// <summary>Rows per code (<see cref="SegmentLayout.UnseenCode"/> last).</summary>
    public void AddRows(ReadOnlySpan<long> rowsPerCode)
    {
        for (var s = 0; s < Windows.Count; s++)
        {
            Windows[s].AddRows(rowsPerCode[s]);
        }

        UnseenRows += rowsPerCode[Layout.UnseenCode];
        UnseenWindow.AddRows(rowsPerCode[Layout.UnseenCode]);
    }

    /// <summary>
    /// Adds every feature's counts of the segments and of <see cref="UnseenWindow"/> (values, missing, invalid and absent
    /// rows: everything fed through these windows) to the whole window's: its features were not fed themselves. The
    /// window's row count is its own. All windows count on the same boundaries and categories, so the sums are exact.
    /// </summary>
    public void AddInto(WindowProfile whole)
    {
        if (!ReferenceEquals(whole.Baseline, Layout.Whole))
        {
            throw new InvalidOperationException("Segment windows add up only into a window of their own baseline.");
        }

        foreach (var window in Windows.Append(UnseenWindow))
        {
            foreach (var (name, feature) in whole.Features)
            {
                feature.Merge(window.Features[name]);
            }
        }
    }

    /// <summary>Rows (per code) of a source without a column for the feature.</summary>
    public void AddAbsent(string feature, ReadOnlySpan<long> rowsPerCode)
    {
        for (var s = 0; s <= Windows.Count; s++)
        {
            if (rowsPerCode[s] > 0)
            {
                Window(s).AddAbsent(feature, rowsPerCode[s]);
            }
        }
    }

    private WindowProfile Window(int code) => code < Windows.Count ? Windows[code] : UnseenWindow;

    /// <summary>Rows of a key the baseline does not know, by name (their count is in <see cref="AddRows"/>'s).</summary>
    public void CountUnseen(string key, long rows)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrNullRef(Unseen, key);
        if (!Unsafe.IsNullRef(ref slot))
        {
            slot += rows;
        }
        else if (Unseen.Count < _maxTrackedUnseen)
        {
            Unseen.Add(key, rows);
        }
    }

    /// <summary>A batch of a feature's values, row i of segment <paramref name="codes"/>[i].</summary>
    public void AddNumeric(string feature, ReadOnlySpan<double> values, ReadOnlySpan<int> codes)
    {
        Group(values, codes, ref _numbers);
        for (var s = 0; s <= Windows.Count; s++)
        {
            if (_counts[s] > 0)
            {
                Window(s).AddNumeric(feature, _numbers.AsSpan(_starts[s], _counts[s]));
            }
        }
    }

    public void AddCategorical(string feature, ReadOnlySpan<string?> values, ReadOnlySpan<int> codes)
    {
        Group(values, codes, ref _strings);
        for (var s = 0; s <= Windows.Count; s++)
        {
            if (_counts[s] > 0)
            {
                Window(s).AddCategorical(feature, _strings.AsSpan(_starts[s], _counts[s]));
            }
        }

        Array.Clear(_strings, 0, values.Length);
    }

    public void Merge(SegmentWindows other, bool emptyOther)
    {
        if (!ReferenceEquals(other.Layout, Layout))
        {
            throw new InvalidOperationException("Segment windows of different layouts cannot be merged.");
        }

        for (var s = 0; s < Windows.Count; s++)
        {
            if (emptyOther)
            {
                Windows[s].Absorb(other.Windows[s]);
            }
            else
            {
                Windows[s].Merge(other.Windows[s]);
            }
        }

        if (emptyOther)
        {
            UnseenWindow.Absorb(other.UnseenWindow);
        }
        else
        {
            UnseenWindow.Merge(other.UnseenWindow);
        }

        UnseenRows += other.UnseenRows;
        foreach (var (key, rows) in other.Unseen)
        {
            CountUnseen(key, rows);
        }

        if (emptyOther)
        {
            other.ClearUnseen();
        }
    }

    /// <summary>Sets a stored hour profile's never-seen keys (its segment windows are read like the whole window).</summary>
    public void RestoreUnseen(long unseenRows, IEnumerable<KeyValuePair<string, long>> unseen)
    {
        ClearUnseen();
        foreach (var (key, rows) in unseen)
        {
            if (!Unseen.TryAdd(key, rows))
            {
                throw new InvalidDataException($"the unseen segment '{key}' is there twice");
            }
        }

        UnseenRows = unseenRows;
    }

    public void Clear()
    {
        foreach (var window in Windows)
        {
            window.Clear();
        }

        UnseenWindow.Clear();
        ClearUnseen();
    }

    private void ClearUnseen()
    {
        UnseenRows = 0;
        Unseen.Clear();
    }

    /// <summary>Copies the values into <paramref name="grouped"/> segment after segment (a counting sort by code), leaving each segment's start and count.</summary>
    private void Group<T>(ReadOnlySpan<T> values, ReadOnlySpan<int> codes, ref T[] grouped)
    {
        if (codes.Length != values.Length)
        {
            throw new InvalidOperationException($"{values.Length} values came with the segments of {codes.Length} rows.");
        }

        var buckets = Layout.UnseenCode + 1;
        if (_counts.Length < buckets)
        {
            _counts = new int[buckets];
            _starts = new int[buckets];
        }

        if (grouped.Length < values.Length)
        {
            grouped = new T[Math.Max(values.Length, grouped.Length * 2)];
        }

        var counts = _counts.AsSpan(0, buckets);
        counts.Clear();
        foreach (var code in codes)
        {
            counts[code]++;
        }

        var next = _starts.AsSpan(0, buckets);
        var at = 0;
        for (var s = 0; s < buckets; s++)
        {
            next[s] = at;
            at += counts[s];
        }

        for (var i = 0; i < values.Length; i++)
        {
            grouped[next[codes[i]]++] = values[i];
        }

        // next[s] now ends segment s.
        for (var s = 0; s < buckets; s++)
        {
            next[s] -= counts[s];
        }
    }
}
