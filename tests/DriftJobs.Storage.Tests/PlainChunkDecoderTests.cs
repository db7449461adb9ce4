using DriftJobs.Storage.Parquet;
using DuckDB.NET.Data;
using Parquet;
using Parquet.Schema;

namespace DriftJobs.Storage.Tests;

/// <summary>
/// The detector's own decoder for PLAIN float64 and string chunks, checked value for value (float64 bit for bit) against
/// Parquet.Net's decode and DuckDB's reading of the same files; and that every other shape, or bytes that do not add
/// up, is declined (so Parquet.Net reads it) rather than misread.
/// </summary>
public sealed class PlainChunkDecoderTests
{
    private static readonly DataField Nullable = new DataField<double?>("x");
    private static readonly DataField Required = new DataField<double>("y");

    public static TheoryData<string, int> NullPatterns => new()
    {
        { "none", 10_000 },
        { "all", 10_000 },
        { "alternate", 10_000 },
        { "every 97th", 10_000 },
        { "runs", 25_000 },
        { "random", 10_000 },
        { "random", 1 },
        { "random", 9 },
        { "runs", 1_000_003 },
    };

    [Theory]
    [MemberData(nameof(NullPatterns))]
    public async Task Nullable_column_written_by_Parquet_Net_decodes_as_Parquet_Net_reads_it(string pattern, int rows)
    {
        var values = Values(rows, seed: rows);
        var nulls = Nulls(pattern, rows);
        var column = values.Select((v, i) => nulls[i] ? (double?)null : v).ToArray();
        foreach (var compression in new[] { CompressionMethod.Snappy, CompressionMethod.None })
        {
            var file = await WriteAsync(new ParquetSchema(Nullable), compression, g => g.WriteAsync<double>(Nullable, column.AsMemory()));

            var (decoded, actual) = await DecodeAsync(file, Nullable);

            Assert.True(decoded, $"{pattern}, {compression}: declined");
            AssertSameBits(await ParquetNetAsync(file, Nullable), actual);
            Assert.Equal(column.Select(v => v ?? double.NaN).Select(BitConverter.DoubleToInt64Bits), actual.Select(BitConverter.DoubleToInt64Bits));
        }
    }

    [Theory]
    [MemberData(nameof(NullPatterns))]
    public async Task String_column_written_by_Parquet_Net_decodes_as_Parquet_Net_reads_it(string pattern, int rows)
    {
        var field = new DataField<string>("s", nullable: true);
        var nulls = Nulls(pattern, rows);
        var column = Texts(rows, seed: rows).Select((t, i) => nulls[i] ? null : t).ToArray();
        foreach (var compression in new[] { CompressionMethod.Snappy, CompressionMethod.None })
        {
            var file = await WriteAsync(new ParquetSchema(field), compression, g => g.WriteAsync(field, column));

            var (decoded, actual) = await DecodeStringsAsync(file, field);

            Assert.True(decoded, $"{pattern}, {compression}: declined");
            Assert.Equal(await ParquetNetStringsAsync(file, field), actual);
            Assert.Equal(column, actual);
        }
    }

    [Fact]
    public async Task A_required_string_column_decodes_and_equal_values_share_one_string()
    {
        var field = new DataField<string>("s", nullable: false);
        var column = Texts(20_000, seed: 3);
        var file = await WriteAsync(new ParquetSchema(field), CompressionMethod.Snappy, g => g.WriteAsync(field, column));

        var (decoded, actual) = await DecodeStringsAsync(file, field);

        Assert.True(decoded);
        Assert.Equal(column, actual);
        foreach (var same in actual.Select((v, i) => (Value: v!, Row: i)).GroupBy(v => v.Value, StringComparer.Ordinal))
        {
            Assert.All(same, v => Assert.Same(actual[same.First().Row], v.Value));
        }
    }

