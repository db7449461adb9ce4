using DriftJobs.Storage.Parquet;
using Parquet.Schema;

namespace DriftJobs.Storage.Tests;

public sealed class ParquetFeatureReaderTests
{
    private static readonly DataField I8 = new DataField<sbyte?>("i8");
    private static readonly DataField U8 = new DataField<byte>("u8");
    private static readonly DataField I16 = new DataField<short?>("i16");
    private static readonly DataField U16 = new DataField<ushort>("u16");
    private static readonly DataField I32 = new DataField<int?>("i32");
    private static readonly DataField U32 = new DataField<uint>("u32");
    private static readonly DataField I64 = new DataField<long?>("i64");
    private static readonly DataField U64 = new DataField<ulong>("u64");
    private static readonly DataField F32 = new DataField<float?>("f32");
    private static readonly DataField F64 = new DataField<double>("f64");
    private static readonly DataField F64N = new DataField<double?>("f64n");
    private static readonly DataField Dec = new DecimalDataField("dec", 10, 2, isNullable: true);
    private static readonly DataField Flag = new DataField<bool?>("flag");
    private static readonly DataField Label = new DataField<string>("label");
    private static readonly DataField When = new DataField<DateTime>("when");
    private static readonly DataField Blob = new DataField<byte[]>("blob");

    // Two row groups of different sizes, nulls at known places.
    private static readonly sbyte?[][] I8Values = [[-128, null, 0, 5, 127], [1, null, -1]];
    private static readonly byte[][] U8Values = [[0, 1, 2, 200, 255], [9, 8, 7]];
    private static readonly short?[][] I16Values = [[-300, 300, null, 0, 1], [null, null, 2]];
    private static readonly ushort[][] U16Values = [[0, 65535, 3, 4, 5], [6, 7, 8]];
    private static readonly int?[][] I32Values = [[1, 2, 3, null, -5], [100000, 0, null]];
    private static readonly uint[][] U32Values = [[0, 4000000000, 1, 2, 3], [4, 5, 6]];
    private static readonly long?[][] I64Values = [[long.MinValue, 9007199254740993, null, 0, 42], [null, -1, 7]];
    private static readonly ulong[][] U64Values = [[ulong.MaxValue, 0, 1, 2, 3], [4, 5, 6]];
    private static readonly float?[][] F32Values = [[0.1f, null, -2.5f, float.MaxValue, 3], [null, 1e-7f, 0]];
    private static readonly double[][] F64Values = [[0.1, -0.0, double.NaN, 1e300, 3], [double.PositiveInfinity, 2.5, -7]];
    private static readonly double?[][] F64NValues = [[null, 1.5, null, 2.5, null], [3.5, null, 4.5]];
    private static readonly decimal?[][] DecValues = [[1.25m, null, -3.50m, 2.00m, 0m], [99999999.99m, null, 0.01m]];
    private static readonly bool?[][] FlagValues = [[true, false, null, true, true], [null, false, true]];
    private static readonly string?[][] LabelValues = [["a", "b", null, "a", "é,\"x\""], ["", null, "b"]];

