using BenchmarkDotNet.Attributes;
using DriftJobs.InferenceLogger;

namespace DriftJobs.Benchmarks.Logger;

/// <summary>
/// The request-path cost: one TryLog call (timestamp from the clock, bounded-buffer reservation, queue write),
/// with 1 or 2 threads logging at once while the writer loop drains the queue. Reported per call on each thread.
/// Each iteration gets a fresh logger so the buffer never fills (which would measure the drop path instead).
/// </summary>
public class TryLogBenchmarks
{
    private const int CallsPerThread = 2_000_000;
    private PredictionRecord[] _records = [];
    private BlobInferenceLogger? _logger;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void CreateRecords() => _records = BenchRecords.Create(1_024);

    [IterationSetup]
    public void StartLogger() => _logger = new InferenceLoggerBuilder(BenchRecords.DiscardingContainer())
        .Configure(o =>
        {
            BenchRecords.Schema(o);
            o.BufferCapacity = (CallsPerThread * Threads) + 1;
            o.BatchSize = o.BufferCapacity;
            o.FlushInterval = TimeSpan.FromHours(1);

            // Nothing is written: the stop abandons the iteration's records at once.
            o.ShutdownTimeout = TimeSpan.FromTicks(1);
        })
        .Build();

    [IterationCleanup]
    public void StopLogger() => _logger!.Dispose();

    [Benchmark(OperationsPerInvoke = CallsPerThread)]
    public int TryLog()
    {
        if (Threads == 1)
        {
            return LogFrom(0);
        }

        var accepted = new int[Threads];
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t => accepted[t] = LogFrom(t));
        return accepted.Sum();
    }

    private int LogFrom(int thread)
    {
        var logger = _logger!;
        var records = _records;
        var accepted = 0;
        for (var i = 0; i < CallsPerThread; i++)
        {
            if (logger.TryLog(records[(i + thread) & 1023]))
            {
                accepted++;
            }
        }

        return accepted;
    }
}
