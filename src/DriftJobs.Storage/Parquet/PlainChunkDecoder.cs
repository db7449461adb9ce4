using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using Parquet.Meta;
using Parquet.Schema;

namespace DriftJobs.Storage.Parquet;

/// <summary>
/// Decodes the column-chunk shapes the inference logger writes (PLAIN values in v1 data pages, no dictionary, Snappy or
/// no compression, a flat required or nullable column) for float64 and UTF-8 string columns, without Parquet.Net. Its
/// decode of these shapes allocated about 12 bytes per float64 (a page buffer and an int per definition level) and
/// transcoded every string to a new char buffer before the pool looked it up; the two were most of the detector's
/// reading time. Every other shape, and anything in the bytes that does not add up, is declined: the caller then reads
/// the chunk with Parquet.Net, which decides what a malformed file means and says so. This decoder never rejects a
/// file and never produces values Parquet.Net would not. One instance per reader (its buffers are reused).
/// </summary>
internal sealed class PlainChunkDecoder
{
    /// <summary>Larger chunks (and pages that say they decompress to more) are left to Parquet.Net rather than held
    /// whole in memory.</summary>
    internal const int MaxChunkBytes = 64 << 20;

    private const int PageTypeData = 0;
    private const int EncodingPlain = 0;
    private const int EncodingRle = 3;

    private byte[] _chunk = [];
    private byte[] _page = [];
    private byte[] _levels = [];

    /// <summary>
    /// For the benchmark only (issue #25's "simplify the reader"): DRIFTJOBS_PARQUET_NET_ONLY=1 leaves every chunk to
    /// Parquet.Net, so the same executable is measured with and without this decoder.
    /// </summary>
    internal static bool Disabled { get; } = Environment.GetEnvironmentVariable("DRIFTJOBS_PARQUET_NET_ONLY") == "1";

    /// <summary>Chunks this instance decoded (the rest went to Parquet.Net): how tests see which path a file took.</summary>
    internal long ChunksDecoded { get; private set; }

    /// <summary>
    /// Fills <paramref name="rows"/> with a float64 chunk's values, one per row, NaN where a row has none (as the
    /// caller's Parquet.Net path does). Returns false, with <paramref name="rows"/> in any state, when the chunk is not
    /// one this decoder reads.
    /// </summary>
    public async ValueTask<bool> TryReadDoublesAsync(Stream stream, ColumnChunk? chunk, DataField field, Memory<double> rows, CancellationToken cancellationToken = default)
    {
        if (Disabled)
        {
            return false;
        }

        var bytes = await ReadChunkAsync(stream, chunk, field, global::Parquet.Meta.Type.DOUBLE, rows.Length, cancellationToken).ConfigureAwait(false);
        return bytes is { } b && Counted(TryDecode(b.Bytes.Span, b.Compressed, field.MaxDefinitionLevel == 1, rows.Span));
    }

    /// <summary>
    /// Fills <paramref name="rows"/> with a UTF-8 string chunk's values, one per row, null where a row has none, each
    /// value the <paramref name="pool"/>'s string for its text (invalid UTF-8 replaced as Parquet.Net replaces it).
    /// Returns false, with <paramref name="rows"/> in any state, when the chunk is not one this decoder reads.
    /// </summary>
    public async ValueTask<bool> TryReadStringsAsync(Stream stream, ColumnChunk? chunk, DataField field, Memory<string?> rows, StringPool pool, CancellationToken cancellationToken = default)
    {
        if (Disabled)
        {
            return false;
        }

        var bytes = await ReadChunkAsync(stream, chunk, field, global::Parquet.Meta.Type.BYTE_ARRAY, rows.Length, cancellationToken).ConfigureAwait(false);
        return bytes is { } b && Counted(TryDecodeStrings(b.Bytes.Span, b.Compressed, field.MaxDefinitionLevel == 1, rows.Span, pool));
    }

    internal bool TryDecode(ReadOnlySpan<byte> chunk, bool compressed, bool nullable, Span<double> rows)
    {
        var values = new DoubleValues(rows);
        return TryDecodePages(chunk, compressed, nullable, rows.Length, ref values);
    }

    internal bool TryDecodeStrings(ReadOnlySpan<byte> chunk, bool compressed, bool nullable, Span<string?> rows, StringPool pool)
    {
        var values = new StringValues(rows, pool);
        return TryDecodePages(chunk, compressed, nullable, rows.Length, ref values);
    }

    private bool Counted(bool decoded)
    {
        if (decoded)
        {
            ChunksDecoded++;
        }

        return decoded;
    }

