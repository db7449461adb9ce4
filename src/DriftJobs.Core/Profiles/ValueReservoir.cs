namespace DriftJobs.Core.Profiles;

/// <summary>
/// Keeps every value until <c>capacity</c>, then a uniform random sample of that size (Li's Algorithm L, which
/// draws random numbers only for the values it keeps). Quantiles, PSI edges and the KS reference come from the
/// sample, so the baseline job's memory is bounded by features × capacity whatever the input size; below the
/// capacity they are exact.
/// </summary>
internal sealed class ValueReservoir(int capacity, SampleRandom random)
{
    private readonly int _capacity = capacity;
    private double[] _values = new double[Math.Min(capacity, 1024)];
    private int _count;
    private long _seen;
    private SampleRandom _random = random;
    private double _w;
    private long _nextReplacement;

    /// <summary>Values offered so far.</summary>
    public long Seen => _seen;

    public bool IsComplete => _seen <= _capacity;

    public void Add(double value)
    {
        _seen++;
        if (_count < _capacity)
        {
            if (_count == _values.Length)
            {
                Array.Resize(ref _values, (int)Math.Min(_capacity, (long)_values.Length * 2));
            }

            _values[_count++] = value;
            if (_count == _capacity)
            {
                _w = Math.Exp(Math.Log(_random.NextOpenUnit()) / _capacity);
                _nextReplacement = _seen + Skip();
            }

            return;
        }

        if (_seen == _nextReplacement)
        {
            _values[_random.NextInt(_capacity)] = value;
            _w *= Math.Exp(Math.Log(_random.NextOpenUnit()) / _capacity);
            _nextReplacement = _seen + Skip();
        }
    }

    /// <summary>The sample, sorted ascending.</summary>
    public double[] ToSortedArray()
    {
        var sorted = _values.AsSpan(0, _count).ToArray();
        Array.Sort(sorted);
        return sorted;
    }

    private long Skip()
    {
        var skip = Math.Floor(Math.Log(_random.NextOpenUnit()) / Math.Log(1 - _w)) + 1;
        return skip >= long.MaxValue / 2 || double.IsNaN(skip) ? long.MaxValue / 2 : (long)skip;
    }
}
