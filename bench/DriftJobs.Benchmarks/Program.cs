using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using DriftJobs.Benchmarks.Logger;

// `dotnet run -c Release --project bench/DriftJobs.Benchmarks -- <suite|all> [BenchmarkDotNet options]`.
// Each suite brings its benchmarks and its config (columns, diagnosers). Without --filter every benchmark runs.
var suites = new Dictionary<string, (Type[] Benchmarks, IConfig Config)>(StringComparer.OrdinalIgnoreCase)
{
    ["logger"] = (LoggerSuite.Benchmarks, LoggerSuite.Config),
};

var chosen = args.Length == 0 ? []
    : args[0].Equals("all", StringComparison.OrdinalIgnoreCase) ? suites.Values.ToList()
    : suites.TryGetValue(args[0], out var suite) ? [suite] : [];
if (chosen.Count == 0)
{
    Console.Error.WriteLine($"usage: DriftJobs.Benchmarks <{string.Join('|', suites.Keys)}|all> [BenchmarkDotNet options, e.g. --job short]");
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
