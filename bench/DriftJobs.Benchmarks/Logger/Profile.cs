using System.Diagnostics;
using System.Runtime.InteropServices;
using DriftJobs.InferenceLogger;

namespace DriftJobs.Benchmarks.Logger;

public static partial class Profile
{
    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec { public long Sec; public long Nsec; }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out Timespec ts);

    private static double ThreadCpuMs() { ClockGetTime(3, out var t); return (t.Sec * 1e3) + (t.Nsec / 1e6); }

    public static void Run()
    {
        var options = new InferenceLoggerOptions();
        BenchRecords.Schema(options);
        var schema = new LogSchema(options.Features, options.PredictionKind);
        var encoder = new ParquetBatchEncoder(schema, new LoggerCounters(ParquetBatchEncoder.CountedColumns(schema)), _ => { });
        var start = new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero).UtcTicks;
        var batch = BenchRecords.Create(10_000).Select((r, i) => new BufferedRecord(r, start + (i * TimeSpan.TicksPerMillisecond))).ToArray();
        var times = new List<double>();
        for (var round = 0; round < 60; round++)
        {
            var cpu = ThreadCpuMs();
            encoder.EncodeAsync(batch).GetAwaiter().GetResult();
            times.Add(ThreadCpuMs() - cpu);
        }

        times.Sort();
        Console.WriteLine($"encode thread-cpu per 10k: min {times[0]:F2} ms, median {times[30]:F2} ms -> {10_000 / times[30] * 1000:N0} rec/s (median)");
    }
}