    [Fact]
    public async Task Numeric_types_become_doubles_and_nulls_become_NaN_across_row_groups()
    {
        var file = await AllTypesFileAsync();
        var reader = new ParquetFeatureReader(new[] { "i8", "u8", "i16", "u16", "i32", "u32", "i64", "u64", "f32", "f64", "f64n", "dec" }.Select(RequestedColumn.Numeric).ToList());
        var sink = new RecordingSink();

        var result = await reader.ReadAsync(file, sink);

        Assert.Equal(8, result.RowsRead);
        Assert.Equal(0, result.RowsSkipped);
        Assert.Empty(result.AbsentColumns);
        Assert.Equal(Flatten(I8Values, v => v), sink.Numeric["i8"]);
        Assert.Equal(Flatten(U8Values, v => (double?)v), sink.Numeric["u8"]);
        Assert.Equal(Flatten(I16Values, v => v), sink.Numeric["i16"]);
        Assert.Equal(Flatten(U16Values, v => (double?)v), sink.Numeric["u16"]);
        Assert.Equal(Flatten(I32Values, v => v), sink.Numeric["i32"]);
        Assert.Equal(Flatten(U32Values, v => (double?)v), sink.Numeric["u32"]);
        Assert.Equal(Flatten(I64Values, v => v), sink.Numeric["i64"]);
        Assert.Equal(Flatten(U64Values, v => (double?)v), sink.Numeric["u64"]);
        Assert.Equal(Flatten(F32Values, v => v), sink.Numeric["f32"]);
        Assert.Equal(Flatten(F64Values, v => (double?)v), sink.Numeric["f64"]);
        Assert.Equal(Flatten(F64NValues, v => v), sink.Numeric["f64n"]);
        Assert.Equal(Flatten(DecValues, v => (double?)v), sink.Numeric["dec"]);

        // One batch per row group per column, never merged or split.
        Assert.Equal(Enumerable.Repeat(new[] { 5, 3 }, 12).SelectMany(x => x).Order(), sink.Batches.Select(b => b.Rows).Order());
    }

    [Fact]
    public async Task Double_columns_keep_their_rows_nulls_and_signs_once_other_models_rows_are_dropped()
    {
        // Two row groups; nulls at both ends and in the middle; other models' rows to drop in both; an int column,
        // which is converted.
        DataField model = new DataField<string>("model_name"), f64n = new DataField<double?>("x"), f64 = new DataField<double>("y"), i32 = new DataField<int?>("n");
        string?[][] models = [["fraud", "churn", "fraud", "fraud", "churn", "fraud"], ["churn", "fraud", "fraud"]];
        double?[][] xs = [[null, 1.5, 2.5, null, 3.5, null], [null, 4.5, -0.0]];
        double[][] ys = [[1, 2, 3, 4, 5, 6], [7, double.NaN, 9]];
        int?[][] ns = [[1, null, 3, 4, 5, null], [7, 8, null]];
        var file = await TestFiles.WriteParquetAsync(
            new ParquetSchema(model, f64n, f64, i32),
            [.. Enumerable.Range(0, 2).Select(g => (Func<global::Parquet.ParquetRowGroupWriter, Task>)(async group =>
            {
                await group.Write(model, models[g]);
                await group.Write(f64n, xs[g]);
                await group.WriteRequired(f64, ys[g]);
                await group.Write(i32, ns[g]);
            }))]);
        ParquetFeatureReader Reader() => new([RequestedColumn.Numeric("x"), RequestedColumn.Numeric("y"), RequestedColumn.Numeric("n")], new ModelFilter("fraud"));
        var lent = new RecordingSink();

        await Reader().ReadAsync(file, lent);

        var fraud = models.SelectMany(m => m).Select(m => m == "fraud").ToArray();
        List<double> Expected<T>(T[][] groups, Func<T, double> convert) => [.. groups.SelectMany(g => g).Where((_, i) => fraud[i]).Select(convert)];
        Assert.Equal(Expected(xs, v => v ?? double.NaN), lent.Numeric["x"]);
        Assert.Equal(Expected(ys, v => v), lent.Numeric["y"]);
        Assert.Equal(Expected(ns, v => v ?? double.NaN), lent.Numeric["n"]);
        Assert.True(double.IsNegative(lent.Numeric["x"][^1]), "-0.0 kept its sign");
        Assert.Equal([("x", 4), ("y", 4), ("n", 4), ("x", 2), ("y", 2), ("n", 2)], lent.Batches);
    }

    [Fact]
    public async Task Strings_and_booleans_are_categorical_with_null_for_missing()
    {
        var file = await AllTypesFileAsync();
        var reader = new ParquetFeatureReader([RequestedColumn.Categorical("label"), RequestedColumn.Categorical("flag")]);
        var sink = new RecordingSink();

        await reader.ReadAsync(file, sink);

        Assert.Equal(LabelValues.SelectMany(x => x), sink.Categorical["label"]);
        Assert.Equal(FlagValues.SelectMany(x => x).Select(b => b is null ? null : b.Value ? "true" : "false"), sink.Categorical["flag"]);
    }

