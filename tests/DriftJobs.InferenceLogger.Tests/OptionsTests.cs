using DriftJobs.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace DriftJobs.InferenceLogger.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class OptionsTests(AzuriteFixture azurite)
{
    private static HostApplicationBuilder HostWith(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        return builder;
    }

    [Fact]
    public void Defaults_are_the_documented_ones()
    {
        var options = new InferenceLoggerOptions();
        Assert.Equal("inference-logs", options.LogsRoot);
        Assert.Equal("ground-truth", options.GroundTruthRoot);
        Assert.Equal(100_000, options.BufferCapacity);
        Assert.Equal(10_000, options.BatchSize);
        Assert.Equal(TimeSpan.FromSeconds(30), options.FlushInterval);
        Assert.Equal(TimeSpan.FromSeconds(20), options.ShutdownTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), options.UploadTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1), options.MinRetryDelay);
        Assert.Equal(TimeSpan.FromSeconds(30), options.MaxRetryDelay);
        Assert.Equal(ValueKind.Number, options.PredictionKind);
        Assert.Null(options.SpillDirectory);
        Assert.Empty(options.Features);
    }

    [Fact]
    public async Task A_host_binds_the_InferenceLogger_section_and_drains_the_logger_when_it_stops()
    {
        var container = await azurite.CreateContainerAsync();
        var builder = HostWith(new()
        {
            ["InferenceLogger:LogsRoot"] = "logs/prod",
            ["InferenceLogger:InstanceId"] = "gateway-7",
            ["InferenceLogger:Features:age"] = "Number",
            ["InferenceLogger:Features:country"] = "string",
            ["InferenceLogger:PredictionKind"] = "String",
            ["InferenceLogger:BufferCapacity"] = "500",
            ["InferenceLogger:BatchSize"] = "50",
            ["InferenceLogger:FlushInterval"] = "00:10:00",
            ["InferenceLogger:ShutdownTimeout"] = "00:00:15",
        });
        builder.Services.AddInferenceLogger(_ => container);
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<IOptions<InferenceLoggerOptions>>().Value;
        Assert.Equal("logs/prod", options.LogsRoot);
        Assert.Equal("gateway-7", options.InstanceId);
        Assert.Equal(new Dictionary<string, ValueKind> { ["age"] = ValueKind.Number, ["country"] = ValueKind.String }, options.Features);
        Assert.Equal(ValueKind.String, options.PredictionKind);
        Assert.Equal(500, options.BufferCapacity);
        Assert.Equal(50, options.BatchSize);
        Assert.Equal(TimeSpan.FromMinutes(10), options.FlushInterval);
        Assert.Equal(TimeSpan.FromSeconds(15), options.ShutdownTimeout);

        await host.StartAsync();
        var logger = host.Services.GetRequiredService<IInferenceLogger>();
        Assert.Same(host.Services.GetRequiredService<BlobInferenceLogger>(), logger);
        Assert.True(logger.TryLog(new PredictionRecord
        {
            RequestId = "r1",
            ModelName = "fraud",
            ModelVersion = "2",
            Features = new Dictionary<string, ModelValue> { ["age"] = 30, ["country"] = "NL" },
            Prediction = "deny",
        }));

        // The flush interval is ten minutes: only the host's stop can have written this file.
        await host.StopAsync();

        var file = Assert.Single(await LogFiles.ReadAllAsync(container));
        Assert.Matches(@"^logs/prod/year=\d{4}/month=\d{2}/day=\d{2}/hour=\d{2}/fraud-2-gateway-7-\d{8}T\d{6}-000001\.parquet$", file.Name);
        Assert.Equal(("r1", 30.0, "NL", "deny"), ((string)file.Rows[0]["request_id"]!, (double)file.Rows[0]["age"]!, (string)file.Rows[0]["country"]!, (string)file.Rows[0]["prediction"]!));
    }

    [Fact]
    public async Task Invalid_settings_stop_the_host_at_start_with_every_offending_setting_named()
    {
        var container = await azurite.CreateContainerAsync();
        var builder = HostWith(new()
        {
            ["InferenceLogger:LogsRoot"] = "../elsewhere",
            ["InferenceLogger:Features:timestamp"] = "Number",
            ["InferenceLogger:Features:age"] = "Numeric",
            ["InferenceLogger:BufferCapacity"] = "100",
            ["InferenceLogger:BatchSize"] = "1000",
            ["InferenceLogger:FlushInterval"] = "00:00:00",
        });
        builder.Services.AddInferenceLogger(_ => container);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("InferenceLogger:LogsRoot '../elsewhere'", error.Message, StringComparison.Ordinal);
        Assert.Contains("InferenceLogger:Features:timestamp clashes with a fixed column", error.Message, StringComparison.Ordinal);
        Assert.Contains("InferenceLogger:Features:age has kind 'Numeric': use Number or String.", error.Message, StringComparison.Ordinal);
        Assert.Contains("InferenceLogger:BatchSize must be between 1 and BufferCapacity (100) (got 1000)", error.Message, StringComparison.Ordinal);
        Assert.Contains("InferenceLogger:FlushInterval must be positive", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("InstanceId")]
    [InlineData("GroundTruthRoot")]
    [InlineData("FeatureKind")]
    [InlineData("FeatureName")]
    [InlineData("FeatureTwice")]
    [InlineData("ShutdownTimeout")]
    [InlineData("SpillDirectory")]
    [InlineData("UploadTimeout")]
    [InlineData("MinRetryDelay")]
    [InlineData("MaxRetryDelay")]
    public async Task The_builder_refuses_invalid_options_naming_the_setting(string setting)
    {
        var container = await azurite.CreateContainerAsync();
        var builder = TestRecords.Builder(container, o =>
        {
            switch (setting)
            {
                case "InstanceId": o.InstanceId = "pod/1"; break;
                case "GroundTruthRoot": o.GroundTruthRoot = "../labels"; break;
                case "FeatureKind": o.Features["age"] = (ValueKind)7; break;
                case "FeatureName": o.Features["bad\nname"] = ValueKind.Number; break;
                case "FeatureTwice": o.Features["Age"] = ValueKind.Number; break;
                case "ShutdownTimeout": o.ShutdownTimeout = TimeSpan.FromSeconds(-1); break;
                case "SpillDirectory": o.SpillDirectory = " "; break;
                case "UploadTimeout": o.UploadTimeout = TimeSpan.FromMilliseconds(10); break;
                case "MinRetryDelay": o.MinRetryDelay = TimeSpan.Zero; break;
                case "MaxRetryDelay": o.MaxRetryDelay = TimeSpan.FromMilliseconds(500); break;
            }
        });

        var error = Assert.Throws<OptionsValidationException>(() => builder.Build());
        Assert.Contains(setting.StartsWith("Feature", StringComparison.Ordinal) ? "InferenceLogger:Features" : "InferenceLogger:" + setting, error.Message, StringComparison.Ordinal);
        Assert.Single(error.Failures);
    }
}