    /// <summary>The chunk's bytes, or null when its metadata says it is not a shape this decoder reads.</summary>
    private async ValueTask<(ReadOnlyMemory<byte> Bytes, bool Compressed)?> ReadChunkAsync(
        Stream stream, ColumnChunk? chunk, DataField field, global::Parquet.Meta.Type type, int rows, CancellationToken cancellationToken)
    {
        if (chunk is not { MetaData: { } meta } || chunk.CryptoMetadata is not null || chunk.EncryptedColumnMetadata is not null
            || field.MaxRepetitionLevel != 0 || field.MaxDefinitionLevel > 1 || field.IsArray
            || meta.Type != type || meta.NumValues != rows || rows == 0
            || meta.Codec is not (CompressionCodec.SNAPPY or CompressionCodec.UNCOMPRESSED)
            || meta.DictionaryPageOffset is > 0
            || meta.TotalCompressedSize is <= 0 or > MaxChunkBytes
            || meta.DataPageOffset < 4 || !stream.CanSeek || meta.DataPageOffset > stream.Length - meta.TotalCompressedSize)
        {
            return null;
        }

        var offset = meta.DataPageOffset;
        var size = (int)meta.TotalCompressedSize;
        var compressed = meta.Codec == CompressionCodec.SNAPPY;
        if (stream is MemoryStream memory && memory.TryGetBuffer(out var buffer))
        {
            // A downloaded blob is already in memory: read it where it is.
            return (buffer.AsMemory((int)offset, size), compressed);
        }

        Grow(ref _chunk, size);
        stream.Position = offset;
        await stream.ReadExactlyAsync(_chunk.AsMemory(0, size), cancellationToken).ConfigureAwait(false);
        return (_chunk.AsMemory(0, size), compressed);
    }

    private bool TryDecodePages<TValues>(ReadOnlySpan<byte> chunk, bool compressed, bool nullable, int rows, ref TValues values)
        where TValues : IPageValues, allows ref struct
    {
        var done = 0;
        var position = 0;
        while (done < rows)
        {
            if (!PageHeader.TryRead(chunk[position..], out var header, out var headerLength)
                || header.Type != PageTypeData || header.Encoding != EncodingPlain
                || (nullable && header.DefinitionLevelEncoding != EncodingRle)
                || header.Values <= 0 || header.Values > rows - done
                || header.CompressedSize < 0 || header.CompressedSize > chunk.Length - position - headerLength
                || header.UncompressedSize is < 0 or > MaxChunkBytes)
            {
                return false;
            }

            position += headerLength;
            var body = chunk.Slice(position, header.CompressedSize);
            position += header.CompressedSize;
            if (!TryDecompress(body, header.UncompressedSize, compressed, out var page)
                || !TrySplitPage(page, header.Values, nullable, out var levels, out var present, out var data)
                || !values.TryAdd(data, levels, present, done, header.Values))
            {
                return false;
            }

            done += header.Values;
        }

        // Pages past the rows (or bytes that are not a page) mean the chunk is not what its metadata says.
        return position == chunk.Length;
    }

    /// <summary>A page's definition levels (empty for a required column: every row present) and its values.</summary>
    private bool TrySplitPage(ReadOnlySpan<byte> page, int count, bool nullable, out ReadOnlySpan<byte> levels, out int present, out ReadOnlySpan<byte> values)
    {
        levels = default;
        present = count;
        values = page;
        if (!nullable)
        {
            return true;
        }

        if (page.Length < 4 || BinaryPrimitives.ReadInt32LittleEndian(page) is var length && (length < 0 || length > page.Length - 4))
        {
            return false;
        }

        Grow(ref _levels, count);
        var decoded = _levels.AsSpan(0, count);
        if (!TryDecodeLevels(page.Slice(4, length), decoded))
        {
            return false;
        }

        levels = decoded;
        present = decoded.Count((byte)1);
        values = page[(4 + length)..];
        return true;
    }

    private bool TryDecompress(ReadOnlySpan<byte> body, int expected, bool compressed, out ReadOnlySpan<byte> page)
    {
        page = default;
        if (!compressed)
        {
            page = body;
            return body.Length == expected;
        }

        try
        {
            if (Snappier.Snappy.GetUncompressedLength(body) != expected)
            {
                return false;
            }

            Grow(ref _page, expected);
            var written = Snappier.Snappy.Decompress(body, _page);
            page = _page.AsSpan(0, written);
            return written == expected;
        }
        catch (InvalidDataException)
        {
            // Snappier's word for bytes that are not Snappy: Parquet.Net will say which file and why.
            return false;
        }
    }