    [Fact]
    public async Task Repeated_categories_share_one_string_instance()
    {
        var file = await AllTypesFileAsync();
        var sink = new RecordingSink();
        await new ParquetFeatureReader([RequestedColumn.Categorical("label")]).ReadAsync(file, sink);

        var labels = sink.Categorical["label"];
        Assert.Same(labels[0], labels[3]);   // "a" twice in row group 1
        Assert.Same(labels[1], labels[7]);   // "b" in both row groups
    }

    [Fact]
    public async Task Numbers_requested_as_categorical_are_invariant_text_without_trailing_zeros()
    {
        var file = await AllTypesFileAsync();
        var reader = new ParquetFeatureReader(new[] { "i32", "i64", "u64", "f32", "f64", "dec", "i8" }.Select(RequestedColumn.Categorical).ToList());
        var sink = new RecordingSink();

        await reader.ReadAsync(file, sink);

        Assert.Equal(["1", "2", "3", null, "-5", "100000", "0", null], sink.Categorical["i32"]);
        Assert.Equal(["-9223372036854775808", "9007199254740993", null, "0", "42", null, "-1", "7"], sink.Categorical["i64"]);
        Assert.Equal("18446744073709551615", sink.Categorical["u64"][0]);
        Assert.Equal(["0.1", null, "-2.5", "3.4028235E+38", "3", null, "1E-07", "0"], sink.Categorical["f32"]);
        Assert.Equal(["0.1", "-0", null, "1E+300", "3", "Infinity", "2.5", "-7"], sink.Categorical["f64"]);
        Assert.Equal(["1.25", null, "-3.5", "2", "0", "99999999.99", null, "0.01"], sink.Categorical["dec"]);
        Assert.Equal(["-128", null, "0", "5", "127", "1", null, "-1"], sink.Categorical["i8"]);
    }

    [Fact]
    public async Task An_absent_column_is_reported_and_the_others_are_still_read()
    {
        var file = await AllTypesFileAsync();
        var reader = new ParquetFeatureReader([RequestedColumn.Numeric("f64n"), RequestedColumn.Numeric("not_there"), RequestedColumn.Categorical("also_missing")]);
        var sink = new RecordingSink();

        var result = await reader.ReadAsync(file, sink);

        Assert.Equal(["not_there", "also_missing"], result.AbsentColumns);
        Assert.Equal(8, result.RowsKept);
        Assert.Equal(8, sink.RowsOf("f64n"));
        Assert.Equal(0, sink.RowsOf("not_there"));
        Assert.DoesNotContain(sink.Batches, b => b.Column is "not_there" or "also_missing");
    }

    [Theory]
    [InlineData("label", true, "categorical")]
    [InlineData("flag", true, "BOOLEAN")]
    [InlineData("when", true, "timestamp")]
    [InlineData("when", false, "timestamp")]
    [InlineData("blob", false, "BYTE_ARRAY")]
    public async Task A_column_of_an_incompatible_type_is_an_error_naming_file_and_column(string column, bool numeric, string described)
    {
        var file = await AllTypesFileAsync();
        var reader = new ParquetFeatureReader([new RequestedColumn(column, numeric ? ColumnKind.Numeric : ColumnKind.Categorical)]);
        var sink = new RecordingSink();

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => reader.ReadAsync(file, sink, "logs/hour=8/part-1.parquet"));

        Assert.Contains("logs/hour=8/part-1.parquet", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{column}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(described, error.Message, StringComparison.Ordinal);
        Assert.Empty(sink.Batches);
    }

