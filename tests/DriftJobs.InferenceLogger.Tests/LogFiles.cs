using Azure.Storage.Blobs;
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
