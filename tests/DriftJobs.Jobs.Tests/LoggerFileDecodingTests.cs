using DriftJobs.InferenceLogger;
using DriftJobs.Storage;
using DriftJobs.Storage.Parquet;
using DriftJobs.Testing;

namespace DriftJobs.Jobs.Tests;

/// <summary>The inference logger's own files, written by the logger into Azurite, read back by the detector's reader as logged.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class LoggerFileDecodingTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Every_feature_column_the_logger_writes_reads_back_as_logged()
    {
        const int Count = 3_000;
        var container = await azurite.CreateContainerAsync();
        var hour = new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
        await using (var logger = new InferenceLoggerBuilder(container).Configure(o =>
        {
            o.Features["age"] = ValueKind.Number;
            o.Features["income"] = ValueKind.Number;
            o.Features["country"] = ValueKind.String;
            o.BatchSize = 1_000;
        }).Build())
        {
            for (var i = 0; i < Count; i++)
            {
                Assert.True(logger.TryLog(new PredictionRecord
                {
                    Timestamp = hour.AddSeconds(i),
                    RequestId = $"r{i}",
                    ModelName = "fraud",
                    ModelVersion = "1",
                    Features = new Dictionary<string, ModelValue>
                    {
                        // Few distinct values (a writer could choose a dictionary for these), and a column with nulls.
                        ["age"] = 18 + (i % 60),
                        ["income"] = i % 7 == 0 ? ModelValue.Null : (i * 1000.25) - 1e5,
                        ["country"] = i % 2 == 0 ? "DE" : "FR",
                    },
                    Prediction = i % 3,
                    PredictionScore = i / (double)Count,
                }));
            }
        }

        var reader = new ParquetFeatureReader(
            [RequestedColumn.Numeric("age"), RequestedColumn.Numeric("income"), RequestedColumn.Numeric("prediction_score"), RequestedColumn.Categorical("country")],
            new ModelFilter("fraud", "1"));
        var sink = new Collected();
        var files = 0;
        await foreach (var blob in container.GetBlobsAsync())
        {
            var content = (await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content;
            using var stream = new MemoryStream(content.ToArray());
            await reader.ReadAsync(stream, blob.Name, sink);
            files++;
        }

        Assert.True(files >= 3, $"{files} file(s)");
        Assert.Equal(Enumerable.Range(0, Count).Select(i => 18.0 + (i % 60)).Order(), sink.Values["age"].Order());
        Assert.Equal(Enumerable.Range(0, Count).Select(i => i % 7 == 0 ? double.NaN : (i * 1000.25) - 1e5).Order(), sink.Values["income"].Order());
        Assert.Equal(Enumerable.Range(0, Count).Select(i => i / (double)Count).Order(), sink.Values["prediction_score"].Order());
        Assert.Equal(Count / 2, sink.Categories["country"].Count(c => c == "DE"));
        Assert.Equal(Count / 2, sink.Categories["country"].Count(c => c == "FR"));
    }

    private sealed class Collected : IColumnBatchSink
    {
        public Dictionary<string, List<double>> Values { get; } = [];

        public void AddNumeric(string column, ReadOnlySpan<double> values)
        {
            if (!Values.TryGetValue(column, out var list))
            {
                Values[column] = list = [];
            }

            list.AddRange(values);
        }

        public Dictionary<string, List<string?>> Categories { get; } = [];

        public void AddCategorical(string column, ReadOnlySpan<string?> values)
        {
            if (!Categories.TryGetValue(column, out var list))
            {
                Categories[column] = list = [];
            }

            list.AddRange(values);
        }
    }
}