    [Fact]
    public async Task Probe_lists_every_column_with_its_kind()
    {
        var file = await AllTypesFileAsync();
        using var stream = new MemoryStream(file);

        var columns = await ParquetFeatureReader.ProbeAsync(stream, "x.parquet");

        Assert.Equal(
            ["i8", "u8", "i16", "u16", "i32", "u32", "i64", "u64", "f32", "f64", "f64n", "dec", "flag", "label", "when", "blob"],
            columns.Select(c => c.Name));
        Assert.All(columns.Take(12), c => Assert.Equal(ColumnKind.Numeric, c.Kind));
        Assert.Equal(ColumnKind.Categorical, columns.Single(c => c.Name == "flag").Kind);
        Assert.Equal(ColumnKind.Categorical, columns.Single(c => c.Name == "label").Kind);
        Assert.Equal(ColumnKind.Unsupported, columns.Single(c => c.Name == "when").Kind);
        Assert.Equal(ColumnKind.Unsupported, columns.Single(c => c.Name == "blob").Kind);
        Assert.Equal("INT64 (DECIMAL(10,2))", columns.Single(c => c.Name == "dec").StoredType);
    }

    [Fact]
    public async Task Garbage_is_an_error_naming_the_file()
    {
        var reader = new ParquetFeatureReader([RequestedColumn.Numeric("x")]);
        var garbage = System.Text.Encoding.UTF8.GetBytes("id,x\n1,2\nthis is a CSV file, not Parquet\n");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => reader.ReadAsync(garbage, new RecordingSink(), "logs/part-0.parquet"));

