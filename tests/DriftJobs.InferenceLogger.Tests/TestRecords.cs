namespace DriftJobs.InferenceLogger.Tests;

/// <summary>Records with a known feature schema (age: number, country: string, income: number) and a logger set up for it.</summary>
internal static class TestRecords
{
    public static readonly string[] Countries = ["DE", "FR", "US", "GB"];

    public static void Schema(InferenceLoggerOptions options)
    {
        options.Features["age"] = ValueKind.Number;
        options.Features["country"] = ValueKind.String;
        options.Features["income"] = ValueKind.Number;
        options.InstanceId = "test-pod";
    }

    public static PredictionRecord Record(int i, DateTimeOffset? timestamp = null, string model = "fraud", string version = "v1") => new()
    {
        Timestamp = timestamp,
        RequestId = RequestId(i),
        ModelName = model,
        ModelVersion = version,
        Features = new Dictionary<string, ModelValue>
        {
            ["age"] = 18 + (i % 60),
            ["country"] = Countries[i % Countries.Length],
            ["income"] = i % 7 == 0 ? ModelValue.Null : 1000.25 * i,
        },
        Prediction = i % 3 == 0 ? 1.0 : 0.0,
        PredictionScore = i % 5 == 0 ? null : (i % 100) / 100.0,
    };

    /// <summary>Small batches and short waits, so that outages and their end show within a test's patience.</summary>
    public static void Quick(InferenceLoggerOptions options)
    {
        options.BatchSize = 100;
        options.FlushInterval = TimeSpan.FromMilliseconds(100);
        options.MinRetryDelay = TimeSpan.FromMilliseconds(50);
        options.MaxRetryDelay = TimeSpan.FromMilliseconds(400);
        options.ProbeInterval = TimeSpan.FromMilliseconds(100);
    }

    public static string RequestId(int i) => $"req-{i:D7}";

    public static int IndexOf(string requestId) => int.Parse(requestId.AsSpan(4), System.Globalization.CultureInfo.InvariantCulture);

    public static InferenceLoggerBuilder Builder(Azure.Storage.Blobs.BlobContainerClient container, Action<InferenceLoggerOptions>? configure = null) =>
        new InferenceLoggerBuilder(container).Configure(o =>
        {
            Schema(o);
            configure?.Invoke(o);
        });
}
