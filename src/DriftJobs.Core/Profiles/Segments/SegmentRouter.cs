using System.Runtime.CompilerServices;

namespace DriftJobs.Core.Profiles.Segments;

/// <summary>
/// Finds each row's segment while a source is read: a reader hands it the segment columns of every batch of rows (a
/// row group) before the features, and takes the rows' codes to route the features' values by. Rows and never-seen
/// keys are counted per source (a file), to be added once the source has been read to the end, or forgotten.
/// One router per reader.
/// </summary>
internal sealed class SegmentRouter
{
    // Keys of one segment column by value: the reader hands out one string instance per distinct value, so a
    // direct-mapped cache on the instance skips hashing the characters, as in CategoricalWindow.
    private const int InstanceCacheBits = 8;
    private const int MaxCachedKeys = 10_000;

    private readonly string?[][] _values;
    private readonly bool[] _present;
    private readonly Dictionary<string, (int Code, string Key)> _byKey = new(StringComparer.Ordinal);
    private readonly (string? Instance, int Code, string? Key)[] _byInstance = new (string?, int, string?)[1 << InstanceCacheBits];
    private readonly string?[] _row;
    private readonly long[] _sourceRows;
    private readonly Dictionary<string, long> _sourceUnseen = new(StringComparer.Ordinal);
    private int[] _codes = [];
    private int _rows;
    private bool _ready = true;

    private readonly int _maxTrackedUnseen;

    /// <param name="maxTrackedUnseen">Never-seen keys of one source remembered by name.</param>
    public SegmentRouter(SegmentLayout layout, int maxTrackedUnseen = SegmentWindows.MaxTrackedUnseen)
    {
        Layout = layout;
        _maxTrackedUnseen = maxTrackedUnseen;
        _values = layout.Columns.Select(_ => Array.Empty<string?>()).ToArray();
        _present = new bool[layout.Columns.Count];
        _row = new string?[layout.Columns.Count];
        _sourceRows = new long[layout.UnseenCode + 1];
    }

    public SegmentLayout Layout { get; }

    /// <summary>Rows of the current source per code (<see cref="SegmentLayout.UnseenCode"/> last).</summary>
    public ReadOnlySpan<long> SourceRows
    {
        get
        {
            Route();
            return _sourceRows;
        }
    }

    /// <summary>The segment columns' index, −1 for another column.</summary>
    public int ColumnIndex(string column)
    {
        for (var i = 0; i < Layout.Columns.Count; i++)
        {
            if (string.Equals(Layout.Columns[i], column, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>A new batch of <paramref name="rows"/> rows begins: its segment columns come next (an absent one counts as missing).</summary>
    public void StartBatch(int rows)
    {
        Route();
        _rows = rows;
        _ready = false;
        Array.Clear(_present);
    }

    public void AddSegmentColumn(int index, ReadOnlySpan<string?> values)
    {
        if (values.Length != _rows || _ready)
        {
            throw new InvalidOperationException($"Segment column {Layout.Columns[index]} came with {values.Length} rows outside its batch of {_rows}.");
        }

        if (_values[index].Length < values.Length)
        {
            _values[index] = new string?[Math.Max(values.Length, _values[index].Length * 2)];
        }

        values.CopyTo(_values[index]);
        _present[index] = true;
    }

    /// <summary>The current batch's codes, one per row.</summary>
    public ReadOnlySpan<int> Codes()
    {
        Route();
        return _codes.AsSpan(0, _rows);
    }

    /// <summary>Adds the source's rows and never-seen keys to <paramref name="into"/> and starts the next source.</summary>
    public void Commit(SegmentWindows into)
    {
        Route();
        into.AddRows(_sourceRows);
        foreach (var (key, rows) in _sourceUnseen)
        {
            into.CountUnseen(key, rows);
        }

        Forget();
    }

    /// <summary>Forgets the current source (it failed half-way).</summary>
    public void Forget()
    {
        Array.Clear(_sourceRows);
        _sourceUnseen.Clear();
        _rows = 0;
        _ready = true;
    }

    private void Route()
    {
        if (_ready)
        {
            return;
        }

        _ready = true;
        if (_codes.Length < _rows)
        {
            _codes = new int[Math.Max(_rows, _codes.Length * 2)];
        }

        if (_byKey.Count > MaxCachedKeys)
        {
            // An ID-like segment column: the caches stay bounded (they only save work).
            _byKey.Clear();
            Array.Clear(_byInstance);
        }

        var codes = _codes.AsSpan(0, _rows);
        if (Layout.Columns.Count == 1)
        {
            var values = _present[0] ? _values[0] : null;
            for (var i = 0; i < codes.Length; i++)
            {
                var value = values?[i];
                ref var cached = ref _byInstance[value is null ? 0 : RuntimeHelpers.GetHashCode(value) & ((1 << InstanceCacheBits) - 1)];
                if (!ReferenceEquals(cached.Instance, value) || cached.Key is null)
                {
                    _row[0] = value;
                    var (code, key) = Classify();
                    cached = (value, code, key);
                }

                codes[i] = cached.Code;
                Count(cached.Code, cached.Key!);
            }
        }
        else
        {
            for (var i = 0; i < codes.Length; i++)
            {
                for (var c = 0; c < _row.Length; c++)
                {
                    _row[c] = _present[c] ? _values[c][i] : null;
                }

                var (code, key) = Classify();
                codes[i] = code;
                Count(code, key);
            }
        }

        for (var c = 0; c < _values.Length; c++)
        {
            Array.Clear(_values[c], 0, Math.Min(_rows, _values[c].Length));
        }
    }

    private (int Code, string Key) Classify()
    {
        var key = SegmentKey.Of(Layout.Columns, _row);
        if (!_byKey.TryGetValue(key, out var known))
        {
            known = (Layout.CodeOf(key), key);
            _byKey[key] = known;
        }

        return known;
    }

    private void Count(int code, string key)
    {
        _sourceRows[code]++;
        if (code == Layout.UnseenCode)
        {
            if (_sourceUnseen.Count < _maxTrackedUnseen || _sourceUnseen.ContainsKey(key))
            {
                _sourceUnseen[key] = _sourceUnseen.GetValueOrDefault(key) + 1;
            }
        }
    }
}
