using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using DriftJobs.Core.Profiles;
using DriftJobs.Core.Reports;
using DriftJobs.Core.Serialization;
using DriftJobs.Storage;
using DriftJobs.Storage.Parquet;

namespace DriftJobs.Benchmarks.Detector;

/// <summary>
/// <c>DriftJobs.Benchmarks detector</c> (issue #6): the published detector end to end on 24 hour partitions of
/// generated logs in Azurite, next to DuckDB counting the same histograms and to the bare decode of the same columns
/// (Parquet.Net, and DuckDB's plain scan); peak RSS at each size; the baseline job; the detector's fixed cost on an
/// empty window. Prints a table and writes it as Markdown. Not BenchmarkDotNet: process start to exit and RSS are
/// what is measured.
/// </summary>
internal static class DetectorSuite
{
    private const string Usage = """
        usage: DriftJobs.Benchmarks detector [options]
          --rows 1m,10m            log window sizes (rows over 24 hours) [1m,10m]
          --training-rows 10m      rows of the training set the baseline job profiles [10m]
          --repeat N               runs per measurement, median reported [3 below 5M rows, else 1]
          --data DIR               generated data cache [artifacts/bench-data]
          --detector PATH          published detector, its executable or dll [artifacts/bench/detector/DriftJobs.Detector]
          --baseline-job DLL       published baseline job [artifacts/bench/baseline/DriftJobs.Baseline.dll]
          --azurite PATH           azurite-blob [$AZURITE_BLOB or tools/azurite/node_modules/.bin/azurite-blob]
          --output FILE            Markdown results [docs/benchmarks.md for the full run, else artifacts/bench/detector-results.md]
          --prepare-only true      generate and upload the data, then stop
        """;

    private static readonly string[] DefaultRows = ["1m", "10m"];

    /// <summary>Set in the restarted suite (<see cref="RestartWithImageSettingsAsync"/>), which does not restart again.</summary>
    private const string RestartedVariable = "DRIFTJOBS_BENCH_RESTARTED";

    public static async Task<int> RunAsync(string[] args)
    {
        Options o;
        try
        {
            o = Options.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message + "\n" + Usage);
            return 2;
        }

        foreach (var (path, what) in new[] { (o.Detector, "the published detector"), (o.BaselineJob, "the published baseline job"), (o.Azurite, "azurite-blob") })
        {
            if (!File.Exists(path))
            {
                await Console.Error.WriteLineAsync($"{what} is not at {path}: run `make bench` (it publishes the jobs and installs Azurite first).");
                return 2;
            }
        }

