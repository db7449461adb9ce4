using DriftJobs.Storage.Csv;
using DriftJobs.Storage.Parquet;
using DuckDB.NET.Data;
using Parquet;
using Parquet.Schema;

namespace DriftJobs.Storage.Tests;

/// <summary>Real Parquet files for the tests, written by Parquet.Net or DuckDB.</summary>
internal static class TestFiles
{
    /// <summary>Writes one file; each callback writes one row group's columns in schema order.</summary>
    public static async Task<byte[]> WriteParquetAsync(ParquetSchema schema, params Func<ParquetRowGroupWriter, Task>[] rowGroups)
    {
        using var output = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(schema, output))
        {
            foreach (var rowGroup in rowGroups)
            {
                using var group = writer.CreateRowGroup();
                await rowGroup(group);
            }
        }

        return output.ToArray();
    }

    public static Task Write<T>(this ParquetRowGroupWriter group, DataField field, T?[] values)
        where T : struct => group.WriteAsync<T>(field, values.AsMemory());

    public static Task WriteRequired<T>(this ParquetRowGroupWriter group, DataField field, T[] values)
        where T : struct => group.WriteAsync<T>(field, (ReadOnlyMemory<T>)values.AsMemory());

    public static Task Write(this ParquetRowGroupWriter group, DataField field, string?[] values) => group.WriteAsync(field, values!);

    /// <summary>Runs statements on a fresh in-memory DuckDB and returns the connection for queries.</summary>
    public static DuckDBConnection DuckDb(string sql)
    {
        var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
        return connection;
    }

    public static List<object?[]> Query(this DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    public static DirectoryInfo TempFolder() => Directory.CreateTempSubdirectory("driftjobs-storage-");

    public static async Task<FeatureReadResult> ReadAsync(this ParquetFeatureReader reader, byte[] file, IColumnBatchSink sink, string name = "test.parquet")
    {
        using var stream = new MemoryStream(file, writable: false);
        return await reader.ReadAsync(stream, name, sink);
    }

    public static async Task<FeatureReadResult> ReadAsync(this CsvFeatureReader reader, string text, IColumnBatchSink sink, string name = "train.csv")
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text));
        return await reader.ReadAsync(stream, name, sink);
    }
}
