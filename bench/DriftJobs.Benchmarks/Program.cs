using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using DriftJobs.Benchmarks.Detector;
using DriftJobs.Benchmarks.Logger;

// `dotnet run -c Release --project bench/DriftJobs.Benchmarks -- <logger|all|detector|incremental> [options]`.
// (decode-floor: the bare decode as a child process of the detector suite.)
// logger/all: BenchmarkDotNet suites, each with its config (without --filter every benchmark runs). detector: its own
// options — the published jobs started and timed end to end, see DetectorSuite; incremental: the detector's hour
// profiles, backfill and shards, see IncrementalSuite.
var suites = new Dictionary<string, (Type[] Benchmarks, IConfig Config)>(StringComparer.OrdinalIgnoreCase)
{
    ["logger"] = (LoggerSuite.Benchmarks, LoggerSuite.Config),
};

if (args is ["detector", ..])
{
    return await DetectorSuite.RunAsync(args[1..]);
}

if (args is ["incremental", ..])
{
    return await IncrementalSuite.RunAsync(args[1..]);
}

if (args is ["decode-floor", ..])
{
    return await ReadWork.DecodeProcessAsync(args[1..]);
}

var chosen = args.Length == 0 ? []
    : args[0].Equals("all", StringComparison.OrdinalIgnoreCase) ? suites.Values.ToList()
    : suites.TryGetValue(args[0], out var suite) ? [suite] : [];
if (chosen.Count == 0)
{
    Console.Error.WriteLine($"usage: DriftJobs.Benchmarks <{string.Join('|', suites.Keys)}|all|detector|incremental> [options, e.g. --job short]");
    return 2;
}

var options = args[1..];
if (!options.Contains("--filter") && !options.Contains("-f"))
{
    options = [.. options, "--filter", "*"];
}

var summaries = new List<Summary>();
foreach (var (benchmarks, config) in chosen)
{
    summaries.AddRange(BenchmarkSwitcher.FromTypes(benchmarks).Run(options, config));
}

return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