    [Fact]
    public async Task Invalid_UTF8_in_a_string_decodes_as_Parquet_Net_decodes_it()
    {
        // Parquet.Net writes valid UTF-8 only: the bytes of "Zé…" are damaged in place in an uncompressed file (the
        // second byte of é, a lone lead byte, a cut three-byte character) so that both readers meet invalid text.
        var field = new DataField<string>("s", nullable: true);
        string?[] column = ["Zéa", null, "ok", "Zéb", "Zéc", "", "Zéa"];
        var file = await WriteAsync(new ParquetSchema(field), CompressionMethod.None, g => g.WriteAsync(field, column));
        var marker = System.Text.Encoding.UTF8.GetBytes("Zé");
        var patched = 0;
        for (var at = file.AsSpan().IndexOf(marker); at >= 0; at = file.AsSpan().IndexOf(marker))
        {
            file[at] = 0x59;
            file[at + 2] = file[at + 3] switch { (byte)'a' => 0x28, (byte)'b' => 0xE6, _ => 0x80 };
            patched++;
        }

        Assert.True(patched >= 4, $"{patched} occurrence(s) patched");
        var (decoded, actual) = await DecodeStringsAsync(file, field);

        Assert.True(decoded);
        var expected = await ParquetNetStringsAsync(file, field);
        Assert.Equal(expected, actual);
        Assert.Contains(actual, v => v is not null && v.Contains('\uFFFD', StringComparison.Ordinal));
    }

    [Fact]
    public async Task Required_column_and_several_row_groups_decode_as_Parquet_Net_reads_them()
    {
        var sizes = new[] { 1, 7, 20_000, 3 };
        var groups = sizes.Select((n, i) => Values(n, seed: 100 + i)).ToArray();
        var file = await WriteAsync(
            new ParquetSchema(Required),
            CompressionMethod.Snappy,
            groups.Select(values => (Func<ParquetRowGroupWriter, Task>)(g => g.WriteAsync<double>(Required, (ReadOnlyMemory<double>)values.AsMemory()))).ToArray());

        await using var reader = await ParquetReader.CreateAsync(new MemoryStream(file));
        var decoder = new PlainChunkDecoder();
        for (var index = 0; index < sizes.Length; index++)
        {
            using var group = reader.OpenRowGroupReader(index);
            var actual = new double[sizes[index]];
            Assert.True(await decoder.TryReadDoublesAsync(new MemoryStream(file), group.GetMetadata(Required), Required, actual), $"row group {index} declined");
            AssertSameBits(groups[index], actual);
        }
    }

    [Fact]
    public async Task A_file_read_through_a_stream_decodes_as_one_held_in_memory()
    {
        var values = Values(5000, seed: 7).Select((v, i) => i % 3 == 0 ? (double?)null : v).ToArray();
        var file = await WriteAsync(new ParquetSchema(Nullable), CompressionMethod.Snappy, g => g.WriteAsync<double>(Nullable, values.AsMemory()));
        var path = Path.Combine(TestFiles.TempFolder().FullName, "x.parquet");
        await File.WriteAllBytesAsync(path, file);

        await using var stream = new InlineReadFileStream(path);
        await using var reader = await ParquetReader.CreateAsync(stream, leaveStreamOpen: true);
        using var group = reader.OpenRowGroupReader(0);
        var actual = new double[values.Length];

        Assert.True(await new PlainChunkDecoder().TryReadDoublesAsync(stream, group.GetMetadata(Nullable), Nullable, actual));
        AssertSameBits(await ParquetNetAsync(file, Nullable), actual);
        File.Delete(path);
    }