    private interface IPageValues
    {
        /// <summary>Takes one page's values into rows [start, start + count); levels empty when every row has one.</summary>
        bool TryAdd(ReadOnlySpan<byte> values, ReadOnlySpan<byte> levels, int present, int start, int count);
    }

    private ref struct DoubleValues(Span<double> rows) : IPageValues
    {
        private readonly Span<double> _rows = rows;

        public readonly bool TryAdd(ReadOnlySpan<byte> values, ReadOnlySpan<byte> levels, int present, int start, int count)
        {
            var rows = _rows.Slice(start, count);
            if (values.Length != (long)present * sizeof(double))
            {
                return false;
            }

            if (present == count)
            {
                values.CopyTo(MemoryMarshal.AsBytes(rows));
                return true;
            }

            var packed = MemoryMarshal.Cast<byte, double>(values);
            var next = 0;
            for (var i = 0; i < count; i++)
            {
                rows[i] = levels[i] == 1 ? packed[next++] : double.NaN;
            }

            return true;
        }
    }

    /// <summary>PLAIN byte arrays: a 4-byte little-endian length, then the bytes, for each present value.</summary>
    private ref struct StringValues(Span<string?> rows, StringPool pool) : IPageValues
    {
        private readonly Span<string?> _rows = rows;

        public readonly bool TryAdd(ReadOnlySpan<byte> values, ReadOnlySpan<byte> levels, int present, int start, int count)
        {
            var rows = _rows.Slice(start, count);
            var position = 0;
            for (var i = 0; i < count; i++)
            {
                if (!levels.IsEmpty && levels[i] == 0)
                {
                    rows[i] = null;
                    continue;
                }

                if (values.Length - position < 4 || BinaryPrimitives.ReadInt32LittleEndian(values[position..]) is var length && (length < 0 || length > values.Length - position - 4))
                {
                    return false;
                }

                rows[i] = pool.GetUtf8(values.Slice(position + 4, length));
                position += 4 + length;
            }

            return position == values.Length;
        }
    }

    /// <summary>
    /// The RLE / bit-packed hybrid of a column whose only definition levels are 0 (null) and 1 (present): one bit
    /// each. Declines a run past the end of its bytes, a level above 1, or too few levels for the page's values.
    /// </summary>
    internal static bool TryDecodeLevels(ReadOnlySpan<byte> encoded, Span<byte> levels)
    {
        var position = 0;
        var done = 0;
        while (done < levels.Length)
        {
            if (!TryReadVarint(encoded, ref position, out var header))
            {
                return false;
            }

            if ((header & 1) == 0)
            {
                var run = header >> 1;
                if (run == 0 || position >= encoded.Length || encoded[position] > 1)
                {
                    return false;
                }

                var value = encoded[position++];
                var take = (int)Math.Min(run, (ulong)(levels.Length - done));
                levels.Slice(done, take).Fill(value);
                done += take;
            }
            else
            {
                // Groups of eight one-bit values, least significant bit first; the last group may pad past the page.
                var groups = header >> 1;
                if (groups == 0 || groups > (ulong)(encoded.Length - position))
                {
                    return false;
                }

                var take = (int)Math.Min(groups * 8, (ulong)(levels.Length - done));
                for (var i = 0; i < take; i++)
                {
                    levels[done + i] = (byte)((encoded[position + (i >> 3)] >> (i & 7)) & 1);
                }

                position += (int)groups;
                done += take;
            }
        }

        return true;
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> bytes, ref int position, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= bytes.Length)
            {
                return false;
            }

