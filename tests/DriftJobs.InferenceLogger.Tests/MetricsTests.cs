using DriftJobs.Testing;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace DriftJobs.InferenceLogger.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class MetricsTests(AzuriteFixture azurite)
{
    private const string Prefix = "driftjobs.inference_logger.";

    [Fact]
    public async Task The_meter_reports_accepted_dropped_rejected_written_failures_depth_and_flush_duration()
    {
        var (container, fault) = await FaultyStorage.CreateAsync(azurite.Azurite);
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var accepted = Collect<long>(meters, "records.accepted");
        using var dropped = Collect<long>(meters, "records.dropped");
        using var rejected = Collect<long>(meters, "records.rejected");
        using var written = Collect<long>(meters, "records.written");
        using var files = Collect<long>(meters, "files.written");
        using var failures = Collect<long>(meters, "upload.failures");
        using var depth = Collect<long>(meters, "buffer.depth");
        using var missing = Collect<long>(meters, "values.missing");
        using var flush = Collect<double>(meters, "flush.duration");

        fault.Failing = true;
        var logger = TestRecords.Builder(container, o =>
        {
            o.BufferCapacity = 10;
            o.BatchSize = 10;
            o.MinRetryDelay = TimeSpan.FromMilliseconds(20);
            o.MaxRetryDelay = TimeSpan.FromMilliseconds(100);
        }).WithMeterFactory(meters).Build();

        for (var i = 0; i < 12; i++)
        {
            var record = TestRecords.Record(i);
            if (i == 3)
            {
                // No income at all (not a null income): counted as missing.
                record = new PredictionRecord
                {
                    RequestId = record.RequestId,
                    ModelName = record.ModelName,
                    ModelVersion = record.ModelVersion,
                    Features = record.Features.Where(f => f.Key != "income").ToDictionary(),
                    Prediction = record.Prediction,
                };
            }

            logger.TryLog(record);
        }

        Assert.False(logger.TryLog(TestRecords.Record(99, model: "bad/name")));
        await Eventually.TrueAsync(() => logger.Counters.UploadFailures > 0, "a failed upload");

        Observe(accepted, dropped, rejected, depth, failures);
        Assert.Equal(10, accepted.LastMeasurement!.Value);
        Assert.Equal(2, dropped.GetMeasurementSnapshot().Last(m => m.Tags["reason"] is "buffer_full").Value);
        Assert.Equal(1, rejected.LastMeasurement!.Value);
        Assert.Equal(10, depth.LastMeasurement!.Value);
        Assert.True(failures.LastMeasurement!.Value > 0);

        fault.Failing = false;
        await Eventually.TrueAsync(() => logger.Counters.RecordsWritten == 10, "the records after the outage");
        await logger.DisposeAsync();

        Observe(written, files, depth, missing);
        Assert.Equal(10, written.LastMeasurement!.Value);
        Assert.Equal(1, files.LastMeasurement!.Value);
        Assert.Equal(0, depth.LastMeasurement!.Value);

        Assert.Equal(1, missing.GetMeasurementSnapshot().Last(m => m.Tags["column"] is "income").Value);
        Assert.NotEmpty(flush.GetMeasurementSnapshot());
        Assert.All(flush.GetMeasurementSnapshot(), m => Assert.True(m.Value >= 0));
    }

    private static MetricCollector<T> Collect<T>(IMeterFactory meters, string name)
        where T : struct => new(meters, BlobInferenceLogger.MeterName, Prefix + name);

    private static void Observe(params IEnumerable<MetricCollector<long>> collectors)
    {
        foreach (var collector in collectors)
        {
            collector.RecordObservableInstruments();
        }
    }
}
