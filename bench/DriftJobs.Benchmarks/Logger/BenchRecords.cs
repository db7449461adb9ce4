using System.Net;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using DriftJobs.InferenceLogger;

namespace DriftJobs.Benchmarks.Logger;

/// <summary>Realistic records: 20 features (14 numbers, 6 low-cardinality strings), as a fraud model might see.</summary>
internal static class BenchRecords
{
    public const int NumberFeatures = 14;
    public const int StringFeatures = 6;
    private static readonly string[] Categories = ["DE", "FR", "US", "GB", "IT", "ES", "NL", "PL"];

    // One string per name, as a gateway's constant feature names are.
    private static readonly string[] NumberNames = Enumerable.Range(0, NumberFeatures).Select(f => $"n{f:D2}").ToArray();
    private static readonly string[] StringNames = Enumerable.Range(0, StringFeatures).Select(f => $"s{f}").ToArray();

    public static void Schema(InferenceLoggerOptions options)
    {
        foreach (var name in NumberNames)
        {
            options.Features[name] = ValueKind.Number;
        }

        foreach (var name in StringNames)
        {
            options.Features[name] = ValueKind.String;
        }

        options.InstanceId = "bench";
    }

    public static PredictionRecord[] Create(int count, DateTimeOffset? timestamp = null)
    {
        var random = new Random(42);
        var records = new PredictionRecord[count];
        for (var i = 0; i < count; i++)
        {
            var features = new Dictionary<string, ModelValue>(NumberFeatures + StringFeatures);
            for (var f = 0; f < NumberFeatures; f++)
            {
                features[NumberNames[f]] = Math.Round(random.NextDouble() * 1000, 3);
            }

            for (var f = 0; f < StringFeatures; f++)
            {
                features[StringNames[f]] = Categories[random.Next(Categories.Length)];
            }

            records[i] = new PredictionRecord
            {
                Timestamp = timestamp,
                RequestId = Guid.NewGuid().ToString(),
                ModelName = "fraud",
                ModelVersion = "7",
                Features = features,
                Prediction = random.Next(2),
                PredictionScore = random.NextDouble(),
            };
        }

        return records;
    }

    /// <summary>
    /// A container whose HTTP transport reads each request body and answers 201 Created without any network:
    /// the Azure SDK's whole client path runs, storage latency does not.
    /// </summary>
    public static BlobContainerClient DiscardingContainer()
    {
        var options = new BlobClientOptions { Transport = new HttpClientTransport(new HttpClient(new DiscardingHandler())) };
        return new BlobContainerClient(new Uri("http://127.0.0.1/bench/logs"), options);
    }

    private sealed class DiscardingHandler : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is not null)
            {
                await request.Content.CopyToAsync(Stream.Null, cancellationToken);
            }

            var response = new HttpResponseMessage(HttpStatusCode.Created) { RequestMessage = request, Content = new ByteArrayContent([]) };
            response.Headers.ETag = new System.Net.Http.Headers.EntityTagHeaderValue("\"0x8DC0000000000000\"");
            response.Content.Headers.LastModified = DateTimeOffset.UtcNow;
            return response;
        }
    }
}