            var b = bytes[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }
        }

        return false;
    }

    private static void Grow(ref byte[] buffer, int size)
    {
        if (buffer.Length < size)
        {
            buffer = new byte[Math.Max(size, (int)Math.Min(BitOperations.RoundUpToPowerOf2((uint)size), (uint)Array.MaxLength))];
        }
    }

    /// <summary>
    /// The fields of a Parquet v1 data page header (Thrift compact protocol) this decoder needs. Only the fields such a
    /// header has are accepted, each with its own type: a field of another id or type is either a page this decoder
    /// does not read or damage, and Parquet.Net decides which (it reads fields by id, and fails on some that Thrift
    /// would skip).
    /// </summary>
    internal readonly record struct PageHeader(int Type, int UncompressedSize, int CompressedSize, int Values, int Encoding, int DefinitionLevelEncoding)
    {
        private const int Stop = 0;
        private const int True = 1;
        private const int False = 2;
        private const int I32 = 5;
        private const int I64 = 6;
        private const int Binary = 8;
        private const int Struct = 12;

        public static bool TryRead(ReadOnlySpan<byte> bytes, out PageHeader header, out int length)
        {
            header = default;
            length = 0;
            var position = 0;
            int type = -1, uncompressed = -1, compressed = -1, values = -1, encoding = -1, definitions = -1;
            short field = 0;
            while (true)
            {
                if (!TryReadFieldHeader(bytes, ref position, ref field, out var wire))
                {
                    return false;
                }

                if (wire == Stop)
                {
                    break;
                }

                var ok = (field, wire) switch
                {
                    (1, I32) => TryReadI32(bytes, ref position, out type),
                    (2, I32) => TryReadI32(bytes, ref position, out uncompressed),
                    (3, I32) => TryReadI32(bytes, ref position, out compressed),
                    (4, I32) => TryReadI32(bytes, ref position, out _),
                    (5, Struct) => TryReadDataPageHeader(bytes, ref position, out values, out encoding, out definitions),
                    _ => false,
                };
                if (!ok)
                {
                    return false;
                }
            }

            if (type < 0 || uncompressed < 0 || compressed < 0)
            {
                return false;
            }

            header = new PageHeader(type, uncompressed, compressed, values, encoding, definitions);
            length = position;
            return true;
        }

        private static bool TryReadDataPageHeader(ReadOnlySpan<byte> bytes, ref int position, out int values, out int encoding, out int definitions)
        {
            values = encoding = definitions = -1;
            short field = 0;
            while (true)
            {
                if (!TryReadFieldHeader(bytes, ref position, ref field, out var wire))
                {
                    return false;
                }

                if (wire == Stop)
                {
                    return values >= 0 && encoding >= 0 && definitions >= 0;
                }

                var ok = (field, wire) switch
                {
                    (1, I32) => TryReadI32(bytes, ref position, out values),
                    (2, I32) => TryReadI32(bytes, ref position, out encoding),
                    (3, I32) => TryReadI32(bytes, ref position, out definitions),
                    (4, I32) => TryReadI32(bytes, ref position, out _),
                    (5, Struct) => TrySkipStatistics(bytes, ref position),
                    _ => false,
                };
                if (!ok)
                {
                    return false;
                }
            }
        }

        /// <summary>The page's statistics: max, min (binary), null and distinct counts (i64), max_value, min_value
        /// (binary), and whether each bound is exact (bool).</summary>
        private static bool TrySkipStatistics(ReadOnlySpan<byte> bytes, ref int position)
        {
            short field = 0;
            while (true)
            {
                if (!TryReadFieldHeader(bytes, ref position, ref field, out var wire))
                {
                    return false;
                }

                if (wire == Stop)
                {
                    return true;
                }

                var ok = (field, wire) switch
                {
                    (1 or 2 or 5 or 6, Binary) => TrySkipBinary(bytes, ref position),
                    (3 or 4, I64) => TryReadVarint(bytes, ref position, out _),
                    (7 or 8, True or False) => true,
                    _ => false,
                };
                if (!ok)
                {
                    return false;
                }
            }
        }

        private static bool TryReadFieldHeader(ReadOnlySpan<byte> bytes, ref int position, ref short field, out int wire)
        {
            wire = Stop;
            if (position >= bytes.Length)
            {
                return false;
            }

            var b = bytes[position++];
            wire = b & 0x0F;
            if (wire == Stop)
            {
                // A stop is the whole byte 0; a field id beside it is not Thrift.
                return b == 0;
            }

            var delta = b >> 4;
            if (delta != 0)
            {
                field = (short)(field + delta);
                return true;
            }

            if (!TryReadVarint(bytes, ref position, out var raw) || ZigZag(raw) is < short.MinValue or > short.MaxValue)
            {
                return false;
            }

            field = (short)ZigZag(raw);
            return true;
        }

        private static bool TryReadI32(ReadOnlySpan<byte> bytes, ref int position, out int value)
        {
            value = 0;
            if (!TryReadVarint(bytes, ref position, out var raw) || ZigZag(raw) is < int.MinValue or > int.MaxValue)
            {
                return false;
            }

            value = (int)ZigZag(raw);
            return true;
        }

        private static bool TrySkipBinary(ReadOnlySpan<byte> bytes, ref int position)
        {
            if (!TryReadVarint(bytes, ref position, out var length) || length > (ulong)(bytes.Length - position))
            {
                return false;
            }

            position += (int)length;
            return true;
        }

        private static long ZigZag(ulong raw) => (long)(raw >> 1) ^ -(long)(raw & 1);
    }
}