    [Fact]
    public async Task DuckDB_PLAIN_snappy_pages_decode_as_DuckDB_reads_them_and_its_other_shapes_are_declined()
    {
        var folder = TestFiles.TempFolder().FullName;
        var plain = Path.Combine(folder, "plain.parquet").Replace("'", "''", StringComparison.Ordinal);
        var uncompressed = Path.Combine(folder, "uncompressed.parquet").Replace("'", "''", StringComparison.Ordinal);
        var zstd = Path.Combine(folder, "zstd.parquet").Replace("'", "''", StringComparison.Ordinal);
        var v2 = Path.Combine(folder, "v2.parquet").Replace("'", "''", StringComparison.Ordinal);
        using var duck = TestFiles.DuckDb($"""
            CREATE TABLE t AS
            SELECT i AS id,
                CASE WHEN i % 13 = 0 OR (i BETWEEN 5000 AND 5999) THEN NULL ELSE sin(i) * 1e6 + i / 7.0 END::DOUBLE AS x,
                (i % 5)::DOUBLE AS low
            FROM range(0, 300000) r(i);
            COPY (SELECT * FROM t ORDER BY id) TO '{plain}' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 250000);
            COPY (SELECT * FROM t ORDER BY id) TO '{uncompressed}' (FORMAT parquet, COMPRESSION uncompressed, ROW_GROUP_SIZE 100000);
            COPY (SELECT * FROM t ORDER BY id) TO '{zstd}' (FORMAT parquet, COMPRESSION zstd);
            COPY (SELECT * FROM t ORDER BY id) TO '{v2}' (FORMAT parquet, COMPRESSION snappy, PARQUET_VERSION v2);
            """);
        var expected = duck.Query("SELECT x FROM t ORDER BY id").Select(r => r[0] is double d ? d : double.NaN).ToArray();

        foreach (var (file, decodes) in new[] { (plain, true), (uncompressed, true), (zstd, false), (v2, false) })
        {
            var bytes = await File.ReadAllBytesAsync(file);
            await using var reader = await ParquetReader.CreateAsync(new MemoryStream(bytes));
            var x = reader.Schema.DataFields.Single(f => f.Name == "x");
            var low = reader.Schema.DataFields.Single(f => f.Name == "low");
            var decoder = new PlainChunkDecoder();
            var actual = new List<double>();
            for (var index = 0; index < reader.RowGroupCount; index++)
            {
                using var group = reader.OpenRowGroupReader(index);
                var rows = new double[group.RowCount];
                Assert.Equal(decodes, await decoder.TryReadDoublesAsync(new MemoryStream(bytes), group.GetMetadata(x), x, rows));
                actual.AddRange(rows);

                // DuckDB dictionary-encodes a column of five values: not this decoder's shape.
                Assert.False(await decoder.TryReadDoublesAsync(new MemoryStream(bytes), group.GetMetadata(low), low, new double[group.RowCount]));
            }

            if (decodes)
            {
                AssertSameBits(expected, actual.ToArray());
            }
        }

        // Declined after its bytes were read (v2 pages are only recognised in their header): the reader's Parquet.Net
        // path, which reads from the same stream, still reads the column right.
        var reader2 = new ParquetFeatureReader([RequestedColumn.Numeric("x")]);
        var sink = new RecordingSink();
        await reader2.ReadAsync(await File.ReadAllBytesAsync(v2), sink);
        Assert.Equal(0, reader2.ChunksDecodedDirectly);
        AssertSameBits(expected, sink.Numeric["x"].ToArray());

        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void A_chunk_of_several_pages_is_decoded_page_by_page()
    {
        // Neither Parquet.Net nor DuckDB (below 100 MB) splits a column chunk into pages, other writers do: two pages
        // built here, the first all present (one run), the second with nulls (one bit-packed group).
        var first = new[] { 1.5, -2.25, double.MaxValue, 0.0 };
        var second = new[] { 10.0, 11.0, 12.0, 13.0, 14.0 };
        byte[] chunk = [.. Page(4, [0x08, 0x01], first), .. Page(8, [0x03, 0b1100_1101], second)];
        double[] expected = [.. first, 10.0, double.NaN, 11.0, 12.0, double.NaN, double.NaN, 13.0, 14.0];

        var rows = new double[12];
        Assert.True(new PlainChunkDecoder().TryDecode(chunk, compressed: true, nullable: true, rows));
        AssertSameBits(expected, rows);

        // One value short of the rows the pages promise, or a byte left after the last page: declined.
        Assert.False(new PlainChunkDecoder().TryDecode(chunk, compressed: true, nullable: true, new double[13]));
        Assert.False(new PlainChunkDecoder().TryDecode([.. chunk, 0], compressed: true, nullable: true, rows));
        Assert.False(new PlainChunkDecoder().TryDecode(chunk, compressed: true, nullable: true, new double[11]));
    }

    /// <summary>A v1 data page as a writer lays it out: Thrift compact header, then Snappy of (levels length, RLE
    /// levels, PLAIN values).</summary>
    private static byte[] Page(int count, byte[] levels, double[] values)
    {
        byte[] body = [.. BitConverter.GetBytes(levels.Length), .. levels, .. values.SelectMany(BitConverter.GetBytes)];
        var compressed = Snappier.Snappy.CompressToArray(body);
        byte[] header =
        [
            0x15, .. Varint(0), 0x15, .. Varint(body.Length * 2), 0x15, .. Varint(compressed.Length * 2),
            0x2C, 0x15, .. Varint(count * 2), 0x15, .. Varint(0), 0x15, .. Varint(3 * 2), 0x15, .. Varint(3 * 2), 0x00,
            0x00,
        ];
        return [.. header, .. compressed];
    }

    private static byte[] Varint(int value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);
        return [.. bytes];
    }

