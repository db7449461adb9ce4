namespace DriftJobs.Core.Profiles;

/// <summary>
/// Keeps every value until <c>capacity</c>, then a uniform random sample of that size (Li's Algorithm L, which
/// draws random numbers only for the values it keeps). Quantiles, PSI edges and the KS reference come from the
/// sample, so the baseline job's memory is bounded by features × capacity whatever the input size; below the
/// capacity they are exact.
/// </summary>
internal sealed class ValueReservoir(int capacity, SampleRandom random)
{
    // Values live in fixed chunks rather than one array grown by doubling: growing a million-value array leaves
    // about as much garbage on the large object heap as it keeps, per feature, which doubled the job's peak memory.
    private const int ChunkShift = 16;
    private const int ChunkSize = 1 << ChunkShift;
    private const int ChunkMask = ChunkSize - 1;

    private readonly int _capacity = capacity;
    private readonly List<double[]> _chunks = [];
    private int _count;
    private long _seen;
    private SampleRandom _random = random;
    private double _w;
    private long _nextReplacement;

    /// <summary>Values offered so far.</summary>
    public long Seen => _seen;

    public bool IsComplete => _seen <= _capacity;

    public void Add(double value) => Add(new ReadOnlySpan<double>(in value));

    /// <summary>Offers <paramref name="values"/> in order: the same sample as adding them one by one.</summary>
    public void Add(ReadOnlySpan<double> values)
    {
        if (_count < _capacity)
        {
            var take = Math.Min(_capacity - _count, values.Length);
            Append(values[..take]);
            _seen += take;
            values = values[take..];
            if (_count == _capacity)
            {
                _w = Math.Exp(Math.Log(_random.NextOpenUnit()) / _capacity);
                _nextReplacement = _seen + Skip();
            }
        }

        if (values.IsEmpty)
        {
            return;
        }

        // Only the values Algorithm L picks are looked at: the one numbered _nextReplacement (1-based over all
        // values offered) replaces a random slot, then the next pick is drawn.
        var first = _seen;
        var last = _seen + values.Length;
        while (_nextReplacement <= last)
        {
            var index = _random.NextInt(_capacity);
            _chunks[index >> ChunkShift][index & ChunkMask] = values[(int)(_nextReplacement - first - 1)];
            _w *= Math.Exp(Math.Log(_random.NextOpenUnit()) / _capacity);
            _nextReplacement += Skip();
        }

        _seen = last;
    }

    /// <summary>The sample, sorted ascending.</summary>
    public double[] ToSortedArray()
    {
        double[]? scratch = null;
        return Sorted(ref scratch).ToArray();
    }

    /// <summary>
    /// The sample, sorted ascending, at the start of <paramref name="scratch"/> (replaced by a larger array when
    /// shorter than twice the sample: the sort needs room): a caller building many features reuses one array instead
    /// of leaving sample-sized ones behind per feature.
    /// </summary>
    public Span<double> Sorted(ref double[]? scratch)
    {
        if (scratch is null || scratch.Length < 2L * _count)
        {
            scratch = GC.AllocateUninitializedArray<double>(2 * _count);
        }

        var sorted = scratch.AsSpan(0, _count);
        for (var i = 0; i < _chunks.Count; i++)
        {
            var start = i << ChunkShift;
            _chunks[i].AsSpan(0, Math.Min(ChunkSize, _count - start)).CopyTo(sorted[start..]);
        }

        Statistics.RadixSort.Sort(sorted, scratch.AsSpan(_count, _count));
        return sorted;
    }

    private void Append(ReadOnlySpan<double> values)
    {
        while (!values.IsEmpty)
        {
            var chunkIndex = _count >> ChunkShift;
            var offset = _count & ChunkMask;
            if (chunkIndex == _chunks.Count)
            {
                // The first chunk starts small and grows, so a feature with a handful of values costs a handful of bytes.
                _chunks.Add(new double[chunkIndex == 0 ? Math.Min(ChunkLength(0), Math.Max(1024, values.Length)) : ChunkLength(chunkIndex)]);
            }

            var chunk = _chunks[chunkIndex];
            if (offset + values.Length > chunk.Length && chunk.Length < ChunkLength(chunkIndex))
            {
                Array.Resize(ref chunk, (int)Math.Min(ChunkLength(chunkIndex), Math.Max(2L * chunk.Length, offset + values.Length)));
                _chunks[chunkIndex] = chunk;
            }

            var take = Math.Min(chunk.Length - offset, values.Length);
            values[..take].CopyTo(chunk.AsSpan(offset));
            _count += take;
            values = values[take..];
        }
    }

    /// <summary>The most values chunk <paramref name="index"/> ever holds: a whole chunk, or what the capacity leaves.</summary>
    private int ChunkLength(int index) => Math.Min(ChunkSize, _capacity - (index << ChunkShift));

    private long Skip()
    {
        var skip = Math.Floor(Math.Log(_random.NextOpenUnit()) / Math.Log(1 - _w)) + 1;
        return skip >= long.MaxValue / 2 || double.IsNaN(skip) ? long.MaxValue / 2 : (long)skip;
    }
}