        Assert.Contains("logs/part-0.parquet", error.Message, StringComparison.Ordinal);
        Assert.Contains("not a readable Parquet file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_file_is_an_error_naming_the_file()
    {
        var reader = new ParquetFeatureReader([RequestedColumn.Numeric("x")]);
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => reader.ReadAsync([], new RecordingSink(), "empty.parquet"));
        Assert.Contains("empty.parquet", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public async Task A_truncated_file_is_an_error_naming_the_file(double keep)
    {
        var file = await AllTypesFileAsync();
        var truncated = file[..(int)(file.Length * keep)];
        var reader = new ParquetFeatureReader([RequestedColumn.Numeric("f64")]);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => reader.ReadAsync(truncated, new RecordingSink(), "cut.parquet"));

        Assert.Contains("cut.parquet", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_corrupt_footer_is_an_error_naming_the_file()
    {
        var file = await AllTypesFileAsync();

        // The footer (Thrift metadata) sits just before the last 8 bytes (footer length + "PAR1").
        for (var i = file.Length - 60; i < file.Length - 8; i++)
        {
            file[i] ^= 0x5A;
        }

        var reader = new ParquetFeatureReader([RequestedColumn.Numeric("f64")]);
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => reader.ReadAsync(file, new RecordingSink(), "bad-footer.parquet"));
        Assert.Contains("bad-footer.parquet", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4, 40)]      // the page header (Thrift) right after the leading "PAR1"
    [InlineData(100, 2000)]  // inside the snappy-compressed page body
    public async Task A_corrupt_data_page_is_an_error_naming_the_file(int from, int to)
    {
        // Compressible values, so the body is real snappy output the decompressor checks. (Damage to raw,
        // incompressible values cannot be detected: pages carry no checksum the library verifies.)
        var field = new DataField<double>("x");
        var values = Enumerable.Range(0, 5000).Select(i => (double)(i % 10)).ToArray();
        var file = await TestFiles.WriteParquetAsync(new ParquetSchema(field), g => g.WriteRequired(field, values));
        var reader = new ParquetFeatureReader([RequestedColumn.Numeric("x")]);
        var intact = new RecordingSink();
        await reader.ReadAsync(file, intact);
        Assert.Equal(values, intact.Numeric["x"]);

        for (var i = from; i < Math.Min(to, file.Length / 2); i++)
        {
            file[i] = (byte)(i * 31);
        }

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => reader.ReadAsync(file, new RecordingSink(), "bad-page.parquet"));
        Assert.Contains("bad-page.parquet", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_exception_from_the_sink_is_not_mistaken_for_a_bad_file()
    {
        var file = await AllTypesFileAsync();
        var reader = new ParquetFeatureReader([RequestedColumn.Numeric("f64")]);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => reader.ReadAsync(file, new ThrowingSink()));

        Assert.Equal("sink failed", error.Message);
    }

    [Fact]
    public async Task A_forward_only_stream_is_buffered_and_read()
    {
        var file = await AllTypesFileAsync();
        using var stream = new ForwardOnlyStream(file);
        var sink = new RecordingSink();

        await new ParquetFeatureReader([RequestedColumn.Numeric("f64n")]).ReadAsync(stream, "forward.parquet", sink);

        Assert.Equal(Flatten(F64NValues, v => v), sink.Numeric["f64n"]);
    }

    [Fact]
    public async Task One_reader_reuses_its_buffers_across_files_of_different_sizes()
    {
        var field = new DataField<double?>("x");
        var label = new DataField<string>("c");
        var big = Enumerable.Range(0, 10_000).Select(i => i % 7 == 0 ? (double?)null : i).ToArray();
        var bigLabels = Enumerable.Range(0, 10_000).Select(i => i % 5 == 0 ? null : "c" + (i % 3)).ToArray();
        var small = new double?[] { 1, null, 3 };
        var smallLabels = new[] { "z", null, "c1" };
        var bigFile = await TestFiles.WriteParquetAsync(new ParquetSchema(field, label), async g => { await g.Write(field, big); await g.Write(label, bigLabels); });
        var smallFile = await TestFiles.WriteParquetAsync(new ParquetSchema(field, label), async g => { await g.Write(field, small); await g.Write(label, smallLabels); });
        var reader = new ParquetFeatureReader([RequestedColumn.Numeric("x"), RequestedColumn.Categorical("c")]);

        var first = new RecordingSink();
        await reader.ReadAsync(bigFile, first);
        var second = new RecordingSink();
        await reader.ReadAsync(smallFile, second);

        Assert.Equal(big.Select(v => v ?? double.NaN), first.Numeric["x"]);
        Assert.Equal(bigLabels, first.Categorical["c"]);
        Assert.Equal([1, double.NaN, 3], second.Numeric["x"]);
        Assert.Equal(smallLabels, second.Categorical["c"]);
    }

    [Fact]
    public async Task Files_read_one_after_another_by_one_reader_are_each_read_whole()
    {
        var x = new DataField<double?>("x");
        var c = new DataField<string>("c");
        var files = new List<(double?[] X, string?[] C, byte[] File)>();
        for (var f = 0; f < 3; f++)
        {
            var xs = Enumerable.Range(0, 50 + f).Select(i => i % 4 == f ? (double?)null : (f * 1000) + i).ToArray();
            var cs = Enumerable.Range(0, 50 + f).Select(i => i % 3 == f ? null : $"k{f}-{i % 5}").ToArray();
            files.Add((xs, cs, await TestFiles.WriteParquetAsync(new ParquetSchema(x, c), async g => { await g.Write(x, xs); await g.Write(c, cs); })));
        }

        var reader = new ParquetFeatureReader([RequestedColumn.Numeric("x"), RequestedColumn.Categorical("c")]);
        foreach (var (xs, cs, file) in files)
        {
            var sink = new RecordingSink();
            await reader.ReadAsync(file, sink);
            Assert.Equal(xs.Select(v => v ?? double.NaN), sink.Numeric["x"]);
            Assert.Equal(cs, sink.Categorical["c"]);
        }
    }

    /// <summary>
    /// A file whose schema differs from the file read before it by the same reader is read by its own schema, in each
    /// respect the reading depends on; and the first schema again after it.
    /// </summary>
    [Theory]
    [InlineData("required")]
    [InlineData("float")]
    [InlineData("decimal scale")]
    [InlineData("columns reordered")]
    [InlineData("column renamed")]
    [InlineData("string")]
    public async Task A_file_whose_schema_differs_from_the_last_ones_is_read_by_its_own(string change)
    {
        var dec = new DecimalDataField("d", 10, 2, isNullable: true);
        var x = new DataField<double?>("x");
        decimal?[] decimals = [1.25m, null, -3.5m];
        double?[] xs = [0.5, null, 2];
        var before = await TestFiles.WriteParquetAsync(new ParquetSchema(dec, x), async g => { await g.Write(dec, decimals); await g.Write(x, xs); });
        var reader = new ParquetFeatureReader([RequestedColumn.Numeric("d"), RequestedColumn.Numeric("x")]);
        var first = new RecordingSink();
        await reader.ReadAsync(before, first);
        Assert.Equal([1.25, double.NaN, -3.5], first.Numeric["d"]);

        var sink = new RecordingSink();
        switch (change)
        {
            case "required":
                var required = new DataField<double>("x");
                await reader.ReadAsync(await TestFiles.WriteParquetAsync(new ParquetSchema(dec, required), async g => { await g.Write(dec, decimals); await g.WriteRequired(required, [7.0, 8, 9]); }), sink);
                Assert.Equal([7.0, 8, 9], sink.Numeric["x"]);
                break;
            case "float":
                var single = new DataField<float?>("x");
                await reader.ReadAsync(await TestFiles.WriteParquetAsync(new ParquetSchema(dec, single), async g => { await g.Write(dec, decimals); await g.Write(single, new float?[] { 0.25f, 1.5f, null }); }), sink);
                Assert.Equal([0.25, 1.5, double.NaN], sink.Numeric["x"]);
                break;
            case "decimal scale":
                var scaled = new DecimalDataField("d", 10, 3, isNullable: true);
                await reader.ReadAsync(await TestFiles.WriteParquetAsync(new ParquetSchema(scaled, x), async g => { await g.Write(scaled, new decimal?[] { 1.125m, 2m, null }); await g.Write(x, xs); }), sink);
                Assert.Equal([1.125, 2, double.NaN], sink.Numeric["d"]);
                break;
            case "columns reordered":
                await reader.ReadAsync(await TestFiles.WriteParquetAsync(new ParquetSchema(x, dec), async g => { await g.Write(x, new double?[] { 4, 5, null }); await g.Write(dec, decimals); }), sink);
                Assert.Equal([4.0, 5, double.NaN], sink.Numeric["x"]);
                Assert.Equal([1.25, double.NaN, -3.5], sink.Numeric["d"]);
                break;
            case "column renamed":
                var renamed = new DataField<double?>("y");
                var result = await reader.ReadAsync(await TestFiles.WriteParquetAsync(new ParquetSchema(dec, renamed), async g => { await g.Write(dec, decimals); await g.Write(renamed, xs); }), sink);
                Assert.Equal(["x"], result.AbsentColumns);
                Assert.False(sink.Numeric.ContainsKey("x"));
                break;
            case "string":
                var text = new DataField<string>("x");
                var file = await TestFiles.WriteParquetAsync(new ParquetSchema(dec, text), async g => { await g.Write(dec, decimals); await g.Write(text, new[] { "a", "b", null }); });
                var error = await Assert.ThrowsAsync<InvalidDataException>(() => reader.ReadAsync(file, sink, "logs/second.parquet"));
                Assert.StartsWith("logs/second.parquet: column 'x'", error.Message, StringComparison.Ordinal);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(change), change, null);
        }

        // And the first schema again, after the other: read as before.
        var again = new RecordingSink();
        await reader.ReadAsync(before, again);
        Assert.Equal(first.Numeric["d"], again.Numeric["d"]);
        Assert.Equal(first.Numeric["x"], again.Numeric["x"]);
    }

    [Fact]
    public void The_schema_comparison_knows_every_field_parquet_net_has()
    {
        static string[] Properties(Type type) =>
            type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance).Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(["ConvertedType", "FieldId", "LogicalType", "Name", "NumChildren", "Precision", "RepetitionType", "Scale", "Type", "TypeLength"], Properties(typeof(global::Parquet.Meta.SchemaElement)));
        Assert.Equal(
            ["BSON", "DATE", "DECIMAL", "ENUM", "FLOAT16", "GEOGRAPHY", "GEOMETRY", "INTEGER", "JSON", "LIST", "MAP", "STRING", "TIME", "TIMESTAMP", "UNKNOWN", "UUID", "VARIANT"],
            Properties(typeof(global::Parquet.Meta.LogicalType)));
        foreach (var parameterless in new[] { typeof(global::Parquet.Meta.StringType), typeof(global::Parquet.Meta.MapType), typeof(global::Parquet.Meta.ListType), typeof(global::Parquet.Meta.EnumType), typeof(global::Parquet.Meta.DateType), typeof(global::Parquet.Meta.NullType), typeof(global::Parquet.Meta.JsonType), typeof(global::Parquet.Meta.BsonType), typeof(global::Parquet.Meta.UUIDType), typeof(global::Parquet.Meta.Float16Type), typeof(global::Parquet.Meta.MilliSeconds), typeof(global::Parquet.Meta.MicroSeconds), typeof(global::Parquet.Meta.NanoSeconds) })
        {
            Assert.Empty(Properties(parameterless));
        }

        Assert.Equal(["Precision", "Scale"], Properties(typeof(global::Parquet.Meta.DecimalType)));
        Assert.Equal(["BitWidth", "IsSigned"], Properties(typeof(global::Parquet.Meta.IntType)));
        Assert.Equal(["IsAdjustedToUTC", "Unit"], Properties(typeof(global::Parquet.Meta.TimeType)));
        Assert.Equal(["IsAdjustedToUTC", "Unit"], Properties(typeof(global::Parquet.Meta.TimestampType)));
        Assert.Equal(["MICROS", "MILLIS", "NANOS"], Properties(typeof(global::Parquet.Meta.TimeUnit)));
    }