    [Fact]
    public async Task Other_types_and_a_row_count_that_disagrees_are_declined()
    {
        var single = new DataField<float?>("f");
        var file = await WriteAsync(
            new ParquetSchema(Nullable, single),
            CompressionMethod.Snappy,
            async g =>
            {
                await g.WriteAsync<double>(Nullable, new double?[] { 1, 2, 3 }.AsMemory());
                await g.WriteAsync<float>(single, new float?[] { 1, 2, 3 }.AsMemory());
            });
        await using var reader = await ParquetReader.CreateAsync(new MemoryStream(file));
        using var group = reader.OpenRowGroupReader(0);
        var decoder = new PlainChunkDecoder();
        var fields = reader.Schema.DataFields;

        Assert.False(await decoder.TryReadDoublesAsync(new MemoryStream(file), group.GetMetadata(fields[1]), fields[1], new double[3]));
        Assert.False(await decoder.TryReadDoublesAsync(new MemoryStream(file), group.GetMetadata(fields[0]), fields[0], new double[4]));
        Assert.False(await decoder.TryReadDoublesAsync(new MemoryStream(file), null, fields[0], new double[3]));
        Assert.True(await decoder.TryReadDoublesAsync(new MemoryStream(file), group.GetMetadata(fields[0]), fields[0], new double[3]));
    }

    [Theory]
    [InlineData(5, "Snappy")]
    [InlineData(0, "None")]
    public async Task Damaged_bytes_anywhere_in_a_chunk_are_declined_or_decoded_as_Parquet_Net_decodes_them_never_thrown(int nullEvery, string compression)
    {
        var values = Values(3000, seed: 11).Select((v, i) => nullEvery > 0 && i % nullEvery == 0 ? (double?)null : v).ToArray();
        var file = await WriteAsync(new ParquetSchema(Nullable), Enum.Parse<CompressionMethod>(compression), g => g.WriteAsync<double>(Nullable, values.AsMemory()));

        // (Run here once over 600 bytes and 2,000 more, every value: no difference.)
        await AssertDamageDeclinedOrReadAsParquetNetAsync(
            file, Nullable, headerBytes: 90, samples: 150, seed: 5,
            async (damaged, chunk, decoder) =>
            {
                var actual = new double[values.Length];
                return (await decoder.TryReadDoublesAsync(new MemoryStream(damaged), chunk, Nullable, actual), actual);
            },
            damaged => ParquetNetAsync(damaged, Nullable),
            AssertSameBits);
    }

    [Fact]
    public async Task Damaged_bytes_in_a_string_chunk_are_declined_or_decoded_as_Parquet_Net_decodes_them_never_thrown()
    {
        var field = new DataField<string>("s", nullable: true);
        var column = Texts(2000, seed: 9).Select((t, i) => i % 4 == 0 ? null : t).ToArray();
        var file = await WriteAsync(new ParquetSchema(field), CompressionMethod.None, g => g.WriteAsync(field, column));

        // (Run here once over 200 bytes and 3,000 more, 16 values each: no difference.)
        await AssertDamageDeclinedOrReadAsParquetNetAsync(
            file, field, headerBytes: 40, samples: 300, seed: 6,
            async (damaged, chunk, _) =>
            {
                var actual = new string?[column.Length];
                return (await new PlainChunkDecoder().TryReadStringsAsync(new MemoryStream(damaged), chunk, field, actual, new StringPool()), actual);
            },
            damaged => ParquetNetStringsAsync(damaged, field),
            (expected, actual) => Assert.Equal(expected, actual));
    }