        if (Environment.GetEnvironmentVariable(RestartedVariable) is null && o.DetectorImageSettings.Any(kv => Environment.GetEnvironmentVariable(kv.Key) != kv.Value))
        {
            return await RestartWithImageSettingsAsync(args, o.DetectorImageSettings);
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
        var token = cancel.Token;
        var dataRoot = Path.Combine(o.Data, $"v{BenchData.Version}");
        var results = new Results(o);

        var training = await BenchData.EnsureTrainingAsync(dataRoot, o.TrainingRows, token);
        var logs = new List<DataSet>();
        foreach (var rows in o.Rows)
        {
            logs.Add(await BenchData.EnsureLogsAsync(dataRoot, rows, token));
        }

        await using var azurite = await BenchAzurite.StartAsync(o.Azurite, Path.Combine(dataRoot, "azurite"), token);
        foreach (var set in logs)
        {
            await azurite.EnsureUploadedAsync(dataRoot, set, token);
        }

        if (o.PrepareOnly)
        {
            return 0;
        }

        var environment = new Dictionary<string, string>
        {
            ["AZURE_STORAGE_CONNECTION_STRING"] = azurite.ConnectionString,
            ["DRIFT_CONTAINER"] = BenchAzurite.ContainerName,
            ["MODEL_NAME"] = BenchData.ModelName,
            ["MODEL_VERSION"] = BenchData.ModelVersion,
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        };
        var detectorEnvironment = new Dictionary<string, string>(environment)
        {
            // Every hour read from the logs on every run, as this suite has always measured: with hour profiles on (the
            // detector's default) every round after the first would take all 24 hours from the profiles the first stored.
            ["DRIFT_HOUR_PROFILES"] = "off",
        };
        foreach (var (key, value) in o.DetectorImageSettings)
        {
            detectorEnvironment[key] = value;
        }

        // The baseline job on the training set (local files), writing the baseline every detector run reads.
        Console.Error.WriteLine($"baseline job on {training.Rows:N0} rows");
        var (baselineCost, baselineExit, baselineOutput) = await Measure.JobAsync(o.BaselineJob, new Dictionary<string, string>(environment)
        {
            ["TRAINING_DATA"] = Path.GetFullPath(Path.Combine(dataRoot, training.Prefix)),
            ["FORCE"] = "true",
        }, azurite.ProcessId, token);
        if (baselineExit != 0)
        {
            await Console.Error.WriteLineAsync($"baseline job exited {baselineExit}:\n{baselineOutput}");
            return 1;
        }

        results.Baseline = (training, baselineCost);
        var baselineJson = await azurite.Container.GetBlobClient(StorageLayout.BaselineBlobName(BenchData.ModelName, BenchData.ModelVersion)).DownloadContentAsync(token);
        var baseline = DriftJson.ReadBaseline(baselineJson.Value.Content.ToMemory(), "baseline.json");
        var columns = baseline.MonitoredFeatures.Select(f => f.Name).Concat([ModelFilter.ModelNameColumn, ModelFilter.ModelVersionColumn]).ToList();

        // Fixed cost: process start to exit on a window with no logs at all (the report is still written).
        var emptyRuns = new List<Cost>();
        for (var i = 0; i < 5; i++)
        {
            emptyRuns.Add(await DetectorAsync(o, detectorEnvironment, "logs-empty", azurite, expectedRows: 0, token));
        }

        results.Empty = Cost.Median(emptyRuns);
        Console.Error.WriteLine($"empty window: {results.Empty.Wall.TotalSeconds:F2} s");

        using var duck = DuckDbWork.Open();

        // One unmeasured pass of the in-process contenders first: paired with the detector round by round, a first
        // round paying this process's JIT would be compared with a detector that does not.
        var warmUp = logs.MinBy(l => l.Rows)!;
        await ReadWork.DecodeAsync(warmUp.Files, ReadWork.Local(dataRoot), columns, token);
        await ReadWork.ReaderAsync(warmUp.Files, ReadWork.Local(dataRoot), baseline, token);
        await ReadWork.EngineAsync(warmUp.Files, ReadWork.Local(dataRoot), baseline, token);

        foreach (var set in logs)
        {
            var repeat = o.Repeat ?? (set.Rows < 5_000_000 ? 3 : 1);
            var localFiles = Path.Combine(Path.GetFullPath(dataRoot), set.Prefix).Replace('\\', '/') + "/**/*.parquet";
            Console.Error.WriteLine($"== {set.Prefix}: {set.Rows:N0} rows, {set.Files.Length} files, {set.Bytes / 1e9:F2} GB; {repeat} run(s) each");
            foreach (var file in set.Files)
            {
                // Warm the page cache so every contender reads memory, not disk.
                await using var stream = File.OpenRead(Path.Combine(dataRoot, file));
                await stream.CopyToAsync(Stream.Null, token);
            }

            var size = new SizeResults(set);
            results.Sizes.Add(size);
            var histogramSql = DuckDbWork.HistogramQuery(localFiles, baseline);
            var scanSql = DuckDbWork.ScanQuery(localFiles, baseline);
            WindowProfile? engineWindow = null;
            DuckDbWork.Histograms? histograms = null;

            // Rounds, each running every contender once in turn: this machine's speed drifts over minutes, and runs of
            // one contender back to back put the drift between contenders, into their ratios. Paired within a round,
            // a slow minute weighs on both sides of a ratio.
            for (var round = 1; round <= repeat; round++)
            {
                Console.Error.WriteLine($"  round {round} of {repeat}");
                size.Runs.DecodeLocal.Add(await OnceAsync("Parquet.Net decode, local", () => Measure.InProcessAsync(() => ReadWork.DecodeAsync(set.Files, ReadWork.Local(dataRoot), columns, token))));
                size.Runs.DecodeLocalProcess.Add(await OnceAsync("Parquet.Net decode as a process, local", () => DecodeProcessAsync(dataRoot, set, columns, o.DetectorImageSettings, token)));
                size.Runs.DecodeBlob.Add(await OnceAsync("Parquet.Net decode, Azurite", () => Measure.InProcessAsync(() => ReadWork.DecodeAsync(set.Files, ReadWork.Blob(azurite.Container), columns, token))));
                size.Runs.ReaderLocal.Add(await OnceAsync("detector's reader, local", () => Measure.InProcessAsync(() => ReadWork.ReaderAsync(set.Files, ReadWork.Local(dataRoot), baseline, token))));
                size.Runs.EngineLocal.Add(await OnceAsync("detector engine, local", async () =>
                {
                    // A baseline of its own each round, parsed before the clock starts: the per-feature lookup grids are
                    // cached per baseline, and the detector builds them on every run, inside its reading.
                    var roundBaseline = DriftJson.ReadBaseline(baselineJson.Value.Content.ToMemory(), "baseline.json");
                    var (cost, run) = await Measure.InProcessAsync(() => ReadWork.EngineAsync(set.Files, ReadWork.Local(dataRoot), roundBaseline, token));
                    engineWindow = run.Window;
                    size.EngineAnalyze = run.Analyze;
                    size.EngineDrifted = run.Report.DriftedFeatures;
                    return (cost, run.Window.Rows);
                }));
                size.Runs.DuckHistograms.Add(await OnceAsync("DuckDB histograms", async () =>
                {
                    var (cost, h) = await Measure.InProcessAsync(() => Task.FromResult(DuckDbWork.RunHistograms(duck, histogramSql, baseline)));
                    histograms = h;
                    return (cost, h.Rows);
                }));
                size.Runs.DuckScan.Add(await OnceAsync("DuckDB plain scan", () => Measure.InProcessAsync(() => Task.FromResult(DuckDbWork.RunScan(duck, scanSql)))));

                size.Runs.Detector.Add(await DetectorAsync(o, detectorEnvironment, set.Prefix, azurite, set.Rows, token));
                Console.Error.WriteLine($"  detector end to end: {size.Runs.Detector[^1].Wall.TotalSeconds:F2} s, peak RSS {size.Runs.Detector[^1].PeakRssBytes / 1048576.0:F0} MiB");
                size.DetectorDrifted = await ReportDriftedAsync(azurite, token);

                // The same job reading the same local files DuckDB reads (DRIFT_LOGS_PATH; the report still goes to Azurite).
                size.Runs.DetectorLocal.Add(await DetectorAsync(o, detectorEnvironment, set.Prefix, azurite, set.Rows, token, logsPath: Path.GetFullPath(dataRoot)));
                Console.Error.WriteLine($"  detector end to end, local files: {size.Runs.DetectorLocal[^1].Wall.TotalSeconds:F2} s, peak RSS {size.Runs.DetectorLocal[^1].PeakRssBytes / 1048576.0:F0} MiB");
            }

            size.CountMismatches = DuckDbWork.Compare(histograms!, engineWindow!);
        }

        await SegmentsAsync(o, environment, detectorEnvironment, dataRoot, training, logs, azurite, results, token);

        using (var command = duck.CreateCommand())
        {
            command.CommandText = "SELECT version()";
            results.DuckDbVersion = command.ExecuteScalar()?.ToString() ?? "?";
        }

        var markdown = results.ToMarkdown();
        Console.WriteLine(markdown);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(o.Output))!);
        // The incremental suite's section (its own run, `make bench-incremental`) is kept as it is.
        var previous = File.Exists(o.Output) ? await File.ReadAllTextAsync(o.Output, token) : null;
        await File.WriteAllTextAsync(o.Output, IncrementalSuite.KeepSection(previous, markdown), token);
        Console.Error.WriteLine($"results written to {o.Output}");
        return results.Sizes.Any(s => s.CountMismatches.Count > 0) ? 1 : 0;
    }

    /// <summary>
    /// Segments (issue #26): the baseline job again, with <see cref="SegmentCount"/> segments of the string feature
    /// <see cref="SegmentColumn"/> (12 channels: the 10 largest, and the other two together), then at each size the
    /// detector without and with DRIFT_SEGMENT_COLUMNS, paired round by round against this same baseline (whose larger
    /// baseline.json both load). Run last: the detector runs above measured the plain baseline.
    /// </summary>
    private static async Task SegmentsAsync(
        Options o,
        Dictionary<string, string> environment,
        Dictionary<string, string> detectorEnvironment,
        string dataRoot,
        DataSet training,
        List<DataSet> logs,
        BenchAzurite azurite,
        Results results,
        CancellationToken token)
    {
        Console.Error.WriteLine($"baseline job with {SegmentCount} segments of {SegmentColumn}");
        var (cost, exit, output) = await Measure.JobAsync(o.BaselineJob, new Dictionary<string, string>(environment)
        {
            ["TRAINING_DATA"] = Path.GetFullPath(Path.Combine(dataRoot, training.Prefix)),
            ["FORCE"] = "true",
            ["DRIFT_SEGMENT_COLUMNS"] = SegmentColumn,
            ["DRIFT_MAX_SEGMENTS"] = SegmentCount.ToString(CultureInfo.InvariantCulture),
        }, azurite.ProcessId, token);
        if (exit != 0)
        {
            throw new InvalidOperationException($"segmented baseline job exited {exit}:\n{output}");
        }

        results.SegmentedBaseline = cost;
        var segmented = new Dictionary<string, string>(detectorEnvironment) { ["DRIFT_SEGMENT_COLUMNS"] = SegmentColumn };
        foreach (var set in logs)
        {
            var repeat = o.Repeat ?? (set.Rows < 5_000_000 ? 3 : 1);
            var runs = new SegmentRuns(set);
            for (var round = 1; round <= repeat; round++)
            {
                runs.Plain.Add(await DetectorAsync(o, detectorEnvironment, set.Prefix, azurite, set.Rows, token));
                runs.Segmented.Add(await DetectorAsync(o, segmented, set.Prefix, azurite, set.Rows, token));
                Console.Error.WriteLine($"  {set.Prefix}: plain {runs.Plain[^1].Wall.TotalSeconds:F2} s, {SegmentCount} segments {runs.Segmented[^1].Wall.TotalSeconds:F2} s, peak RSS {runs.Segmented[^1].PeakRssBytes / 1048576.0:F0} MiB");
            }

            runs.Drifted = (await ReadReportAsync(azurite, token)).Segments?.DriftedSegments ?? [];
            results.Segments.Add(runs);
        }
    }

    private const string SegmentColumn = "c4";
    private const int SegmentCount = 10;

    private sealed class SegmentRuns(DataSet set)
    {
        public DataSet Set { get; } = set;

        public List<Cost> Plain { get; } = [];

        public List<Cost> Segmented { get; } = [];

        public IReadOnlyList<string> Drifted { get; set; } = [];
    }

    private static async Task<Cost> DetectorAsync(
        Options o, Dictionary<string, string> environment, string prefix, BenchAzurite azurite, long expectedRows, CancellationToken token, string? logsPath = null)
    {
        var settings = new Dictionary<string, string>(environment)
        {
            ["DRIFT_LOGS_PREFIX"] = prefix,
            ["DRIFT_WINDOW_END"] = BenchData.WindowEnd.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["DRIFT_ANALYSIS_WINDOW_HOURS"] = BenchData.Hours.ToString(CultureInfo.InvariantCulture),
        };
        if (logsPath is not null)
        {
            settings["DRIFT_LOGS_PATH"] = logsPath;
        }

        await Measure.SettleAsync(azurite.ProcessId, token);
        var (cost, exit, output) = await Measure.JobAsync(o.Detector, settings, azurite.ProcessId, token);
        if (exit != 0)
        {
            throw new InvalidOperationException($"detector exited {exit} on {prefix}:\n{output}");
        }

        // The detector's own account of the run (CPU, peak working set, GC, its phases), next to what was measured from outside.
        string? phases = null;
        foreach (var said in output.Split('\n').Where(l => l.Contains("\"Finished in", StringComparison.Ordinal) || l.Contains("\"Time spent:", StringComparison.Ordinal)))
        {
            using var line = System.Text.Json.JsonDocument.Parse(said);
            var message = line.RootElement.GetProperty("@m").GetString();
            Console.Error.WriteLine($"    detector says: {message}");
            if (message?.StartsWith("Time spent:", StringComparison.Ordinal) == true)
            {
                phases = message;
            }
        }

        var report = await ReadReportAsync(azurite, token);
        if (report.Samples != expectedRows)
        {
            throw new InvalidOperationException($"detector report on {prefix} has {report.Samples} rows, expected {expectedRows}.");
        }

        return cost with { Phases = phases };
    }

    /// <summary>
    /// The bare decode as a process of its own (this assembly, <c>decode-floor</c>), timed from start to exit like the
    /// detector, with the runtime settings the detector has: its runtimeconfig's (dynamic PGO off) and its image's.
    /// </summary>
    private static async Task<(Cost Cost, long Rows)> DecodeProcessAsync(
        string dataRoot, DataSet set, IReadOnlyList<string> columns, IReadOnlyDictionary<string, string> imageSettings, CancellationToken token)
    {
        var lists = Directory.CreateTempSubdirectory("driftjobs-decode-").FullName;
        var files = Path.Combine(lists, "files.txt");
        var columnList = Path.Combine(lists, "columns.txt");
        var environment = new Dictionary<string, string>(imageSettings) { ["DOTNET_TieredPGO"] = "0", ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" };
        (Cost Cost, int ExitCode, string Output) run;
        try
        {
            await File.WriteAllLinesAsync(files, set.Files, token);
            await File.WriteAllLinesAsync(columnList, columns, token);
            run = await Measure.ChildAsync("dotnet", [typeof(ReadWork).Assembly.Location, "decode-floor", Path.GetFullPath(dataRoot), files, columnList], environment, null, token);
        }
        finally
        {
            Directory.Delete(lists, recursive: true);
        }

        var (cost, exit, output) = run;
        if (exit != 0 || !long.TryParse(output.Trim(), CultureInfo.InvariantCulture, out var rows) || rows != set.Rows)
        {
            throw new InvalidOperationException($"decode-floor exited {exit} on {set.Prefix}, expected {set.Rows} rows:\n{output}");
        }

        return (cost, rows);
    }

    private static async Task<DriftReport> ReadReportAsync(BenchAzurite azurite, CancellationToken token)
    {
        var name = StorageLayout.ReportBlobName(BenchData.ModelName, BenchData.ModelVersion, BenchData.WindowEnd);
        var content = await azurite.Container.GetBlobClient(name).DownloadContentAsync(token);
        return DriftJson.ReadReport(content.Value.Content.ToMemory().Span, name);
    }

    private static async Task<IReadOnlyList<string>> ReportDriftedAsync(BenchAzurite azurite, CancellationToken token) =>
        (await ReadReportAsync(azurite, token)).DriftedFeatures;

    /// <summary>
    /// Runs the suite again in a process started with the image's runtime settings, so that the in-process decode and
    /// engine run with the garbage collector the detector has. They are read once, at start: with the runtime's default
    /// gen0 budget the bare decode of 1M rows took 1.31-1.51 s as a process instead of 0.96-1.09 s, a floor slower for
    /// a reason that has nothing to do with decoding.
    /// </summary>
    private static async Task<int> RestartWithImageSettingsAsync(string[] args, IReadOnlyDictionary<string, string> settings)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { UseShellExecute = false };
        start.ArgumentList.Add(typeof(DetectorSuite).Assembly.Location);
        start.ArgumentList.Add("detector");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        start.Environment[RestartedVariable] = "1";

        // Ctrl+C reaches the child too (same terminal): it stops its runs and Azurite; this process waits for it.
        Console.CancelKeyPress += (_, e) => e.Cancel = true;
        using var process = System.Diagnostics.Process.Start(start)!;
        await process.WaitForExitAsync();
        return process.ExitCode;
    }

    private static async Task<Cost> OnceAsync<T>(string what, Func<Task<(Cost Cost, T Rows)>> run)
    {
        var (cost, rows) = await run();
        Console.Error.WriteLine($"  {what}: {cost.Wall.TotalSeconds:F2} s wall, {cost.Cpu.TotalSeconds:F2} s CPU ({rows} rows)");
        return cost;
    }

    private sealed record Options(
        IReadOnlyList<long> Rows, long TrainingRows, int? Repeat, string Data, string Detector, string BaselineJob, string Azurite, string Output, bool PrepareOnly,
        IReadOnlyDictionary<string, string> DetectorImageSettings)
    {
        public static Options Parse(string[] args)
        {
            var values = BenchData.ParseOptions(args, new HashSet<string>(["rows", "training-rows", "repeat", "data", "detector", "baseline-job", "azurite", "output", "prepare-only"]));

            var root = BenchData.RepositoryRoot();
            string Get(string key, string fallback) => values.TryGetValue(key, out var v) ? v : fallback;
            var rowsText = values.TryGetValue("rows", out var r) ? r.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : DefaultRows;
            var full = rowsText.Order().SequenceEqual(DefaultRows.Order());
            var azurite = Environment.GetEnvironmentVariable("AZURITE_BLOB") is { Length: > 0 } env ? env : Path.Combine(root, "tools", "azurite", "node_modules", ".bin", "azurite-blob");
            return new Options(
                [.. rowsText.Select(BenchData.ParseRows)],
                BenchData.ParseRows(Get("training-rows", "10m")),
                values.TryGetValue("repeat", out var repeat) ? int.Parse(repeat, CultureInfo.InvariantCulture) : null,
                Path.GetFullPath(Get("data", Path.Combine(root, "artifacts", "bench-data"))),
                Path.GetFullPath(Get("detector", Path.Combine(root, "artifacts", "bench", "detector", "DriftJobs.Detector"))),
                Path.GetFullPath(Get("baseline-job", Path.Combine(root, "artifacts", "bench", "baseline", "DriftJobs.Baseline.dll"))),
                Get("azurite", azurite),
                Path.GetFullPath(Get("output", full ? Path.Combine(root, "docs", "benchmarks.md") : Path.Combine(root, "artifacts", "bench", "detector-results.md"))),
                values.TryGetValue("prepare-only", out var prepare) && bool.Parse(prepare),
                ImageRuntime.Settings(Path.Combine(root, "Dockerfile.detector")));
        }

    }

    private sealed class SizeResults(DataSet set)
    {
        public DataSet Set { get; } = set;

        /// <summary>Every run of every contender, one per round, in round order.</summary>
        public RoundRuns Runs { get; } = new();

        public Cost Detector => Cost.Median(Runs.Detector);

        public long DetectorPeakRss => Runs.Detector.Max(r => r.PeakRssBytes);

        public Cost DetectorLocal => Cost.Median(Runs.DetectorLocal);

        public long DetectorLocalPeakRss => Runs.DetectorLocal.Max(r => r.PeakRssBytes);

        public IReadOnlyList<string> DetectorDrifted { get; set; } = [];

        public Cost EngineLocal => Cost.Median(Runs.EngineLocal);

        public Cost ReaderLocal => Cost.Median(Runs.ReaderLocal);

        public TimeSpan EngineAnalyze { get; set; }

        public IReadOnlyList<string> EngineDrifted { get; set; } = [];

        public Cost DecodeLocal => Cost.Median(Runs.DecodeLocal);

        public Cost DecodeLocalProcess => Cost.Median(Runs.DecodeLocalProcess);

        public Cost DecodeBlob => Cost.Median(Runs.DecodeBlob);

        public Cost DuckHistograms => Cost.Median(Runs.DuckHistograms);

        public Cost DuckScan => Cost.Median(Runs.DuckScan);

        public List<string> CountMismatches { get; set; } = [];

        /// <summary>Feature values the statistics consume: rows × 55.</summary>
        public long Values => Set.Rows * (BenchData.NumericFeatures + BenchData.CategoricalFeatures);

        /// <summary>Median over the rounds of one contender's wall time over another's in the same round.</summary>
        public static double Ratio(IReadOnlyList<Cost> of, IReadOnlyList<Cost> to) =>
            DriftJobs.Core.Statistics.SortedQuantile.Linear([.. of.Zip(to, (a, b) => a.Wall / b.Wall).Order()], 0.5);
    }

    private sealed class RoundRuns
    {
        public List<Cost> Detector { get; } = [];

        public List<Cost> DetectorLocal { get; } = [];

        public List<Cost> EngineLocal { get; } = [];

        public List<Cost> ReaderLocal { get; } = [];

        public List<Cost> DecodeLocal { get; } = [];

        public List<Cost> DecodeLocalProcess { get; } = [];

        public List<Cost> DecodeBlob { get; } = [];

        public List<Cost> DuckHistograms { get; } = [];

        public List<Cost> DuckScan { get; } = [];
    }

    private sealed class Results(Options options)
    {
        public List<SizeResults> Sizes { get; } = [];

        public (DataSet Set, Cost Cost) Baseline { get; set; }

        public Cost Empty { get; set; } = null!;

        public Cost SegmentedBaseline { get; set; } = null!;

        public List<SegmentRuns> Segments { get; } = [];

        public string DuckDbVersion { get; set; } = "?";

        private string ImageSettingsText() => options.DetectorImageSettings.Count == 0
            ? "none"
            : string.Join(", ", options.DetectorImageSettings.Select(kv => $"`{kv.Key}={kv.Value}`"));

        public string ToMarkdown()
        {
            var md = new StringBuilder();
            var cores = Environment.ProcessorCount;
            md.AppendLine("# Detector benchmark (issue #6)");
            md.AppendLine();
            md.AppendLine("Generated by `make bench` (the `detector` suite of bench/DriftJobs.Benchmarks); do not edit by hand.");
            md.AppendLine();
            md.AppendLine($"- Date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
            md.AppendLine($"- Machine: {CpuModel()}, {cores} cores, {MemoryGiB():F0} GiB RAM, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");
            md.AppendLine($"- DuckDB {DuckDbVersion} (DuckDB.NET, {cores} threads), Parquet.Net {typeof(Parquet.ParquetReader).Assembly.GetName().Version}");
            md.AppendLine($"- Reproduce: `make bench` (or `make bench-detector BENCH_ARGS=\"{string.Join(' ', ReproduceArgs())}\"`)");
            md.AppendLine($"- Data: 24 hour partitions of logs as the inference logger writes them ({BenchData.RowsPerLogFile:N0}-row Snappy files, one row group each), " +
                $"{BenchData.NumericFeatures} float64 + {BenchData.CategoricalFeatures} string features, model filter on; baseline from {Baseline.Set.Rows:N0} training rows. " +
                "Detector: the published job as its image runs it (one native executable compiled ahead of time, Native AOT), process start to exit, report written to Azurite on loopback (each run starts once Azurite has been idle for half a second); logs read from Azurite, or from the local copy DuckDB reads (DRIFT_LOGS_PATH). " +
                "Parquet.Net decode: the same 57 columns read raw into reused buffers, one file per core at a time, local files opened as the detector opens them, in the benchmark's own process (JIT-compiled by an unmeasured pass before the first round), and as a process of its own timed like the detector (the benchmark's framework-dependent build, JIT-compiled as it runs). Detector engine in-process: the detector's profiling and analysis in the benchmark's process on the local files, from a baseline parsed before each round (its lookup grids built in the timed run, as the detector builds them). The detector's reader without the statistics: its Parquet reader (model filter, its own decoder for the logger's float64 and string pages, Parquet.Net for the rest) on the same files and columns, delivering to a sink that keeps nothing, in the benchmark's process. DuckDB: `histogram(x, PSI edges)`, " +
                "`histogram(x, KS points)` and `histogram(c)` for every feature in one query, and a plain scan (`sum` of every column), on the local copy of the same files.");
            md.AppendLine($"- Runtime settings of the detector's image (Dockerfile.detector), given to the detector, to the decode as a process and to the benchmark's own process (which restarts itself with them), so the in-process decode and engine run with them too: {ImageSettingsText()}.");
            md.AppendLine($"- Values/s per core = rows × 55 / CPU seconds of the process doing the work; medians of {(options.Repeat?.ToString(CultureInfo.InvariantCulture) ?? "3 (1 at 10M)")} runs. " +
                "The runs go in rounds, each running every contender once in turn (this machine's speed drifts over minutes); the targets' ratios are medians of each round's own ratio, the table's times medians of each contender's runs.");
            md.AppendLine();
            md.AppendLine("| Rows | Run | Wall s | CPU s | Mvalues/s per core | Peak RSS MiB | Wall vs detector |");
            md.AppendLine("|---:|---|---:|---:|---:|---:|---:|");
            foreach (var s in Sizes)
            {
                var label = BenchData.Label(s.Set.Rows).ToUpperInvariant();
                void Row(string name, Cost c, long? rss = null)
                {
                    var perCore = s.Values / c.Cpu.TotalSeconds / 1e6;
                    md.AppendLine(CultureInfo.InvariantCulture,
                        $"| {label} | {name} | {c.Wall.TotalSeconds:F2} | {c.Cpu.TotalSeconds:F2} | {perCore:F1} | {(rss is { } r ? (r / 1048576.0).ToString("F0", CultureInfo.InvariantCulture) : "")} | {c.Wall / s.Detector.Wall:F2}× |");
                }

                Row("detector, end to end (Azurite)", s.Detector, s.DetectorPeakRss);
                Row("detector, end to end (local files, DRIFT_LOGS_PATH)", s.DetectorLocal, s.DetectorLocalPeakRss);
                Row("detector engine in-process (local files)", s.EngineLocal);
                Row("detector's reader without the statistics, in-process (local files)", s.ReaderLocal);
                Row("Parquet.Net bare decode (Azurite download + decode)", s.DecodeBlob);
                Row("Parquet.Net bare decode (local files)", s.DecodeLocal);
                Row("Parquet.Net bare decode as its own process, start to exit (local files)", s.DecodeLocalProcess);
                Row("DuckDB histograms: PSI edges + KS points + categories", s.DuckHistograms);
                Row("DuckDB plain scan (sum of every column)", s.DuckScan);
            }

            md.AppendLine();
            foreach (var s in Sizes)
            {
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"{BenchData.Label(s.Set.Rows).ToUpperInvariant()}: Azurite (Node.js, on the same {cores} cores) used {s.Detector.AzuriteCpu.TotalSeconds:F2} s of CPU serving the detector's reads; against a real storage account that work is not on the pod.");
                md.AppendLine();
            }

            md.AppendLine($"Detector fixed cost (empty window, process start to exit, median of 5): {Empty.Wall.TotalSeconds:F2} s, peak RSS {Empty.PeakRssBytes / 1048576.0:F0} MiB.");
            md.AppendLine();
            md.AppendLine("Where the detector's time went, in its own log (the median run; the phases end at its last log line, before the host stops and the process exits):");
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"- empty window: {Empty.Phases ?? "(not logged)"}");
            foreach (var s in Sizes)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- {BenchData.Label(s.Set.Rows).ToUpperInvariant()}, local files: {s.DetectorLocal.Phases ?? "(not logged)"}");
            }

            md.AppendLine();
            md.AppendLine($"Baseline job on {Baseline.Set.Rows:N0} rows × {BenchData.NumericFeatures} float64 + {BenchData.CategoricalFeatures} string features (local Parquet, {Baseline.Set.Bytes / 1e9:F2} GB): " +
                $"{Baseline.Cost.Wall.TotalSeconds:F1} s wall, {Baseline.Cost.Cpu.TotalSeconds:F1} s CPU, peak RSS {Baseline.Cost.PeakRssBytes / 1048576.0:F0} MiB.");
            md.AppendLine();
            md.AppendLine("## Targets");
            md.AppendLine();
            md.AppendLine("| Target | Measured | Met |");
            md.AppendLine("|---|---|:-:|");
            foreach (var s in Sizes)
            {
                var label = BenchData.Label(s.Set.Rows).ToUpperInvariant();
                // The like-for-like comparison is on the same local files DuckDB reads; from Azurite the emulator's own
                // CPU shares the same cores (reported above). Each ratio is the median of the rounds' own ratios.
                var r = s.Runs;
                var vsDuck = SizeResults.Ratio(r.DuckHistograms, r.DetectorLocal);
                Target(md, $"{label}: detector ≥ 3× faster than DuckDB's histograms (same local files)",
                    $"{vsDuck:F2}× (from Azurite: {SizeResults.Ratio(r.DuckHistograms, r.Detector):F2}×; engine in-process: {SizeResults.Ratio(r.DuckHistograms, r.EngineLocal):F2}×; CPU: DuckDB {s.DuckHistograms.Cpu.TotalSeconds:F1} s, detector {s.DetectorLocal.Cpu.TotalSeconds:F1} s)", vsDuck >= 3);
                var vsDecode = SizeResults.Ratio(r.DetectorLocal, r.DecodeLocal);
                Target(md, $"{label}: detector within 1.5× of Parquet.Net's bare decode (same local files)",
                    $"{vsDecode:F2}× (rounds: {string.Join(", ", r.DetectorLocal.Zip(r.DecodeLocal, (a, b) => (a.Wall / b.Wall).ToString("F2", CultureInfo.InvariantCulture)))}; engine in-process {SizeResults.Ratio(r.EngineLocal, r.DecodeLocal):F2}×; " +
                    $"the statistics' own cost, engine against the detector's reader without them: {SizeResults.Ratio(r.EngineLocal, r.ReaderLocal):F2}×; the detector's reader against Parquet.Net's decode: {SizeResults.Ratio(r.ReaderLocal, r.DecodeLocal):F2}×; " +
                    $"the decode as its own process, start to exit: {SizeResults.Ratio(r.DetectorLocal, r.DecodeLocalProcess):F2}×; from Azurite {SizeResults.Ratio(r.Detector, r.DecodeBlob):F2}× of decode from Azurite)", vsDecode <= 1.5);
                md.AppendLine($"| {label}: detector vs DuckDB's plain scan (reported) | detector {SizeResults.Ratio(r.DetectorLocal, r.DuckScan):F2}× the scan's time; Parquet.Net local decode {SizeResults.Ratio(r.DecodeLocal, r.DuckScan):F2}× | — |");
            }

            if (Sizes.Count >= 2)
            {
                var small = Sizes.MinBy(s => s.Set.Rows)!;
                var large = Sizes.MaxBy(s => s.Set.Rows)!;
                var largePeak = Math.Max(large.DetectorPeakRss, large.DetectorLocalPeakRss);
                var smallPeak = Math.Max(small.DetectorPeakRss, small.DetectorLocalPeakRss);
                var ratio = (double)largePeak / smallPeak;
                Target(md, $"Peak RSS at {BenchData.Label(large.Set.Rows).ToUpperInvariant()} ≤ 1.2× the RSS at {BenchData.Label(small.Set.Rows).ToUpperInvariant()}, and < 300 MiB",
                    $"{largePeak / 1048576.0:F0} MiB vs {smallPeak / 1048576.0:F0} MiB = {ratio:F2}× (highest of every detector run at each size)", ratio <= 1.2 && largePeak < 300L * 1048576);
            }

            Target(md, "Baseline job on 10M × 50 under a minute", $"{Baseline.Cost.Wall.TotalSeconds:F1} s on {Baseline.Set.Rows:N0} rows", Baseline.Cost.Wall.TotalSeconds < 60 && Baseline.Set.Rows >= 10_000_000);
            Target(md, "Detector fixed cost under 1.5 s", $"{Empty.Wall.TotalSeconds:F2} s", Empty.Wall.TotalSeconds < 1.5);
            foreach (var g in Segments)
            {
                var ratio = SizeResults.Ratio(g.Segmented, g.Plain);
                Target(md, $"{BenchData.Label(g.Set.Rows).ToUpperInvariant()}: {SegmentCount} segments ({SegmentColumn}) ≤ 2× the unsegmented run (same baseline)",
                    $"{ratio:F2}× ({Cost.Median(g.Segmented).Wall.TotalSeconds:F2} s vs {Cost.Median(g.Plain).Wall.TotalSeconds:F2} s; CPU {Cost.Median(g.Segmented).Cpu.TotalSeconds:F1} s vs {Cost.Median(g.Plain).Cpu.TotalSeconds:F1} s; " +
                    $"peak RSS {g.Segmented.Max(c => c.PeakRssBytes) / 1048576.0:F0} MiB vs {g.Plain.Max(c => c.PeakRssBytes) / 1048576.0:F0} MiB; drifted segments: {(g.Drifted.Count == 0 ? "none" : string.Join(", ", g.Drifted))})",
                    ratio <= 2);
            }

            if (Segments.Count > 0)
            {
                md.AppendLine($"| Baseline job with {SegmentCount} segments of {SegmentColumn} (reported; two more reads of the training data) | {SegmentedBaseline.Wall.TotalSeconds:F1} s wall vs {Baseline.Cost.Wall.TotalSeconds:F1} s without, peak RSS {SegmentedBaseline.PeakRssBytes / 1048576.0:F0} MiB | — |");
            }
            md.AppendLine();
            md.AppendLine("## Checks");
            md.AppendLine();
            foreach (var s in Sizes)
            {
                var label = BenchData.Label(s.Set.Rows).ToUpperInvariant();
                md.AppendLine($"- {label}: DuckDB's PSI and KS bucket counts {(s.CountMismatches.Count == 0 ? "equal the engine's for every feature" : "DIFFER: " + string.Join("; ", s.CountMismatches))}; " +
                    $"drifted features (detector report): {(s.DetectorDrifted.Count == 0 ? "none" : string.Join(", ", s.DetectorDrifted))}" +
                    $"{(s.DetectorDrifted.SequenceEqual(s.EngineDrifted) ? "" : $" — in-process engine: {string.Join(", ", s.EngineDrifted)}")}; analysis (PSI, KS p-values, …) {s.EngineAnalyze.TotalSeconds:F2} s of the engine's time.");
            }

            return md.ToString();
        }

        private IEnumerable<string> ReproduceArgs()
        {
            yield return "--rows " + string.Join(',', Sizes.Select(s => BenchData.Label(s.Set.Rows)));
            yield return "--training-rows " + BenchData.Label(Baseline.Set.Rows);
            if (options.Repeat is { } r)
            {
                yield return $"--repeat {r}";
            }
        }

        private static void Target(StringBuilder md, string target, string measured, bool met) =>
            md.AppendLine($"| {target} | {measured} | {(met ? "yes" : "**no**")} |");

        private static string CpuModel()
        {
            try
            {
                return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
            }
            catch (IOException)
            {
                return "unknown CPU";
            }
        }

        private static double MemoryGiB() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
    }
}
