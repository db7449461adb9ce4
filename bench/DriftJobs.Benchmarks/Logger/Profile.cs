using System.Diagnostics;
using DriftJobs.InferenceLogger;

namespace DriftJobs.Benchmarks.Logger;

public static class Profile
{
    public static async Task RunAsync()
    {
        var options = new InferenceLoggerOptions();
        BenchRecords.Schema(options);
        var schema = new LogSchema(options.Features, options.PredictionKind);
        var encoder = new ParquetBatchEncoder(schema, new LoggerCounters(ParquetBatchEncoder.CountedColumns(schema)), _ => { });
        var start = new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero).UtcTicks;
        var batch = BenchRecords.Create(10_000).Select((r, i) => new BufferedRecord(r, start + (i * TimeSpan.TicksPerMillisecond))).ToArray();
        for (var round = 0; round < 8; round++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            var alloc = GC.GetTotalAllocatedBytes();
            for (var i = 0; i < 20; i++)
            {
                await encoder.EncodeAsync(batch);
            }

            var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            Console.WriteLine($"encode: wall {sw.Elapsed.TotalMilliseconds / 20:F1} ms, cpu {used.TotalMilliseconds / 20:F1} ms per 10k -> {200_000 / used.TotalSeconds:N0} rec/s cpu; alloc {(GC.GetTotalAllocatedBytes() - alloc) / 200_000} B/rec");
        }
    }
}