    /// <summary>
    /// Damages the chunk of <paramref name="field"/> one byte at a time: every value of its first
    /// <paramref name="headerBytes"/> bytes (page header, sizes, levels), and four values at <paramref name="samples"/>
    /// places in the rest. Each damaged file must be declined, or decoded exactly as Parquet.Net reads it; never
    /// thrown. Some damage must be declined.
    /// </summary>
    private static async Task AssertDamageDeclinedOrReadAsParquetNetAsync<T>(
        byte[] file,
        DataField field,
        int headerBytes,
        int samples,
        int seed,
        Func<byte[], global::Parquet.Meta.ColumnChunk, PlainChunkDecoder, Task<(bool Decoded, T[] Values)>> decode,
        Func<byte[], Task<T[]>> parquetNet,
        Action<T[], T[]> assertSame)
    {
        global::Parquet.Meta.ColumnChunk chunk;
        await using (var reader = await ParquetReader.CreateAsync(new MemoryStream(file)))
        using (var group = reader.OpenRowGroupReader(0))
        {
            chunk = group.GetMetadata(field)!;
        }

        var start = (int)chunk.MetaData!.DataPageOffset;
        var size = (int)chunk.MetaData.TotalCompressedSize;
        var random = new Random(seed);
        var decoder = new PlainChunkDecoder();
        var declined = 0;
        var damage = Enumerable.Range(start, headerBytes).SelectMany(p => Enumerable.Range(0, 256).Select(v => (Position: p, Value: (byte)v)))
            .Concat(Enumerable.Range(0, samples).Select(_ => random.Next(start, start + size))
                .SelectMany(p => new[] { (p, (byte)0), (p, (byte)0xFF), (p, (byte)(file[p] ^ 0x10)), (p, (byte)(file[p] ^ 0x40)) }));
        foreach (var (position, value) in damage)
        {
            var damaged = (byte[])file.Clone();
            damaged[position] = value;
            var (decoded, actual) = await decode(damaged, chunk, decoder);
            if (!decoded)
            {
                declined++;
                continue;
            }

            T[] reference;
            try
            {
                reference = await parquetNet(damaged);
            }
            catch (Exception e)
            {
                Assert.Fail($"byte {position} set to {value:X2}: decoded, but Parquet.Net says {e.GetType().Name}: {e.Message}");
                throw;
            }

            assertSame(reference, actual);
        }

        Assert.True(declined > 0, "no damage was declined");
    }

    [Fact]
    public void Page_header_cut_short_anywhere_is_declined()
    {
        // type DATA_PAGE, sizes 800/800, data_page_header { num_values 100, PLAIN, RLE, RLE, statistics { max, min } }.
        byte[] header =
        [
            0x15, 0x00, 0x15, 0xC0, 0x0C, 0x15, 0xC0, 0x0C, 0x2C, 0x15, 0xC8, 0x01, 0x15, 0x00, 0x15, 0x06, 0x15, 0x06,
            0x1C, 0x18, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x18, 0x08, 8, 7, 6, 5, 4, 3, 2, 1, 0x00, 0x00, 0x00,
        ];
        Assert.True(PlainChunkDecoder.PageHeader.TryRead(header, out var read, out var length));
        Assert.Equal(new PlainChunkDecoder.PageHeader(0, 800, 800, 100, 0, 3), read);
        Assert.Equal(header.Length, length);
        for (var cut = 0; cut < header.Length; cut++)
        {
            Assert.False(PlainChunkDecoder.PageHeader.TryRead(header.AsSpan(0, cut), out _, out _), $"cut at {cut}");
        }
    }

    public static TheoryData<byte[], int, byte[]> Levels => new()
    {
        // A run of five 1s.
        { [0x0A, 0x01], 5, [1, 1, 1, 1, 1] },
        // One bit-packed group, least significant bit first.
        { [0x03, 0b1011_0001], 8, [1, 0, 0, 0, 1, 1, 0, 1] },
        // A run, then a group padded past the last level.
        { [0x06, 0x01, 0x03, 0b0000_0101], 6, [1, 1, 1, 1, 0, 1] },
        // A run of 300 zeros (a two-byte count), cut to the 4 levels asked for.
        { [0xD8, 0x04, 0x00], 4, [0, 0, 0, 0] },
        // Two groups.
        { [0x05, 0xFF, 0x00], 10, [1, 1, 1, 1, 1, 1, 1, 1, 0, 0] },
    };

    [Theory]
    [MemberData(nameof(Levels))]
    public void Definition_levels_decode_from_runs_and_bit_packed_groups(byte[] encoded, int count, byte[] expected)
    {
        var levels = new byte[count];
        Assert.True(PlainChunkDecoder.TryDecodeLevels(encoded, levels));
        Assert.Equal(expected, levels);
    }

    public static TheoryData<byte[], int> BadLevels => new()
    {
        { [], 1 },
        { [0x0A, 0x02], 5 },
        { [0x00, 0x01], 1 },
        { [0x0A], 5 },
        { [0x05, 0xFF], 10 },
        { [0x80], 1 },
        { [0x0A, 0x01], 6 },
    };

    [Theory]
    [MemberData(nameof(BadLevels))]
    public void Definition_levels_that_do_not_add_up_are_declined(byte[] encoded, int count) =>
        Assert.False(PlainChunkDecoder.TryDecodeLevels(encoded, new byte[count]));

