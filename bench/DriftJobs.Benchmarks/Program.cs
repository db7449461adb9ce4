using BenchmarkDotNet.Running;
using DriftJobs.Benchmarks.Detector;
using DriftJobs.Benchmarks.Logger;

// `dotnet run -c Release --project bench/DriftJobs.Benchmarks -- <suite> [options]`.
// Suites: logger (BenchmarkDotNet options; without --filter every benchmark runs), detector (its own options:
// processes started and timed end to end, see DetectorSuite).
var suites = new Dictionary<string, Type[]>(StringComparer.OrdinalIgnoreCase)
{
    ["logger"] = LoggerSuite.Benchmarks,
};

if (args is ["profile"]) { Profile.Run(); return 0; }
if (args is ["detector", ..]) { return await DetectorSuite.RunAsync(args[1..]); }
if (args.Length == 0 || !suites.TryGetValue(args[0], out var benchmarks))
{
    Console.Error.WriteLine($"usage: DriftJobs.Benchmarks <{string.Join('|', suites.Keys)}|detector> [BenchmarkDotNet options, e.g. --job short]");
    return 2;
}

var rest = args[1..];
if (!rest.Contains("--filter") && !rest.Contains("-f"))
{
    rest = [.. rest, "--filter", "*"];
}

var summaries = BenchmarkSwitcher.FromTypes(benchmarks).Run(rest, LoggerSuite.Config);
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
