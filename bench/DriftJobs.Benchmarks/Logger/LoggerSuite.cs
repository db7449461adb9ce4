using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;

namespace DriftJobs.Benchmarks.Logger;

/// <summary>
/// The inference logger's benchmarks. Targets (issue #4): TryLog median ≤ 200 ns with 2 threads logging;
/// ≥ 500,000 records/s encoded to Parquet per core with 20 features.
/// </summary>
public static class LoggerSuite
{
    public static readonly Type[] Benchmarks = [typeof(TryLogBenchmarks), typeof(EncodeBenchmarks), typeof(SustainedBenchmarks)];

    public static IConfig Config { get; } = DefaultConfig.Instance
        .AddDiagnoser(MemoryDiagnoser.Default)
        // The TryLog target is a median.
        .AddColumn(StatisticColumn.Median, StatisticColumn.P95)
        .AddColumn(new RecordsPerSecondColumn());
}
