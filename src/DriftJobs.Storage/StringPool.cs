namespace DriftJobs.Storage;

/// <summary>
/// Hands out one shared string per distinct value, so a categorical column of a few hundred categories costs a few
/// hundred strings however many rows it has. Bounded: past <see cref="Capacity"/> distinct values (an ID-like
/// column) new values are still returned, just no longer remembered.
/// </summary>
internal sealed class StringPool
{
    public const int DefaultCapacity = 16_384;

    private readonly HashSet<string> _strings = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public StringPool(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        Capacity = capacity;
        _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Capacity { get; }

    public int Count => _strings.Count;

    public string Get(ReadOnlySpan<char> value)
    {
        if (_lookup.TryGetValue(value, out var existing))
        {
            return existing;
        }

        var created = value.ToString();
        if (_strings.Count < Capacity)
        {
            _strings.Add(created);
        }

        return created;
    }
}
