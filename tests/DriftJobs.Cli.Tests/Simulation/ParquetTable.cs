using Azure.Storage.Blobs;
using Parquet;
using Parquet.Schema;

namespace DriftJobs.Cli.Tests.Simulation;

/// <summary>A Parquet blob read back whole with Parquet.Net: its data fields and each column's values, all row groups.</summary>
internal sealed class ParquetTable
{
    private ParquetTable(IReadOnlyList<DataField> fields, IReadOnlyDictionary<string, List<object?>> columns)
    {
        Fields = fields;
        Columns = columns;
    }

    public IReadOnlyList<DataField> Fields { get; }

    public IReadOnlyDictionary<string, List<object?>> Columns { get; }

    public int Rows => Columns.Values.First().Count;

    public DataField Field(string name) => Fields.Single(f => f.Name == name);

    /// <summary>"string", "double" or "timestamp": Parquet.Net reads text as string or ReadOnlyMemory&lt;char&gt;, the same column.</summary>
    public static string Kind(DataField field) =>
        field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>) ? "string"
        : field.ClrType == typeof(double) ? "double"
        : field.ClrType == typeof(DateTime) ? "timestamp"
        : field.ClrType.Name;

    public IEnumerable<T> Values<T>(string name) => Columns[name].Cast<T>();

    public static async Task<ParquetTable> ReadAsync(BlobClient blob)
    {
        using var stream = new MemoryStream((await blob.DownloadContentAsync()).Value.Content.ToArray());
        await using var reader = await ParquetReader.CreateAsync(stream);
        var fields = reader.Schema.DataFields;
        var columns = fields.ToDictionary(f => f.Name, _ => new List<object?>());
        for (var group = 0; group < reader.RowGroupCount; group++)
        {
            using var rows = reader.OpenRowGroupReader(group);
            foreach (var field in fields)
            {
                columns[field.Name].AddRange(await ReadColumnAsync(rows, field, (int)rows.RowCount));
            }
        }

        return new ParquetTable(fields, columns);
    }

    private static async Task<IEnumerable<object?>> ReadColumnAsync(ParquetRowGroupReader rows, DataField field, int count)
    {
        if (Kind(field) == "string")
        {
            var values = new string?[count];
            await rows.ReadAsync(field, values.AsMemory()!, null, default);
            return values;
        }

        if (field.ClrType == typeof(double))
        {
            var values = new double?[count];
            await rows.ReadAsync<double>(field, values.AsMemory(), null, default);
            return values.Cast<object?>();
        }

        if (field.ClrType == typeof(DateTime))
        {
            var values = new DateTime?[count];
            await rows.ReadAsync<DateTime>(field, values.AsMemory(), null, default);
            return values.Cast<object?>();
        }

        throw new InvalidOperationException($"Unexpected column type {field.ClrType} for {field.Name}.");
    }

    /// <summary>Every Parquet blob under <paramref name="prefix"/>, one table of their rows (they share a schema).</summary>
    public static async Task<ParquetTable> ReadAllAsync(BlobContainerClient container, string prefix)
    {
        ParquetTable? all = null;
        await foreach (var item in container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = prefix }))
        {
            var table = await ReadAsync(container.GetBlobClient(item.Name));
            if (all is null)
            {
                all = table;
                continue;
            }

            foreach (var (name, values) in table.Columns)
            {
                all.Columns[name].AddRange(values);
            }
        }

        return all ?? throw new InvalidOperationException($"no blobs under {prefix}");
    }
}
