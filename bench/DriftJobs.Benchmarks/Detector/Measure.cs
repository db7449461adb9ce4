using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace DriftJobs.Benchmarks.Detector;

/// <summary>
/// What one measured run cost: wall time, CPU time of the process that did the work, its peak RSS; for a job, its own
/// account of where the time went (<see cref="Phases"/>), kept with the run the median picks.
/// </summary>
internal sealed record Cost(TimeSpan Wall, TimeSpan Cpu, long PeakRssBytes, TimeSpan AzuriteCpu = default, string? Phases = null)
{
    public static Cost Median(IReadOnlyList<Cost> runs)
    {
        var sorted = runs.OrderBy(r => r.Wall).ToList();
        return sorted[sorted.Count / 2];
    }
}

/// <summary>Wall, CPU and memory of child processes (the published jobs) and of work done in this process.</summary>
internal static partial class Measure
{
    private const int RusageChildren = -1;

    /// <summary>
    /// Runs a published job to its exit (<see cref="ChildAsync"/>): a framework-dependent one is a dll `dotnet` runs, a
    /// self-contained or native one its own executable.
    /// </summary>
    public static Task<(Cost Cost, int ExitCode, string Output)> JobAsync(
        string app, IReadOnlyDictionary<string, string> environment, int? azuritePid, CancellationToken cancellationToken) =>
        app.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? ChildAsync("dotnet", [app], environment, azuritePid, cancellationToken)
            : ChildAsync(app, [], environment, azuritePid, cancellationToken);

    /// <summary>
    /// Runs a child to its exit. Peak RSS is the kernel's high-water mark of the child, VmHWM, polled every 10 ms while
    /// it runs (a high-water mark, so only growth in its last 10 ms could be missed). Not the children's ru_maxrss: that
    /// is the largest of every child reaped so far, and a child reaped late showed up as another child's peak.
    /// CPU is the children's user+system time it added.
    /// </summary>
    public static async Task<(Cost Cost, int ExitCode, string Output)> ChildAsync(
        string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, int? azuritePid, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var before = ChildrenCpu();
        var azuriteBefore = azuritePid is { } a ? ProcessCpu(a) : TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        long peak = 0;
        var exited = process.WaitForExitAsync(cancellationToken);
        while (!exited.IsCompleted)
        {
            peak = Math.Max(peak, HighWaterMark(process.Id));
            await Task.WhenAny(exited, Task.Delay(10, cancellationToken));
        }

        await exited;
        var wall = clock.Elapsed;
        var after = ChildrenCpu();

        var azuriteCpu = azuritePid is { } b ? ProcessCpu(b) - azuriteBefore : TimeSpan.Zero;
        return (new Cost(wall, after - before, peak, azuriteCpu), process.ExitCode, output.ToString());
    }

    /// <summary>
    /// Several children started at once (shards of one run), timed from the first start to the last exit. CPU is the
    /// children's user+system time the group added (nothing else is reaped meanwhile); peak RSS the highest child's.
    /// </summary>
    public static async Task<(Cost Cost, IReadOnlyList<(int ExitCode, string Output, long PeakRss)> Children)> GroupAsync(
        string app, IReadOnlyList<IReadOnlyDictionary<string, string>> environments, int? azuritePid, CancellationToken cancellationToken)
    {
        var before = ChildrenCpu();
        var azuriteBefore = azuritePid is { } a ? ProcessCpu(a) : TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        var runs = environments.Select(e => JobAsync(app, e, null, cancellationToken)).ToList();
        await Task.WhenAll(runs);
        var wall = clock.Elapsed;
        var cpu = ChildrenCpu() - before;
        var azuriteCpu = azuritePid is { } b ? ProcessCpu(b) - azuriteBefore : TimeSpan.Zero;
        var children = runs.Select(r => (r.Result.ExitCode, r.Result.Output, r.Result.Cost.PeakRssBytes)).ToList();
        return (new Cost(wall, cpu, children.Max(c => c.PeakRssBytes), azuriteCpu), children);
    }

    /// <summary>Work done in this process: its whole CPU time (all threads) over the run.</summary>
    public static async Task<(Cost Cost, T Result)> InProcessAsync<T>(Func<Task<T>> work)
    {
        using var self = Process.GetCurrentProcess();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        self.Refresh();
        var cpu = self.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var result = await work();
        var wall = clock.Elapsed;
        self.Refresh();
        return (new Cost(wall, self.TotalProcessorTime - cpu, 0), result);
    }

    private static long HighWaterMark(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
            // The process exited between polls.
        }
        catch (UnauthorizedAccessException)
        {
        }

        return 0;
    }

    /// <summary>
    /// Waits (at most 30 s) until a process has been nearly idle for half a second: Azurite keeps working after an
    /// upload or a baseline write (saving its database), on the same cores the next measurement needs.
    /// </summary>
    public static async Task SettleAsync(int pid, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            var before = ProcessCpu(pid);
            await Task.Delay(500, cancellationToken);
            if (ProcessCpu(pid) - before < TimeSpan.FromMilliseconds(20))
            {
                return;
            }
        }
    }

    private static TimeSpan ProcessCpu(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // Fields 14 and 15 of /proc/pid/stat (utime, stime) in clock ticks; the slice starts at field 3.
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / 100.0);
        }
        catch (IOException)
        {
            return TimeSpan.Zero;
        }
    }

    /// <summary>User + system time of every child reaped so far.</summary>
    private static TimeSpan ChildrenCpu()
    {
        if (GetRusage(RusageChildren, out var usage) != 0)
        {
            return TimeSpan.Zero;
        }

        var micros = ((usage.UserSeconds + usage.SystemSeconds) * 1_000_000) + usage.UserMicros + usage.SystemMicros;
        return TimeSpan.FromMicroseconds(micros);
    }

    [LibraryImport("libc", EntryPoint = "getrusage")]
    private static partial int GetRusage(int who, out Rusage usage);

    [StructLayout(LayoutKind.Sequential)]
    private struct Rusage
    {
        public long UserSeconds;
        public long UserMicros;
        public long SystemSeconds;
        public long SystemMicros;
        public long MaxRss;
        public long IxRss;
        public long IdRss;
        public long IsRss;
        public long MinFlt;
        public long MajFlt;
        public long NSwap;
        public long InBlock;
        public long OuBlock;
        public long MsgSnd;
        public long MsgRcv;
        public long NSignals;
        public long NvCsw;
        public long NivCsw;
    }
}
