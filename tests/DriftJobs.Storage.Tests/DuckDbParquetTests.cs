using DriftJobs.Storage.Blobs;
using DriftJobs.Storage.Parquet;
using DriftJobs.Testing;
using DuckDB.NET.Data;
using Parquet;
using Parquet.Schema;

namespace DriftJobs.Storage.Tests;

/// <summary>
/// Parquet as DuckDB (and so Spark-like tools) writes it: hive partitions without zero padding, dictionary-encoded
/// strings, nullable columns, zstd pages, several row groups per file.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DuckDbParquetTests : IDisposable
{
    private const int Rows = 9000;

    private static readonly string[] NumericColumns = ["id", "x", "cnt", "amount", "big", "small", "tiny", "code", "f"];
    private static readonly string[] CategoricalColumns = ["flag", "cat", "model_name", "model_version"];

    private readonly AzuriteFixture _azurite;
    private readonly DirectoryInfo _folder = TestFiles.TempFolder();
    private readonly DuckDBConnection _duck;

    public DuckDbParquetTests(AzuriteFixture azurite)
    {
        _azurite = azurite;
        var output = Path.Combine(_folder.FullName, "logs").Replace("'", "''", StringComparison.Ordinal);
        _duck = TestFiles.DuckDb($"""
            CREATE TABLE logs AS
            SELECT i AS id,
                CASE WHEN i % 7 = 0 THEN NULL ELSE i * 0.5 END::DOUBLE AS x,
                (i % 13)::INTEGER AS cnt,
                (i * 0.125)::DECIMAL(12,3) AS amount,
                CASE WHEN i % 5 = 0 THEN NULL ELSE i % 2 = 0 END AS flag,
                CASE WHEN i % 11 = 0 THEN NULL ELSE 'cat_' || (i % 4) END AS cat,
                (i * 1000003)::BIGINT AS big,
                (i % 300)::SMALLINT AS small,
                (i % 100)::TINYINT AS tiny,
                (i % 5)::UTINYINT AS code,
                (i / 3.0)::FLOAT AS f,
                CASE WHEN i % 3 = 0 THEN 'fraud' WHEN i % 3 = 1 THEN 'churn' ELSE NULL END AS model_name,
                'v' || (i % 2 + 1) AS model_version,
                TIMESTAMP '2026-01-05 07:00:00' + INTERVAL (i % 3) HOUR AS ts,
                [i, i + 1] AS arr,
                struct_pack(a := i) AS st,
                2026 AS year, 1 AS month, 5 AS day, 7 + (i % 3) AS hour
            FROM range(0, {Rows}) r(i);
            COPY logs TO '{output}' (FORMAT parquet, PARTITION_BY (year, month, day, hour), COMPRESSION zstd, ROW_GROUP_SIZE 2048);
            """);
    }

    private string LogsFolder => Path.Combine(_folder.FullName, "logs");

    [Fact]
    public async Task DuckDB_writes_unpadded_partitions_with_dictionary_strings_zstd_and_several_row_groups()
    {
        // Guards the fixture itself: the other tests only prove something if the files really look like this.
        var files = Files();
        Assert.Equal(
            ["year=2026/month=1/day=5/hour=7", "year=2026/month=1/day=5/hour=8", "year=2026/month=1/day=5/hour=9"],
            files.Select(f => Path.GetRelativePath(LogsFolder, Path.GetDirectoryName(f)!).Replace('\\', '/')));

        await using var reader = await ParquetReader.CreateAsync(files[0]);
        Assert.True(reader.RowGroupCount > 1, $"expected several row groups, got {reader.RowGroupCount}");
        var cat = reader.Schema.DataFields.Single(f => f.Name == "cat");
        var chunk = reader.OpenRowGroupReader(0).GetMetadata(cat)!.MetaData!;
        Assert.Contains(chunk.Encodings, e => e is global::Parquet.Meta.Encoding.RLE_DICTIONARY or global::Parquet.Meta.Encoding.PLAIN_DICTIONARY);
        Assert.Equal(global::Parquet.Meta.CompressionCodec.ZSTD, chunk.Codec);
        Assert.True(cat.IsNullable);
        Assert.DoesNotContain(reader.Schema.Fields, f => f.Name == "hour");
    }

    [Fact]
    public async Task Every_value_read_matches_what_DuckDB_wrote()
    {
        var reader = new ParquetFeatureReader(
            NumericColumns.Select(RequestedColumn.Numeric).Concat(CategoricalColumns.Select(RequestedColumn.Categorical)).ToList());
        var actual = new Dictionary<long, (double[] Numbers, string?[] Labels)>();
        long rowsRead = 0;
        foreach (var file in Files())
        {
            var sink = new RecordingSink();
            await using (var stream = File.OpenRead(file))
            {
                var result = await reader.ReadAsync(stream, file, sink);
                rowsRead += result.RowsRead;
                Assert.Empty(result.AbsentColumns);
            }

            var ids = sink.Numeric["id"];
            for (var row = 0; row < ids.Count; row++)
            {
                actual.Add((long)ids[row], (
                    NumericColumns.Select(c => sink.Numeric[c][row]).ToArray(),
                    CategoricalColumns.Select(c => sink.Categorical[c][row]).ToArray()));
            }
        }

        var expected = _duck.Query(
            "SELECT id, x, cnt, amount, big, small, tiny, code, f, flag, cat, model_name, model_version FROM logs ORDER BY id");
        Assert.Equal(Rows, rowsRead);
        Assert.Equal(Rows, actual.Count);
        foreach (var row in expected)
        {
            var (numbers, labels) = actual[Convert.ToInt64(row[0], System.Globalization.CultureInfo.InvariantCulture)];
            for (var c = 0; c < NumericColumns.Length; c++)
            {
                Assert.Equal(ToDouble(row[c]), numbers[c]);
            }

            Assert.Equal(row[9] is bool flag ? (flag ? "true" : "false") : null, labels[0]);
            Assert.Equal((string?)row[10], labels[1]);
            Assert.Equal((string?)row[11], labels[2]);
            Assert.Equal((string?)row[12], labels[3]);
        }
    }

    [Fact]
    public async Task The_model_filter_keeps_only_the_named_model_and_version()
    {
        var byName = await ReadIdsAsync(new ModelFilter("fraud"));
        var byVersion = await ReadIdsAsync(new ModelFilter("fraud", "v2"));

        Assert.Equal(IdsWhere("model_name = 'fraud'"), byName.Ids);
        Assert.Equal(Rows, byName.RowsRead);
        Assert.Equal(Rows - byName.Ids.Count, byName.RowsSkipped);
        Assert.Equal(IdsWhere("model_name = 'fraud' AND model_version = 'v2'"), byVersion.Ids);
        Assert.Equal(Rows - byVersion.Ids.Count, byVersion.RowsSkipped);
        Assert.NotEmpty(byVersion.Ids);
    }

    [Theory]
    [InlineData("arr", "list")]
    [InlineData("st", "struct")]
    [InlineData("ts", "timestamp")]
    public async Task Nested_and_timestamp_columns_are_errors_naming_file_and_column(string column, string described)
    {
        var file = Files()[0];
        var reader = new ParquetFeatureReader([RequestedColumn.Categorical(column)]);
        await using var stream = File.OpenRead(file);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => reader.ReadAsync(stream, file, new RecordingSink()));

        Assert.Contains(file, error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{column}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(described, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_reports_DuckDB_types()
    {
        await using var stream = File.OpenRead(Files()[0]);
        var kinds = (await ParquetFeatureReader.ProbeAsync(stream, "x.parquet")).ToDictionary(c => c.Name, c => c.Kind);

        Assert.All(NumericColumns, c => Assert.Equal(ColumnKind.Numeric, kinds[c]));
        Assert.All(CategoricalColumns, c => Assert.Equal(ColumnKind.Categorical, kinds[c]));
        Assert.Equal(ColumnKind.Unsupported, kinds["ts"]);
        Assert.Equal(ColumnKind.Unsupported, kinds["arr"]);
        Assert.Equal(ColumnKind.Unsupported, kinds["st"]);
    }

    [Fact]
    public async Task Logs_in_Azurite_are_listed_for_the_window_opened_and_read_end_to_end()
    {
        var container = await _azurite.CreateContainerAsync();
        foreach (var file in Files())
        {
            var name = "inference-logs/" + Path.GetRelativePath(LogsFolder, file).Replace('\\', '/');
            await container.UploadBlobAsync(name, BinaryData.FromBytes(await File.ReadAllBytesAsync(file)));
        }

        // Hours 08 and 09 only: the window end is exclusive and hour 07 is before it.
        var blobs = await InferenceLogWindow.ListAsync(container, new StorageLayout(), new DateTimeOffset(2026, 1, 5, 10, 0, 0, TimeSpan.Zero), 2);
        Assert.Equal(2, blobs.Count);

        var reader = new ParquetFeatureReader([RequestedColumn.Numeric("id")], new ModelFilter("churn"));
        var downloaded = new List<long>();
        var streamed = new List<long>();
        foreach (var blob in blobs)
        {
            // Once downloaded whole, once through the lazily buffered stream used for large blobs.
            foreach (var (size, ids) in new[] { ((long?)blob.Size, downloaded), (null, streamed) })
            {
                await using var stream = await BlobReads.OpenSeekableAsync(container.GetBlobClient(blob.Name), size, blob.ETag);
                var sink = new RecordingSink();
                await reader.ReadAsync(stream, blob.Name, sink);
                ids.AddRange(sink.Numeric.GetValueOrDefault("id")?.Select(v => (long)v) ?? []);
            }
        }

        var expected = IdsWhere("model_name = 'churn' AND hour IN (8, 9)");
        Assert.NotEmpty(expected);
        Assert.Equal(expected, downloaded.Order().ToList());
        Assert.Equal(expected, streamed.Order().ToList());
    }

    [Fact]
    public async Task A_blob_rewritten_after_listing_is_not_read()
    {
        var container = await _azurite.CreateContainerAsync();
        var name = "inference-logs/year=2026/month=1/day=5/hour=8/data_0.parquet";
        await container.UploadBlobAsync(name, BinaryData.FromBytes(await File.ReadAllBytesAsync(Files()[1])));
        var listed = (await InferenceLogWindow.ListAsync(container, new StorageLayout(), new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero), 1)).Single();
        await container.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(await File.ReadAllBytesAsync(Files()[2])), overwrite: true);

        var error = await Assert.ThrowsAsync<IOException>(() => BlobReads.OpenSeekableAsync(container.GetBlobClient(name), listed.Size, listed.ETag));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _duck.Dispose();
        _folder.Delete(recursive: true);
    }

    private async Task<(List<long> Ids, long RowsRead, long RowsSkipped)> ReadIdsAsync(ModelFilter filter)
    {
        var reader = new ParquetFeatureReader([RequestedColumn.Numeric("id"), RequestedColumn.Categorical("model_name")], filter);
        var ids = new List<long>();
        long read = 0;
        long skipped = 0;
        foreach (var file in Files())
        {
            var sink = new RecordingSink();
            await using var stream = File.OpenRead(file);
            var result = await reader.ReadAsync(stream, file, sink);
            read += result.RowsRead;
            skipped += result.RowsSkipped;
            Assert.Equal(result.RowsKept, sink.RowsOf("id"));
            Assert.All(sink.Categorical.GetValueOrDefault("model_name") ?? [], name => Assert.Equal(filter.ModelName, name));
            ids.AddRange(sink.Numeric.GetValueOrDefault("id")?.Select(v => (long)v) ?? []);
        }

        return (ids.Order().ToList(), read, skipped);
    }

    private List<long> IdsWhere(string condition) =>
        _duck.Query($"SELECT id FROM logs WHERE {condition} ORDER BY id").Select(r => Convert.ToInt64(r[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();

    private string[] Files() => Directory.GetFiles(LogsFolder, "*.parquet", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();

    private static double ToDouble(object? value) => value switch
    {
        null => double.NaN,
        float f => f,
        decimal d => (double)d,
        System.Numerics.BigInteger b => (double)b,
        _ => Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture),
    };
}

public sealed class ModelFilterTests
{
    private static readonly DataField Id = new DataField<int>("id");
    private static readonly DataField Model = new DataField<string>("model_name");

    [Fact]
    public async Task A_row_group_of_another_model_is_skipped_whole_and_counted()
    {
        var file = await TestFiles.WriteParquetAsync(
            new ParquetSchema(Id, Model),
            async g => { await g.WriteRequired(Id, [1, 2, 3]); await g.Write(Model, ["other", "other", "other"]); },
            async g => { await g.WriteRequired(Id, [4, 5, 6, 7]); await g.Write(Model, ["mine", null, "other", "mine"]); });
        var sink = new RecordingSink();

        var result = await new ParquetFeatureReader([RequestedColumn.Numeric("id")], new ModelFilter("mine")).ReadAsync(file, sink);

        Assert.Equal([4, 7], sink.Numeric["id"]);
        Assert.Equal(7, result.RowsRead);
        Assert.Equal(5, result.RowsSkipped);
        Assert.Equal([("id", 2)], sink.Batches);
    }

    [Theory]
    [InlineData("v1", new[] { 1, 3 })]
    [InlineData("v2", new[] { 2 })]
    [InlineData("v3", new int[0])]
    public async Task A_model_column_of_one_value_is_judged_by_its_statistics_and_the_version_still_filters(string version, int[] expected)
    {
        var versionField = new DataField<string>("model_version");
        var file = await TestFiles.WriteParquetAsync(
            new ParquetSchema(Id, Model, versionField),
            async g => { await g.WriteRequired(Id, [1, 2, 3]); await g.Write(Model, ["mine", "mine", "mine"]); await g.Write(versionField, ["v1", "v2", "v1"]); });
        var sink = new RecordingSink();

        var result = await new ParquetFeatureReader([RequestedColumn.Numeric("id")], new ModelFilter("mine", version)).ReadAsync(file, sink);

        Assert.Equal(expected.Select(i => (double)i), sink.Numeric.GetValueOrDefault("id") ?? []);
        Assert.Equal(3 - expected.Length, result.RowsSkipped);
    }

    [Fact]
    public async Task A_model_column_of_nulls_only_keeps_no_row()
    {
        var file = await TestFiles.WriteParquetAsync(
            new ParquetSchema(Id, Model),
            async g => { await g.WriteRequired(Id, [1, 2]); await g.Write(Model, [null, null]); });
        var sink = new RecordingSink();

        var result = await new ParquetFeatureReader([RequestedColumn.Numeric("id")], new ModelFilter("mine")).ReadAsync(file, sink);

        Assert.Equal(2, result.RowsSkipped);
        Assert.Empty(sink.Batches);
    }

    [Theory]
    [InlineData("mine", 3)]
    [InlineData("other", 0)]
    public async Task When_the_statistics_decide_the_model_column_itself_is_never_read(string model, int kept)
    {
        var file = await TestFiles.WriteParquetAsync(
            new ParquetSchema(Id, Model),
            async g => { await g.WriteRequired(Id, [1, 2, 3]); await g.Write(Model, [model, model, model]); });
        long start, end;
        await using (var metadata = await ParquetReader.CreateAsync(new MemoryStream(file)))
        {
            var chunk = metadata.Metadata!.RowGroups[0].Columns[1].MetaData!;
            start = chunk.DictionaryPageOffset ?? chunk.DataPageOffset;
            end = start + chunk.TotalCompressedSize;
        }

        // The model column's bytes cannot be read: only its statistics (in the footer) can tell.
        var sink = new RecordingSink();
        var result = await new ParquetFeatureReader([RequestedColumn.Numeric("id")], new ModelFilter("mine"))
            .ReadAsync(new UnreadableRange(file, start, end), "a.parquet", sink);

        Assert.Equal(3 - kept, result.RowsSkipped);
        Assert.Equal(kept, (sink.Numeric.GetValueOrDefault("id") ?? []).Count);
    }

    [Fact]
    public async Task A_source_that_fails_to_read_is_an_io_error_naming_the_file_not_a_corrupt_file()
    {
        var file = await TestFiles.WriteParquetAsync(new ParquetSchema(Id, Model), async g => { await g.WriteRequired(Id, [1, 2, 3]); await g.Write(Model, ["mine", "mine", "mine"]); });
        long start, end;
        await using (var metadata = await ParquetReader.CreateAsync(new MemoryStream(file)))
        {
            var chunk = metadata.Metadata!.RowGroups[0].Columns[0].MetaData!;
            start = chunk.DictionaryPageOffset ?? chunk.DataPageOffset;
            end = start + chunk.TotalCompressedSize;
        }

        var error = await Assert.ThrowsAnyAsync<IOException>(() => new ParquetFeatureReader([RequestedColumn.Numeric("id")], new ModelFilter("mine"))
            .ReadAsync(new UnreadableRange(file, start, end), "hour=8/a.parquet", new RecordingSink()));

        Assert.IsNotType<InvalidDataException>(error);
        Assert.StartsWith("hour=8/a.parquet could not be read", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_filter_is_case_sensitive()
    {
        var file = await TestFiles.WriteParquetAsync(
            new ParquetSchema(Id, Model),
            async g => { await g.WriteRequired(Id, [1, 2]); await g.Write(Model, ["Mine", "mine"]); });
        var sink = new RecordingSink();

        await new ParquetFeatureReader([RequestedColumn.Numeric("id")], new ModelFilter("mine")).ReadAsync(file, sink);

        Assert.Equal([2], sink.Numeric["id"]);
    }

    [Fact]
    public async Task A_file_without_model_columns_cannot_be_filtered()
    {
        var file = await TestFiles.WriteParquetAsync(new ParquetSchema(Id), g => g.WriteRequired(Id, [1]));

        var error = await Assert.ThrowsAsync<InvalidDataException>(
            () => new ParquetFeatureReader([RequestedColumn.Numeric("id")], new ModelFilter("mine")).ReadAsync(file, new RecordingSink(), "hour=8/a.parquet"));

        Assert.Contains("hour=8/a.parquet", error.Message, StringComparison.Ordinal);
        Assert.Contains("model_name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_version_filter_needs_a_model_version_column()
    {
        var file = await TestFiles.WriteParquetAsync(
            new ParquetSchema(Id, Model),
            async g => { await g.WriteRequired(Id, [1]); await g.Write(Model, ["mine"]); });

        var error = await Assert.ThrowsAsync<InvalidDataException>(
            () => new ParquetFeatureReader([RequestedColumn.Numeric("id")], new ModelFilter("mine", "v1")).ReadAsync(file, new RecordingSink()));

        Assert.Contains("model_version", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_non_string_model_column_is_an_error()
    {
        var numericModel = new DataField<int>("model_name");
        var file = await TestFiles.WriteParquetAsync(
            new ParquetSchema(Id, numericModel),
            async g => { await g.WriteRequired(Id, [1]); await g.WriteRequired(numericModel, [5]); });

        var error = await Assert.ThrowsAsync<InvalidDataException>(
            () => new ParquetFeatureReader([RequestedColumn.Numeric("id")], new ModelFilter("mine")).ReadAsync(file, new RecordingSink()));

        Assert.Contains("model_name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_filter_model_name_is_validated() =>
        Assert.Throws<StorageConfigurationException>(() => new ParquetFeatureReader([RequestedColumn.Numeric("id")], new ModelFilter("../x")));
}