    private static async Task<(bool Decoded, double[] Values)> DecodeAsync(byte[] file, DataField field)
    {
        await using var reader = await ParquetReader.CreateAsync(new MemoryStream(file));
        using var group = reader.OpenRowGroupReader(0);
        var values = new double[group.RowCount];
        var decoded = await new PlainChunkDecoder().TryReadDoublesAsync(new MemoryStream(file), group.GetMetadata(field), field, values);
        return (decoded, values);
    }

    private static async Task<(bool Decoded, string?[] Values)> DecodeStringsAsync(byte[] file, DataField field)
    {
        await using var reader = await ParquetReader.CreateAsync(new MemoryStream(file));
        using var group = reader.OpenRowGroupReader(0);
        var values = new string?[group.RowCount];
        var decoded = await new PlainChunkDecoder().TryReadStringsAsync(new MemoryStream(file), group.GetMetadata(field), field, values, new StringPool());
        return (decoded, values);
    }

    private static async Task<string?[]> ParquetNetStringsAsync(byte[] file, DataField field)
    {
        await using var reader = await ParquetReader.CreateAsync(new MemoryStream(file));
        using var group = reader.OpenRowGroupReader(0);
        var values = new string?[group.RowCount];
        await group.ReadAsync(field, values.AsMemory()!);
        return values;
    }

    /// <summary>Categories that repeat, the empty string, non-ASCII text (two-, three- and four-byte characters) and
    /// values longer than the pool's first decoding buffer.</summary>
    private static string[] Texts(int rows, int seed)
    {
        var random = new Random(seed);
        string[] categories = ["DE", "FR", "", "São Paulo", "東京", "🙂 ok", new string('x', 300) + "é"];
        return Enumerable.Range(0, rows)
            .Select(i => i % 11 == 5 ? $"id-{random.Next()}" : categories[random.Next(categories.Length)])
            .ToArray();
    }

    /// <summary>Parquet.Net's reading of the first row group, one value per row, NaN for none.</summary>
    private static async Task<double[]> ParquetNetAsync(byte[] file, DataField field)
    {
        await using var reader = await ParquetReader.CreateAsync(new MemoryStream(file));
        using var group = reader.OpenRowGroupReader(0);
        var values = new double?[group.RowCount];
        await group.ReadAsync<double>(field, values.AsMemory());
        return values.Select(v => v ?? double.NaN).ToArray();
    }

    private static async Task<byte[]> WriteAsync(ParquetSchema schema, CompressionMethod compression, params Func<ParquetRowGroupWriter, Task>[] groups)
    {
        using var output = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(schema, output, new ParquetOptions { CompressionMethod = compression }))
        {
            foreach (var write in groups)
            {
                using var group = writer.CreateRowGroup();
                await write(group);
            }
        }

        return output.ToArray();
    }

    /// <summary>Ordinary values and the ones a byte-level decoder could get wrong: NaN payloads, signed zeros,
    /// infinities, subnormals, extremes.</summary>
    private static double[] Values(int rows, int seed)
    {
        var random = new Random(seed);
        double[] special = [double.NaN, -0.0, 0.0, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, -double.Epsilon, double.MaxValue, double.MinValue, BitConverter.Int64BitsToDouble(0x7FF0_0000_0000_0001)];
        return Enumerable.Range(0, rows)
            .Select(i => i % 17 == 3 ? special[i / 17 % special.Length] : (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-8, 9)))
            .ToArray();
    }

    private static bool[] Nulls(string pattern, int rows)
    {
        var random = new Random(rows);
        var nulls = new bool[rows];
        var inRun = false;
        for (var i = 0; i < rows; i++)
        {
            if (pattern == "runs" && random.Next(40) == 0)
            {
                inRun = !inRun;
            }

            nulls[i] = pattern switch
            {
                "none" => false,
                "all" => true,
                "alternate" => i % 2 == 1,
                "every 97th" => i % 97 == 0,
                "runs" => inRun,
                "random" => random.Next(3) == 0,
                _ => throw new ArgumentOutOfRangeException(nameof(pattern)),
            };
        }

        return nulls;
    }

    private static void AssertSameBits(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            if (BitConverter.DoubleToInt64Bits(expected[i]) != BitConverter.DoubleToInt64Bits(actual[i]))
            {
                Assert.Fail($"row {i}: expected {expected[i]:R} ({BitConverter.DoubleToInt64Bits(expected[i]):X16}), got {actual[i]:R} ({BitConverter.DoubleToInt64Bits(actual[i]):X16})");
            }
        }
    }
}
