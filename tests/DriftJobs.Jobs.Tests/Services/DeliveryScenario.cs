using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using DriftJobs.Core.Profiles;
using DriftJobs.Core.Serialization;
using DriftJobs.Testing;

namespace DriftJobs.Jobs.Tests.Services;

/// <summary>
/// A model with a numeric feature x (training N(0, 1)) and a categorical c, judged over one-hour windows, so each
/// test decides hour by hour whether x has drifted. With x shifted by 1 both x drifts (WARNING feature_drift) and
/// half the features drift (CRITICAL drift_critical); c never moves and x stays within the training range.
/// </summary>
internal sealed class DeliveryScenario(AzuriteInstance azurite, BlobContainerClient container, string model)
{
    public static readonly DateTimeOffset End = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    public BlobContainerClient Container => container;

    public string Model => model;

    /// <param name="container">A container other models' scenarios share (their logs sit side by side); a new one when null.</param>
    public static async Task<DeliveryScenario> CreateAsync(AzuriteInstance azurite, string model, BlobContainerClient? container = null)
    {
        container ??= await azurite.CreateContainerAsync();
        var random = new Random(17);
        var builder = new BaselineBuilder(new BaselineBuildOptions());
        builder.AddNumeric("x", LogFiles.Normal(random, 2000).Select(v => v!.Value).ToArray());
        builder.AddCategorical("c", Enumerable.Range(0, 2000).Select(i => "k" + (i % 3)).ToArray());
        builder.AddRows(2000);
        var baseline = builder.Build(model, "1", "test", End.AddDays(-30));
        await container.GetBlobClient($"baselines/{model}/1/baseline.json").UploadAsync(new BinaryData(DriftJson.Serialize(baseline)));
        return new DeliveryScenario(azurite, container, model);
    }

    /// <summary>Logs for the hour starting at <paramref name="hour"/>, x shifted by <paramref name="shift"/> standard deviations.</summary>
    public async Task LogHourAsync(DateTimeOffset hour, double shift, int rows = 400)
    {
        var random = new Random(hour.Hour + 100);
        await LogFiles.UploadAsync(container, LogFiles.HourPath(hour, $"{model}.parquet"), await LogFiles.WriteAsync(model, "1",
            new Dictionary<string, double?[]> { ["x"] = LogFiles.Normal(random, rows, shift) },
            new Dictionary<string, string?[]> { ["c"] = Enumerable.Range(0, rows).Select(i => "k" + (i % 3)).ToArray() }));
    }

    /// <summary>Runs the detector in-process over the hour ending at <paramref name="end"/>.</summary>
    public Task<JobRun> DetectAsync(DateTimeOffset end, params string[] args) =>
        Jobs.DetectorAsync(azurite.ConnectionString, container,
            ["--model-name", model, "--model-version", "1", "--drift-window-end", end.ToString("o"), "--drift-analysis-window-hours", "1", .. args]);

    /// <summary>The job's structured log events (compact JSON lines) with <paramref name="property"/> = <paramref name="value"/>.</summary>
    public static IReadOnlyList<JsonObject> Events(string output, string property, string value) =>
    [
        .. output.Split('\n').Where(l => l.StartsWith('{')).Select(l => JsonNode.Parse(l)!.AsObject())
            .Where(e => e[property] is JsonValue v && v.ToString() == value),
    ];

    public async Task<JsonObject?> AlertStateAsync()
    {
        var blob = container.GetBlobClient($"drift-reports/{model}/alert-state.json");
        return await blob.ExistsAsync() ? JsonNode.Parse((await blob.DownloadContentAsync()).Value.Content.ToString())!.AsObject() : null;
    }
}
