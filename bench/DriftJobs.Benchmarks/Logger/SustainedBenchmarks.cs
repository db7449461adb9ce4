using BenchmarkDotNet.Attributes;
using DriftJobs.InferenceLogger;

namespace DriftJobs.Benchmarks.Logger;

/// <summary>
/// End to end: 200,000 records logged from one thread, batched by 10,000, encoded and uploaded through the Azure
/// SDK (to a transport that discards the bytes), until the stop has drained them all. Time per record.
/// </summary>
public class SustainedBenchmarks
{
    private const int Records = 200_000;
    private PredictionRecord[] _records = [];
    private BlobInferenceLogger? _logger;

    [GlobalSetup]
    public void CreateRecords() => _records = BenchRecords.Create(4_096);

    [IterationSetup]
    public void StartLogger() => _logger = new InferenceLoggerBuilder(BenchRecords.DiscardingContainer())
        .Configure(o =>
        {
            BenchRecords.Schema(o);
            o.BufferCapacity = Records;
            o.BatchSize = 10_000;
        })
        .Build();

    [Benchmark(OperationsPerInvoke = Records)]
    public async Task<long> LogAndFlush()
    {
        var logger = _logger!;
        for (var i = 0; i < Records; i++)
        {
            logger.TryLog(_records[i & 4095]);
        }

        await logger.DisposeAsync();
        var written = logger.Counters.RecordsWritten;
        return written == Records ? written : throw new InvalidOperationException($"{written} of {Records} records written.");
    }
}
