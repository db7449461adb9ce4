using BenchmarkDotNet.Attributes;
using DriftJobs.InferenceLogger;

namespace DriftJobs.Benchmarks.Logger;

/// <summary>
/// The writer's CPU cost per record on one core: a 10,000-record batch with 20 features conformed to the schema
/// and encoded as one Snappy Parquet file (what each flush does before its upload).
/// </summary>
public class EncodeBenchmarks
{
    private const int BatchSize = 10_000;
    private ParquetBatchEncoder _encoder = null!;
    private BufferedRecord[] _batch = [];

    [GlobalSetup]
    public void Setup()
    {
        var options = new InferenceLoggerOptions();
        BenchRecords.Schema(options);
        var schema = new LogSchema(options.Features, options.PredictionKind);
        _encoder = new ParquetBatchEncoder(schema, new LoggerCounters(ParquetBatchEncoder.CountedColumns(schema)), _ => { });
        var start = new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero).UtcTicks;
        _batch = BenchRecords.Create(BatchSize).Select((r, i) => new BufferedRecord(r, start + (i * TimeSpan.TicksPerMillisecond))).ToArray();
    }

    [Benchmark(OperationsPerInvoke = BatchSize)]
    public async Task<int> Encode() => (await _encoder.EncodeAsync(_batch)).Length;
}
