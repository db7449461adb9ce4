using Azure.Storage.Blobs;
using Parquet;
using Parquet.Schema;

namespace DriftJobs.Jobs.Tests;

/// <summary>Inference-log Parquet files in the logger's schema, written with Parquet.Net for the tests.</summary>
internal static class LogFiles
{
    public static async Task<byte[]> WriteAsync(string model, string version, IReadOnlyDictionary<string, double?[]> numeric, IReadOnlyDictionary<string, string?[]>? categorical = null)
    {
        var rows = numeric.Values.Concat<Array>(categorical?.Values ?? []).First().Length;
        var modelField = new DataField<string>("model_name");
        var versionField = new DataField<string>("model_version");
        var numericFields = numeric.Keys.Select(k => new DataField<double?>(k)).ToArray();
        var categoricalFields = (categorical?.Keys ?? []).Select(k => new DataField<string>(k, nullable: true)).ToArray();
        var schema = new ParquetSchema([modelField, versionField, .. numericFields, .. categoricalFields]);
        using var stream = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(schema, stream))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(modelField, new ArraySegment<string>(Enumerable.Repeat(model, rows).ToArray()), null);
            await group.WriteAsync(versionField, new ArraySegment<string>(Enumerable.Repeat(version, rows).ToArray()), null);
            foreach (var field in numericFields)
            {
                await group.WriteAsync<double>(field, (ReadOnlyMemory<double?>)numeric[field.Name].AsMemory(), null, null, default);
            }

            foreach (var field in categoricalFields)
            {
                await group.WriteAsync(field, new ArraySegment<string>(categorical![field.Name]!), null);
            }
        }

        return stream.ToArray();
    }

    public static string HourPath(DateTimeOffset hour, string file) =>
        $"inference-logs/year={hour:yyyy}/month={hour:MM}/day={hour:dd}/hour={hour:HH}/{file}";

    public static Task UploadAsync(BlobContainerClient container, string name, byte[] content) =>
        container.GetBlobClient(name).UploadAsync(new BinaryData(content), overwrite: true);

    public static double?[] Normal(Random random, int n, double mean = 0, double std = 1) =>
        Enumerable.Range(0, n).Select(_ => (double?)(mean + (std * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())))).ToArray();
}
