using System.Runtime.InteropServices;

namespace DriftJobs.Storage;

/// <summary>
/// Hands out one shared string per distinct value, so a categorical column of a few hundred categories costs a few
/// hundred strings however many rows it has. Bounded: past <see cref="Capacity"/> distinct values (an ID-like
/// column) new values are still returned, just no longer remembered.
/// </summary>
internal sealed class StringPool
{
    public const int DefaultCapacity = 16_384;

    private const int RecentBits = 10;

    private readonly HashSet<string> _strings = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly string?[] _recent = new string?[1 << RecentBits];

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
        // A categorical column repeats a few values row after row: a direct-mapped cache in front of the set answers
        // most calls with one cheap hash and one short comparison, instead of hashing every character (Marvin) and
        // probing the set, which cost more than decoding the column. A collision only falls through to the set.
        var slot = Slot(value);
        if (_recent[slot] is { } recent && value.SequenceEqual(recent))
        {
            return recent;
        }

        return _recent[slot] = Find(value);
    }

    private string Find(ReadOnlySpan<char> value)
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

    /// <summary>The cache slot: the length and the first and last four characters, mixed.</summary>
    private static int Slot(ReadOnlySpan<char> value)
    {
        ulong key = (ulong)value.Length;
        if (value.Length >= 4)
        {
            var bytes = MemoryMarshal.AsBytes(value);
            key ^= MemoryMarshal.Read<ulong>(bytes) * 0x9E3779B97F4A7C15;
            key ^= MemoryMarshal.Read<ulong>(bytes[^8..]) * 0xC2B2AE3D27D4EB4F;
        }
        else
        {
            foreach (var c in value)
            {
                key = (key * 31) + c;
            }
        }

        return (int)((key * 0x9E3779B97F4A7C15) >> (64 - RecentBits));
    }
}
