using BenchmarkDotNet.Running;
using DriftJobs.Benchmarks.Logger;

// `dotnet run -c Release --project bench/DriftJobs.Benchmarks -- <suite> [BenchmarkDotNet options]`.
// Suites: logger. Without --filter every benchmark of the suite runs.
var suites = new Dictionary<string, Type[]>(StringComparer.OrdinalIgnoreCase)
{
    ["logger"] = LoggerSuite.Benchmarks,
};

if (args.Length == 0 || !suites.TryGetValue(args[0], out var benchmarks))
{
    Console.Error.WriteLine($"usage: DriftJobs.Benchmarks <{string.Join('|', suites.Keys)}> [BenchmarkDotNet options, e.g. --job short]");
    return 2;
}

var rest = args[1..];
if (!rest.Contains("--filter") && !rest.Contains("-f"))
{
    rest = [.. rest, "--filter", "*"];
}

var summaries = BenchmarkSwitcher.FromTypes(benchmarks).Run(rest, LoggerSuite.Config);
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