    [Fact]
    public void Requested_columns_are_validated()
    {
        Assert.Throws<ArgumentException>(() => new ParquetFeatureReader([RequestedColumn.Numeric("a"), RequestedColumn.Categorical("a")]));
        Assert.Throws<ArgumentException>(() => new ParquetFeatureReader([new RequestedColumn("a", ColumnKind.Unsupported)]));
        Assert.Throws<ArgumentException>(() => new ParquetFeatureReader([RequestedColumn.Numeric("")]));
    }

    internal static async Task<byte[]> AllTypesFileAsync()
    {
        var schema = new ParquetSchema(I8, U8, I16, U16, I32, U32, I64, U64, F32, F64, F64N, Dec, Flag, Label, When, Blob);
        var groups = new Func<global::Parquet.ParquetRowGroupWriter, Task>[2];
        for (var g = 0; g < 2; g++)
        {
            var index = g;
            groups[g] = async group =>
            {
                await group.Write(I8, I8Values[index]);
                await group.WriteRequired(U8, U8Values[index]);
                await group.Write(I16, I16Values[index]);
                await group.WriteRequired(U16, U16Values[index]);
                await group.Write(I32, I32Values[index]);
                await group.WriteRequired(U32, U32Values[index]);
                await group.Write(I64, I64Values[index]);
                await group.WriteRequired(U64, U64Values[index]);
                await group.Write(F32, F32Values[index]);
                await group.WriteRequired(F64, F64Values[index]);
                await group.Write(F64N, F64NValues[index]);
                await group.Write(Dec, DecValues[index]);
                await group.Write(Flag, FlagValues[index]);
                await group.Write(Label, LabelValues[index]);
                var rows = LabelValues[index].Length;
                await group.WriteRequired(When, Enumerable.Repeat(new DateTime(2026, 1, 5, 8, 0, 0, DateTimeKind.Utc), rows).ToArray());
                await group.WriteAsync(Blob, Enumerable.Repeat(new byte[] { 1, 2 }, rows).ToArray());
            };
        }

        return await TestFiles.WriteParquetAsync(schema, groups);
    }

    private static List<double> Flatten<T>(T[][] groups, Func<T, double?> convert) =>
        groups.SelectMany(g => g).Select(v => convert(v) ?? double.NaN).ToList();

    private sealed class ThrowingSink : IColumnBatchSink
    {
        public void AddNumeric(string column, ReadOnlySpan<double> values) => throw new InvalidOperationException("sink failed");

        public void AddCategorical(string column, ReadOnlySpan<string?> values) => throw new InvalidOperationException("sink failed");
    }

    private sealed class ForwardOnlyStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
