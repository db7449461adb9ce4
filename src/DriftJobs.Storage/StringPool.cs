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

    // The same cache for values read as UTF-8 bytes: each slot the bytes last seen there and their string.
    private readonly string?[] _recentUtf8 = new string?[1 << RecentBits];
    private readonly byte[]?[] _recentUtf8Keys = new byte[]?[1 << RecentBits];
    private readonly int[] _recentUtf8Lengths = new int[1 << RecentBits];
    private char[] _chars = [];

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

    /// <summary>
    /// The string for UTF-8 bytes, decoded as <see cref="System.Text.Encoding.UTF8"/> decodes them (invalid sequences
    /// replaced by U+FFFD, as the Parquet library reads them). A value seen in its cache slot is answered without
    /// decoding it again.
    /// </summary>
    public string GetUtf8(ReadOnlySpan<byte> utf8)
    {
        var slot = Slot(utf8);
        if (_recentUtf8[slot] is { } recent && utf8.SequenceEqual(_recentUtf8Keys[slot].AsSpan(0, _recentUtf8Lengths[slot])))
        {
            return recent;
        }

        var most = System.Text.Encoding.UTF8.GetMaxCharCount(utf8.Length);
        if (_chars.Length < most)
        {
            _chars = new char[Math.Max(most, 256)];
        }

        var length = System.Text.Encoding.UTF8.GetChars(utf8, _chars);
        var value = Get(_chars.AsSpan(0, length));
        if (_recentUtf8Keys[slot] is not { } key || key.Length < utf8.Length)
        {
            _recentUtf8Keys[slot] = key = new byte[Math.Max(utf8.Length, 16)];
        }

        utf8.CopyTo(key);
        _recentUtf8Lengths[slot] = utf8.Length;
        _recentUtf8[slot] = value;
        return value;
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
    private static int Slot(ReadOnlySpan<char> value) => Slot(MemoryMarshal.AsBytes(value), value.Length);

    private static int Slot(ReadOnlySpan<byte> utf8) => Slot(utf8, utf8.Length);

    /// <summary>The length and the first and last eight bytes, mixed.</summary>
    private static int Slot(ReadOnlySpan<byte> bytes, int length)
    {
        ulong key = (ulong)length;
        if (bytes.Length >= 8)
        {
            key ^= MemoryMarshal.Read<ulong>(bytes) * 0x9E3779B97F4A7C15;
            key ^= MemoryMarshal.Read<ulong>(bytes[^8..]) * 0xC2B2AE3D27D4EB4F;
        }
        else
        {
            foreach (var b in bytes)
            {
                key = (key * 31) + b;
            }
        }

        return (int)((key * 0x9E3779B97F4A7C15) >> (64 - RecentBits));
    }
}
