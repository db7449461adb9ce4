using Azure.Storage.Blobs;
using DuckDB.NET.Data;
using Parquet;
using Parquet.Schema;

namespace DriftJobs.InferenceLogger.Tests;

/// <summary>One log file read back from blob storage: its name, its Parquet schema and its rows (column → value).</summary>
internal sealed record LogFile(string Name, ParquetSchema Schema, IReadOnlyList<IReadOnlyDictionary<string, object?>> Rows);

internal static class LogFiles
{
    public static async Task<List<string>> ListAsync(BlobContainerClient container, string prefix = "")
    {
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, prefix, default))
        {
            names.Add(blob.Name);
        }

        return names;
    }

    /// <summary>Copies the blobs under <paramref name="prefix"/> to <paramref name="directory"/>, keeping their names as paths (for DuckDB).</summary>
    public static async Task DownloadAsync(BlobContainerClient container, string directory, string prefix = "")
    {
        foreach (var name in await ListAsync(container, prefix))
        {
            var path = Path.Combine(directory, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await container.GetBlobClient(name).DownloadToAsync(path);
        }
    }

    /// <summary>DuckDB's type of each column <paramref name="query"/> returns, by name.</summary>
    public static Dictionary<string, string> ColumnTypes(DuckDBConnection connection, string query)
    {
        var types = new Dictionary<string, string>();
        using var describe = connection.CreateCommand();
        describe.CommandText = "DESCRIBE " + query;
        using var reader = describe.ExecuteReader();
        while (reader.Read())
        {
            types[reader.GetString(0)] = reader.GetString(1);
        }

        return types;
    }

    public static async Task<List<LogFile>> ReadAllAsync(BlobContainerClient container, string prefix = "")
    {
        var files = new List<LogFile>();
        foreach (var name in await ListAsync(container, prefix))
        {
            var content = (await container.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToArray();
            files.Add(await ReadAsync(name, content));
        }

        return files;
    }

    public static async Task<LogFile> ReadAsync(string name, byte[] content)
    {
        using var stream = new MemoryStream(content);
        await using var reader = await ParquetReader.CreateAsync(stream);
        var rows = new List<Dictionary<string, object?>>();
        foreach (var rowGroup in reader.RowGroups)
        {
            var count = checked((int)rowGroup.RowCount);
            var offset = rows.Count;
            for (var i = 0; i < count; i++)
            {
                rows.Add(new Dictionary<string, object?>(StringComparer.Ordinal));
            }

            foreach (var field in reader.Schema.DataFields)
            {
                var values = await ReadColumnAsync(rowGroup, field, count);
                for (var i = 0; i < count; i++)
                {
                    rows[offset + i][field.Name] = values[i];
                }
            }
        }

        return new LogFile(name, reader.Schema, rows);
    }

    private static async Task<object?[]> ReadColumnAsync(ParquetRowGroupReader rowGroup, DataField field, int count)
    {
        if (field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>))
        {
            var values = new string?[count];
            await rowGroup.ReadAsync(field, values.AsMemory()!, null, default);
            return values;
        }

        if (field.ClrType == typeof(double) && !field.IsNullable)
        {
            var required = new double[count];
            await rowGroup.ReadAsync<double>(field, required.AsMemory(), null, default);
            return required.Cast<object?>().ToArray();
        }

        if (field.ClrType == typeof(double))
        {
            var values = new double?[count];
            await rowGroup.ReadAsync<double>(field, values.AsMemory(), null, default);
            return values.Cast<object?>().ToArray();
        }

        if (field.ClrType == typeof(DateTime))
        {
            if (field.IsNullable)
            {
                var nullable = new DateTime?[count];
                await rowGroup.ReadAsync<DateTime>(field, nullable.AsMemory(), null, default);
                return nullable.Cast<object?>().ToArray();
            }

            var values = new DateTime[count];
            await rowGroup.ReadAsync<DateTime>(field, values.AsMemory(), null, default);
            return values.Cast<object?>().ToArray();
        }

        throw new InvalidOperationException($"Unexpected column type {field.ClrType} for {field.Name}.");
    }
}
