using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using DriftJobs.Storage;

namespace DriftJobs.Benchmarks.Detector;

/// <summary>
/// <c>DriftJobs.Benchmarks incremental</c> (issue #25): the published detector with hour profiles, as processes against
/// Azurite: a cold run against today's detector (DRIFT_HOUR_PROFILES=off), the steady hourly run (23 hours from
/// profiles, one new hour), a 7-day backfill against 168 independent runs, 1/2/4 shard processes, the merge's memory
/// at 24 and 168 hours, the profiles' size, and the steady run without the detector's own page decoder. Writes its
/// section of docs/benchmarks.md (between <see cref="SectionStart"/> and <see cref="SectionEnd"/>), keeping the rest.
/// </summary>
internal static partial class IncrementalSuite
{
    public const string SectionStart = "<!-- incremental -->";
    public const string SectionEnd = "<!-- /incremental -->";

    private const string Usage = """
        usage: DriftJobs.Benchmarks incremental [options]
          --rows 1m,10m            rows per day of logs (24 hour partitions, copied to 8 days) [1m,10m]
          --training-rows 1m       rows of the training set the baseline job profiles [1m]
          --repeat N               rounds per comparison, median reported [3 below 5M rows, else 2]
          --independent N|all      independent runs of the backfill's 168 window ends to time [all below 5M rows, else 8]
          --data DIR               generated data cache [artifacts/bench-data]
          --detector PATH          published detector [artifacts/bench/detector/DriftJobs.Detector]
          --baseline-job DLL       published baseline job [artifacts/bench/baseline/DriftJobs.Baseline.dll]
          --azurite PATH           azurite-blob [$AZURITE_BLOB or tools/azurite/node_modules/.bin/azurite-blob]
          --output FILE            Markdown file whose incremental section is (re)written [docs/benchmarks.md for the full run, else artifacts/bench/incremental-results.md]
        """;

    private const int Days = 8;
    private const int BackfillWindows = 168;
    /// <summary>
    /// Issue #25's "simplify the reader", measured once by this suite (its contender (g), removed with the decoder) and
    /// kept here as the record of the decision: a later run cannot measure a decoder that no longer exists.
    /// </summary>
    private const string ReaderDecision = """
        **Reader decision (measured 2026-12-07 20:58 UTC by this suite, before the change).** The steady hourly run with the
        detector's own Parquet page decoder switched off (`DRIFTJOBS_PARQUET_NET_ONLY=1`, Parquet.Net decoding every page)
        took 1.08× (1M; rounds 1.08, 0.90, 1.19, 1.01, 1.09; 1.53 s vs 1.37 s) and 1.01× (10M; rounds 1.01, 1.19, 0.95,
        1.48, 1.00; 2.29 s vs 2.11 s) the wall time of the run with it. The rule was: within 1.25×, the project does not
        maintain a Parquet decoder for a fraction of a second an hour. Within at both sizes: the decoder
        (PlainChunkDecoder), the memory lent through the batch sink for it and the read plan reused between files went.
        Cold windows pay for it: the detector suite (`make bench-detector`) measures by how much, from its first run after
        the change on (its table, when older than this paragraph's date, was measured with the decoder).
        """;

    // The incremental data: the 24 generated hours (day 05) copied under days 05 to 12 of a prefix of their own.
    private static readonly DateTimeOffset FirstDay = BenchData.WindowEnd.AddHours(-BenchData.Hours);
    private static readonly DateTimeOffset ColdEnd = FirstDay.AddHours(48);
    private static readonly DateTimeOffset SteadyEnd = ColdEnd.AddHours(1);
    private static readonly DateTimeOffset BackfillFrom = FirstDay.AddHours(24);
    private static readonly DateTimeOffset BackfillTo = BackfillFrom.AddHours(BackfillWindows - 1);

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
                await Console.Error.WriteLineAsync($"{what} is not at {path}: run `make bench-incremental` (it publishes the jobs and installs Azurite first).");
                return 2;
            }
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
        var token = cancel.Token;
        var dataRoot = Path.Combine(o.Data, $"v{BenchData.Version}");
        var training = await BenchData.EnsureTrainingAsync(dataRoot, o.TrainingRows, token);
        var logs = new List<DataSet>();
        foreach (var rows in o.Rows)
        {
            logs.Add(await BenchData.EnsureLogsAsync(dataRoot, rows, token));
        }

        await using var azurite = await BenchAzurite.StartAsync(o.Azurite, Path.Combine(dataRoot, "azurite"), token);
        var container = azurite.Container;
        foreach (var set in logs)
        {
            await azurite.EnsureUploadedAsync(dataRoot, set, token);
            await EnsureDaysAsync(container, set, token);
        }

        var environment = new Dictionary<string, string>
        {
            ["AZURE_STORAGE_CONNECTION_STRING"] = azurite.ConnectionString,
            ["DRIFT_CONTAINER"] = BenchAzurite.ContainerName,
            ["MODEL_NAME"] = BenchData.ModelName,
            ["MODEL_VERSION"] = BenchData.ModelVersion,
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        };

        Console.Error.WriteLine($"baseline job on {training.Rows:N0} rows");
        var (_, baselineExit, baselineOutput) = await Measure.JobAsync(o.BaselineJob, new Dictionary<string, string>(environment)
        {
            ["TRAINING_DATA"] = Path.GetFullPath(Path.Combine(dataRoot, training.Prefix)),
            ["FORCE"] = "true",
        }, azurite.ProcessId, token);
        if (baselineExit != 0)
        {
            await Console.Error.WriteLineAsync($"baseline job exited {baselineExit}:\n{baselineOutput}");
            return 1;
        }

        foreach (var (key, value) in o.DetectorImageSettings)
        {
            environment[key] = value;
        }

        var runner = new Runner(o, azurite, environment, token);
        var results = new List<SizeResults>();
        foreach (var set in logs)
        {
            results.Add(await MeasureSizeAsync(runner, set, token));

            // Written after each size, so a run stopped during a larger size keeps the smaller sizes' results.
            var section = ToMarkdown(o, training, results);
            Console.WriteLine(section);
            Directory.CreateDirectory(Path.GetDirectoryName(o.Output)!);
            var existing = File.Exists(o.Output) ? await File.ReadAllTextAsync(o.Output, token) : "";
            await File.WriteAllTextAsync(o.Output, ReplaceSection(existing, section), token);
            Console.Error.WriteLine($"results so far written to {o.Output}");
        }
        return results.All(r => r.ReportsEqual) ? 0 : 1;
    }

    /// <summary>The file with its incremental section replaced by <paramref name="section"/> (appended when it has none).</summary>
    public static string ReplaceSection(string document, string section)
    {
        var marked = $"{SectionStart}\n{section.TrimEnd()}\n{SectionEnd}\n";
        var start = document.IndexOf(SectionStart, StringComparison.Ordinal);
        var end = document.IndexOf(SectionEnd, StringComparison.Ordinal);
        if (start >= 0 && end > start)
        {
            var after = end + SectionEnd.Length;
            after += document.AsSpan(after).StartsWith("\n") ? 1 : 0;
            return document[..start] + marked + document[after..];
        }

        return document.Length == 0 ? marked : document.TrimEnd() + "\n\n" + marked;
    }

    /// <summary><paramref name="document"/> with the incremental section of <paramref name="previous"/> kept (the detector suite rewrites the rest).</summary>
    public static string KeepSection(string? previous, string document)
    {
        if (previous is null)
        {
            return document;
        }

        var start = previous.IndexOf(SectionStart, StringComparison.Ordinal);
        var end = previous.IndexOf(SectionEnd, StringComparison.Ordinal);
        return start >= 0 && end > start
            ? ReplaceSection(document, previous[(start + SectionStart.Length)..end].Trim('\n'))
            : document;
    }

    private static string Prefix(DataSet set) => $"incremental-{BenchData.Label(set.Rows)}";

    /// <summary>The 24 generated hours copied (server side) under each of 8 days, so windows can end anywhere in 7 days.</summary>
    private static async Task EnsureDaysAsync(BlobContainerClient container, DataSet set, CancellationToken token)
    {
        var marker = container.GetBlobClient($"markers/{Prefix(set)}.v{set.Version}.{set.Rows}.{Days}");
        if (await marker.ExistsAsync(token))
        {
            return;
        }

        Console.Error.WriteLine($"copying {set.Prefix} to {Days} days under {Prefix(set)} ({set.Files.Length * Days} blobs)");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var day = FirstDay.ToString("'day='dd", CultureInfo.InvariantCulture);
        var copies = set.Files.SelectMany(f => Enumerable.Range(0, Days).Select(d => (Source: f, Day: d))).ToList();
        await Parallel.ForEachAsync(copies, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = token }, async (copy, t) =>
        {
            var source = container.GetBlobClient(copy.Source);
            var to = FirstDay.AddDays(copy.Day).ToString("'day='dd", CultureInfo.InvariantCulture);
            var name = Prefix(set) + copy.Source[set.Prefix.Length..].Replace($"/{day}/", $"/{to}/", StringComparison.Ordinal);
            var sas = source.GenerateSasUri(BlobSasPermissions.Read, DateTimeOffset.UtcNow.AddHours(2));
            var operation = await container.GetBlobClient(name).StartCopyFromUriAsync(sas, cancellationToken: t);
            await operation.WaitForCompletionAsync(t);
        });
        await marker.UploadAsync(BinaryData.FromString(Prefix(set)), overwrite: true, token);
        Console.Error.WriteLine($"  copied in {clock.Elapsed.TotalSeconds:F0} s");
    }

    private static async Task<SizeResults> MeasureSizeAsync(Runner runner, DataSet set, CancellationToken token)
    {
        var o = runner.Options;
        var repeat = o.Repeat ?? (set.Rows < 5_000_000 ? 3 : 2);
        var prefix = Prefix(set);
        var r = new SizeResults(set);
        var label = BenchData.Label(set.Rows).ToUpperInvariant();
        Console.Error.WriteLine($"== {prefix}: {set.Rows:N0} rows a day, {set.Files.Length} files a day; {repeat} rounds");

        // (a) Cold: no profiles, cache on (writes the 24 profiles), against today's detector (cache off), same window.
        for (var round = 1; round <= repeat; round++)
        {
            string? onReport = null, offReport = null;
            var order = round % 2 == 1 ? new[] { true, false } : [false, true];
            foreach (var on in order)
            {
                await runner.ClearProfilesAsync();
                var run = await runner.RunAsync($"{label} cold, profiles {(on ? "on" : "off")}", Settings(prefix, ColdEnd, profiles: on));
                (on ? r.ColdOn : r.ColdOff).Add(run);
                var report = await runner.ReportAsync(ColdEnd);
                if (on)
                {
                    onReport = report;
                }
                else
                {
                    offReport = report;
                }
            }

            if (!string.Equals(onReport, offReport, StringComparison.Ordinal))
            {
                r.ReportsEqual = false;
                Console.Error.WriteLine($"  REPORTS DIFFER in round {round}:\n--- profiles on\n{onReport}\n--- profiles off\n{offReport}");
            }
        }

        // (b) Steady state: the window ending an hour later; 23 hours from the cold run's profiles, one new hour (its
        // profile deleted before each run).
        await runner.ClearProfilesAsync();
        await runner.RunAsync($"{label} cold, to store the profiles", Settings(prefix, ColdEnd, profiles: true));
        var newHour = StorageLayout.HourProfileBlobName(BenchData.ModelName, BenchData.ModelVersion, SteadyEnd.AddHours(-1));
        var steadyRounds = Math.Max(repeat, 5);
        for (var round = 1; round <= steadyRounds; round++)
        {
            await runner.Container.GetBlobClient(newHour).DeleteIfExistsAsync(cancellationToken: token);
            var run = await runner.RunAsync($"{label} steady", Settings(prefix, SteadyEnd, profiles: true));
            if (run.HoursRead != 1 || run.HoursFromProfiles != 23)
            {
                throw new InvalidOperationException($"steady run read {run.HoursRead} hours and reused {run.HoursFromProfiles}, expected 1 and 23.");
            }

            r.Steady.Add(run);
        }

        // (d) Cold run by 1, 2 and 4 shard processes started at once; time to the last exit.
        foreach (var n in new[] { 1, 2, 4 })
        {
            r.Shards[n] = [];
        }

        for (var round = 1; round <= repeat; round++)
        {
            var order = round % 2 == 1 ? new[] { 1, 2, 4 } : [4, 2, 1];
            foreach (var n in order)
            {
                await runner.ClearProfilesAsync();
                r.Shards[n].Add(await runner.ShardsAsync($"{label} cold, {n} shard(s)", Settings(prefix, ColdEnd, profiles: true), n));
            }
        }

        // (c) 7-day backfill (168 window ends, cold: no profiles, storing every hour's) against independent runs, cache off.
        await runner.ClearProfilesAsync();
        var backfill = Settings(prefix, BackfillTo, profiles: true);
        backfill.Remove("DRIFT_WINDOW_END");
        backfill["DRIFT_BACKFILL_FROM"] = Iso(BackfillFrom);
        backfill["DRIFT_BACKFILL_TO"] = Iso(BackfillTo);
        r.Backfill = await runner.RunAsync($"{label} backfill of {BackfillWindows} windows", backfill);
        if (r.Backfill.Windows != BackfillWindows)
        {
            throw new InvalidOperationException($"backfill logged {r.Backfill.Windows} windows, expected {BackfillWindows}.");
        }

        var sample = o.Independent ?? (set.Rows < 5_000_000 ? BackfillWindows : 8);
        r.IndependentSampled = Math.Min(sample, BackfillWindows) < BackfillWindows;
        var ends = Enumerable.Range(0, Math.Min(sample, BackfillWindows))
            .Select(i => BackfillFrom.AddHours(r.IndependentSampled ? (int)Math.Round(i * (BackfillWindows - 1) / (double)(sample - 1)) : i)).Distinct().ToList();
        foreach (var end in ends)
        {
            r.Independent.Add(await runner.RunAsync($"{label} independent run ending {Iso(end)}, profiles off", Settings(prefix, end, profiles: false), quiet: true));
        }

        Console.Error.WriteLine($"  {ends.Count} independent runs: median {Cost.Median([.. r.Independent.Select(i => i.Cost)]).Wall.TotalSeconds:F2} s");

        // (f) The stored hour profiles' sizes (the backfill stored every hour of the 8 days but the last).
        await foreach (var blob in runner.Container.GetBlobsAsync(BlobTraits.None, BlobStates.None, StorageLayout.HourProfilesRoot + "/", token))
        {
            r.ProfileSizes.Add(blob.Properties.ContentLength ?? 0);
        }

        // (e) The merge's memory: every hour from profiles, a window of 24 hours against one of 168.
        for (var round = 1; round <= repeat; round++)
        {
            var order = round % 2 == 1 ? new[] { 24, 168 } : [168, 24];
            foreach (var hours in order)
            {
                var settings = Settings(prefix, BackfillTo, profiles: true);
                settings["DRIFT_ANALYSIS_WINDOW_HOURS"] = hours.ToString(CultureInfo.InvariantCulture);
                var run = await runner.RunAsync($"{label} all {hours} hours from profiles", settings);
                if (run.HoursRead != 0 || run.HoursFromProfiles != hours)
                {
                    throw new InvalidOperationException($"merge run of {hours} hours read {run.HoursRead} hours and reused {run.HoursFromProfiles}.");
                }

                (hours == 24 ? r.Merge24 : r.Merge168).Add(run);
            }
        }

        return r;
    }

    private static Dictionary<string, string> Settings(string prefix, DateTimeOffset end, bool profiles) => new()
    {
        ["DRIFT_LOGS_PREFIX"] = prefix,
        ["DRIFT_WINDOW_END"] = Iso(end),
        ["DRIFT_ANALYSIS_WINDOW_HOURS"] = BenchData.Hours.ToString(CultureInfo.InvariantCulture),
        ["DRIFT_HOUR_PROFILES"] = profiles ? "on" : "off",
    };

    private static string Iso(DateTimeOffset t) => t.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    /// <summary>One detector run: its cost and what it says it read.</summary>
    private sealed record Run(Cost Cost, int HoursRead, int HoursFromProfiles, long LogBytes, long ProfileBytes, int Windows, string? Phases)
    {
        public long Bytes => LogBytes + ProfileBytes;
    }

    private sealed partial class Runner(Options options, BenchAzurite azurite, IReadOnlyDictionary<string, string> environment, CancellationToken token)
    {
        public Options Options => options;

        public BlobContainerClient Container { get; } = azurite.Container;

        public async Task ClearProfilesAsync()
        {
            var names = new List<string>();
            await foreach (var blob in Container.GetBlobsAsync(BlobTraits.None, BlobStates.None, StorageLayout.HourProfilesRoot + "/", token))
            {
                names.Add(blob.Name);
            }

            await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = token },
                async (name, t) => await Container.GetBlobClient(name).DeleteIfExistsAsync(cancellationToken: t));
        }

        public async Task<string> ReportAsync(DateTimeOffset end)
        {
            var content = await Container.GetBlobClient(StorageLayout.ReportBlobName(BenchData.ModelName, BenchData.ModelVersion, end)).DownloadContentAsync(token);
            return content.Value.Content.ToString();
        }

        public async Task<Run> RunAsync(string what, Dictionary<string, string> settings, bool quiet = false)
        {
            await Measure.SettleAsync(azurite.ProcessId, token);
            var (cost, exit, output) = await Measure.JobAsync(options.Detector, Merge(settings), azurite.ProcessId, token);
            if (exit != 0)
            {
                throw new InvalidOperationException($"detector exited {exit} ({what}):\n{output}");
            }

            var run = Parse(cost, [output]);
            if (!quiet)
            {
                Console.Error.WriteLine($"  {what}: {cost.Wall.TotalSeconds:F2} s wall, {cost.Cpu.TotalSeconds:F2} s CPU, {cost.PeakRssBytes / 1048576.0:F0} MiB; " +
                    $"hours {run.HoursRead} read + {run.HoursFromProfiles} from profiles, {run.LogBytes:N0} + {run.ProfileBytes:N0} bytes");
            }

            return run;
        }

        public async Task<Run> ShardsAsync(string what, Dictionary<string, string> settings, int shards)
        {
            await Measure.SettleAsync(azurite.ProcessId, token);
            var environments = Enumerable.Range(0, shards).Select(i =>
            {
                var e = Merge(settings);
                e["DRIFT_SHARDS"] = shards.ToString(CultureInfo.InvariantCulture);
                e["JOB_COMPLETION_INDEX"] = i.ToString(CultureInfo.InvariantCulture);
                e["DRIFT_SHARD_WAIT_SECONDS"] = "600";
                return (IReadOnlyDictionary<string, string>)e;
            }).ToList();
            var (cost, children) = await Measure.GroupAsync(options.Detector, environments, azurite.ProcessId, token);
            if (children.FirstOrDefault(c => c.ExitCode != 0) is { Output: not null } failed && failed.ExitCode != 0)
            {
                throw new InvalidOperationException($"a shard exited {failed.ExitCode} ({what}):\n{failed.Output}");
            }

            var run = Parse(cost, [.. children.Select(c => c.Output)]);
            Console.Error.WriteLine($"  {what}: {cost.Wall.TotalSeconds:F2} s to the last exit, {cost.Cpu.TotalSeconds:F2} s CPU, highest RSS {cost.PeakRssBytes / 1048576.0:F0} MiB; " +
                $"{run.LogBytes:N0} bytes of logs, {run.ProfileBytes:N0} bytes of profiles over all shards");
            return run;
        }

        private Dictionary<string, string> Merge(Dictionary<string, string> settings)
        {
            var all = new Dictionary<string, string>(environment);
            foreach (var (key, value) in settings)
            {
                all[key] = value;
            }

            return all;
        }

        /// <summary>
        /// What the detector logged: its "Window of … hours" events (one a window; a backfill logs 168, the shards one
        /// each, shard 0's counting what it took from the others' profiles), and its phases.
        /// </summary>
        private static Run Parse(Cost cost, IReadOnlyList<string> outputs)
        {
            int read = 0, reused = 0, windows = 0;
            long logBytes = 0, profileBytes = 0;
            string? phases = null;
            foreach (var line in outputs.SelectMany(o => o.Split('\n')).Where(l => l.StartsWith('{')))
            {
                using var json = JsonDocument.Parse(line);
                var root = json.RootElement;
                if (root.TryGetProperty("LogBytes", out var lb) && root.TryGetProperty("ProfileBytes", out var pb))
                {
                    windows++;
                    logBytes += lb.GetInt64();
                    profileBytes += pb.GetInt64();
                    read += root.GetProperty("Read").GetInt32();
                    reused += root.GetProperty("Reused").GetInt32();
                }
                else if (root.TryGetProperty("@m", out var m) && m.GetString() is { } message && message.StartsWith("Time spent:", StringComparison.Ordinal))
                {
                    phases = message;
                }
            }

            // Cross-check with the line the run prints (absent from a backfill and from shards other than 0).
            foreach (var match in outputs.Select(o => HoursLine().Match(o)).Where(m => m.Success))
            {
                static long Number(Group g) => long.Parse(g.Value.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
                if (outputs.Count == 1 && (Number(match.Groups[1]) != read || Number(match.Groups[2]) != reused || Number(match.Groups[3]) != logBytes || Number(match.Groups[4]) != profileBytes))
                {
                    throw new InvalidOperationException($"the detector's Hours line ({match.Value}) differs from its log events ({read}, {reused}, {logBytes}, {profileBytes}).");
                }
            }

            return new Run(cost with { Phases = phases }, read, reused, logBytes, profileBytes, windows, phases);
        }

        [GeneratedRegex(@"Hours: (\d+) read from the logs, (\d+) from hour profiles \(([\d,]+) bytes of logs, ([\d,]+) bytes of profiles\)")]
        private static partial Regex HoursLine();
    }

    private sealed class SizeResults(DataSet set)
    {
        public DataSet Set { get; } = set;

        public List<Run> ColdOn { get; } = [];

        public List<Run> ColdOff { get; } = [];

        public bool ReportsEqual { get; set; } = true;

        public List<Run> Steady { get; } = [];

        public Dictionary<int, List<Run>> Shards { get; } = [];

        public Run Backfill { get; set; } = null!;

        public List<Run> Independent { get; } = [];

        public bool IndependentSampled { get; set; }

        public List<Run> Merge24 { get; } = [];

        public List<Run> Merge168 { get; } = [];

        public List<long> ProfileSizes { get; } = [];
    }

    private static Run Median(IReadOnlyList<Run> runs) => runs.OrderBy(r => r.Cost.Wall).ElementAt(runs.Count / 2);

    private static double MedianOf(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>Median over the rounds of one contender's wall time over another's in the same round.</summary>
    private static double Ratio(IReadOnlyList<Run> of, IReadOnlyList<Run> to) => MedianOf(of.Zip(to, (a, b) => a.Cost.Wall / b.Cost.Wall));

    private static string Rounds(IReadOnlyList<Run> of, IReadOnlyList<Run> to) =>
        string.Join(", ", of.Zip(to, (a, b) => (a.Cost.Wall / b.Cost.Wall).ToString("F2", CultureInfo.InvariantCulture)));

    private static string Walls(IEnumerable<Run> runs) => string.Join(", ", runs.Select(r => r.Cost.Wall.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)));

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("F0", CultureInfo.InvariantCulture);

    private static string Mb(long bytes) => (bytes / 1e6).ToString(bytes < 10_000_000 ? "F2" : "F0", CultureInfo.InvariantCulture);

    private static string ToMarkdown(Options o, DataSet training, IReadOnlyList<SizeResults> sizes)
    {
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine("## Incremental detector: hour profiles, backfill, shards (issue #25)");
        md.AppendLine();
        md.AppendLine("Generated by `make bench-incremental` (the `incremental` suite of bench/DriftJobs.Benchmarks), which rewrites only this section; do not edit by hand.");
        md.AppendLine();
        md.AppendLine(inv, $"- Date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        md.AppendLine(inv, $"- Reproduce: `make bench-incremental BENCH_INCREMENTAL_ARGS=\"--rows {string.Join(',', sizes.Select(s => BenchData.Label(s.Set.Rows)))}{(o.Repeat is { } rep ? $" --repeat {rep}" : "")}{(o.Independent is { } independent ? $" --independent {independent}" : "")}\"`");
        md.AppendLine(inv, $"- Data: the detector suite's 24 hour partitions per size (rows a day as labelled, {BenchData.RowsPerLogFile:N0}-row files, {BenchData.NumericFeatures} float64 + {BenchData.CategoricalFeatures} string features), " +
            $"copied inside Azurite (server-side copy) under {Days} days, so windows can end anywhere in 7 days; every day has the same files. Baseline from a {training.Rows:N0}-row training set (the detector suite's is 10M rows; the baseline's size does not change what is read).");
        md.AppendLine("- Detector: the published Native AOT job as a process against Azurite on loopback (Node.js, on the same cores), start to exit, each run once Azurite has been idle for half a second; " +
            "runtime settings of its image. Bytes read = the logs' bytes + the hour profiles' bytes the detector itself logs (`Window of … hours` events; the same as its `Hours:` line). " +
            "Runs go in rounds, each contender once per round, in alternating order (this machine's speed drifts); times are medians, ratios medians of the rounds' own ratios.");
        md.AppendLine("- Cold: no hour profiles stored, cache on (it writes the window's 24 profiles), against today's detector (`DRIFT_HOUR_PROFILES=off`) on the same window. Steady state: the window ending one hour later, its first 23 hours' profiles stored by the cold run, the new hour's profile deleted before each run (so it is read from the logs).");
        md.AppendLine();
        md.AppendLine("| Rows a day | Run | Wall s | CPU s | Peak RSS MiB | Hours read / from profiles | MB of logs | MB of profiles | Rounds (wall s) |");
        md.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var s in sizes)
        {
            var label = BenchData.Label(s.Set.Rows).ToUpperInvariant();
            void Row(string name, IReadOnlyList<Run> runs)
            {
                var m = Median(runs);
                md.AppendLine(inv, $"| {label} | {name} | {m.Cost.Wall.TotalSeconds:F2} | {m.Cost.Cpu.TotalSeconds:F2} | {Mib(runs.Max(r => r.Cost.PeakRssBytes))} | {m.HoursRead} / {m.HoursFromProfiles} | {Mb(m.LogBytes)} | {Mb(m.ProfileBytes)} | {Walls(runs)} |");
            }

            Row("(a) cold, hour profiles on (writes 24 profiles)", s.ColdOn);
            Row("(a) cold, today's detector (`DRIFT_HOUR_PROFILES=off`)", s.ColdOff);
            Row("(b) steady hourly run: 1 new hour + 23 from profiles", s.Steady);
            foreach (var (n, runs) in s.Shards.OrderBy(kv => kv.Key))
            {
                Row($"(d) cold, {n} shard process{(n == 1 ? "" : "es")} started at once (to the last exit; CPU and bytes of all)", runs);
            }

            md.AppendLine(inv, $"| {label} | (c) backfill, one process, {BackfillWindows} window ends (no profiles at start; stores them) | {s.Backfill.Cost.Wall.TotalSeconds:F2} | {s.Backfill.Cost.Cpu.TotalSeconds:F2} | {Mib(s.Backfill.Cost.PeakRssBytes)} | {s.Backfill.HoursRead} / {s.Backfill.HoursFromProfiles} | {Mb(s.Backfill.LogBytes)} | {Mb(s.Backfill.ProfileBytes)} | |");
            var ind = Median(s.Independent);
            var indWall = s.IndependentSampled ? ind.Cost.Wall.TotalSeconds * BackfillWindows : s.Independent.Sum(r => r.Cost.Wall.TotalSeconds);
            var indCpu = s.IndependentSampled ? ind.Cost.Cpu.TotalSeconds * BackfillWindows : s.Independent.Sum(r => r.Cost.Cpu.TotalSeconds);
            var indLogs = s.IndependentSampled ? ind.LogBytes * BackfillWindows : s.Independent.Sum(r => r.LogBytes);
            md.AppendLine(inv, $"| {label} | (c) {BackfillWindows} independent runs, profiles off{(s.IndependentSampled ? $" — **estimate**: median of {s.Independent.Count} runs spread over the range × {BackfillWindows}" : $" (all {s.Independent.Count}, summed)")} | {indWall:F1} | {indCpu:F1} | {Mib(s.Independent.Max(r => r.Cost.PeakRssBytes))} | {s.Independent.Sum(r => r.HoursRead) * (s.IndependentSampled ? BackfillWindows / s.Independent.Count : 1)} / 0 | {Mb(indLogs)} | 0 | {(s.IndependentSampled ? Walls(s.Independent) : $"median {ind.Cost.Wall.TotalSeconds:F2}, min {s.Independent.Min(r => r.Cost.Wall.TotalSeconds):F2}, max {s.Independent.Max(r => r.Cost.Wall.TotalSeconds):F2}")} |");
            Row("(e) window of 24 hours, all from profiles (the merge alone)", s.Merge24);
            Row("(e) window of 168 hours, all from profiles", s.Merge168);
        }

        md.AppendLine();
        md.AppendLine("### Targets and findings");
        md.AppendLine();
        md.AppendLine("| Measure | Measured | Met |");
        md.AppendLine("|---|---|:-:|");
        foreach (var s in sizes)
        {
            var label = BenchData.Label(s.Set.Rows).ToUpperInvariant();
            var cold = Median(s.ColdOn);
            var steady = Median(s.Steady);
            var wallRatio = MedianOf(s.Steady.Select(st => st.Cost.Wall.TotalSeconds)) / MedianOf(s.ColdOn.Select(c => c.Cost.Wall.TotalSeconds));
            var bytesRatio = (double)steady.Bytes / cold.Bytes;
            md.AppendLine(inv, $"| {label}: cold run with hour profiles on vs today's detector | {Ratio(s.ColdOn, s.ColdOff):F2}× the wall time (rounds: {Rounds(s.ColdOn, s.ColdOff)}); report JSON {(s.ReportsEqual ? "byte for byte equal in every round" : "**DIFFERS**")} | {(s.ReportsEqual ? "yes" : "**no**")} |");
            md.AppendLine(inv, $"| {label}: steady hourly run ≤ 1/10 of the cold run's wall time | {wallRatio:F3} ({steady.Cost.Wall.TotalSeconds:F2} s vs {cold.Cost.Wall.TotalSeconds:F2} s; 1/{1 / wallRatio:F1}) | {(wallRatio <= 0.1 ? "yes" : "**no**")} |");
            md.AppendLine(inv, $"| {label}: steady hourly run's bytes read ≤ 1/10 of the cold run's | {bytesRatio:F3} ({steady.Bytes:N0} vs {cold.Bytes:N0} bytes; 1/{1 / bytesRatio:F1}) | {(bytesRatio <= 0.1 ? "yes" : "**no**")} |");
            var ind = Median(s.Independent);
            var indWall = s.IndependentSampled ? ind.Cost.Wall.TotalSeconds * BackfillWindows : s.Independent.Sum(r => r.Cost.Wall.TotalSeconds);
            md.AppendLine(inv, $"| {label}: 7-day backfill vs {BackfillWindows} independent runs | {indWall / s.Backfill.Cost.Wall.TotalSeconds:F1}× faster ({s.Backfill.Cost.Wall.TotalSeconds:F1} s vs {indWall:F1} s{(s.IndependentSampled ? ", the latter estimated" : "")}); {s.Backfill.HoursRead} hours read once instead of {BackfillWindows * 24} | — |");
            var c1 = MedianOf(s.Shards[1].Select(x => x.Cost.Wall.TotalSeconds));
            var merge = MedianOf(s.Merge24.Select(x => x.Cost.Wall.TotalSeconds));
            var model = string.Join(", ", new[] { 2, 4, 8 }.Select(n => $"{n} pods ≈ {(c1 / n) + merge:F1} s"));
            md.AppendLine(inv, $"| {label}: shards on this 2-core machine (medians) | 1: {c1:F2} s, 2: {MedianOf(s.Shards[2].Select(x => x.Cost.Wall.TotalSeconds)):F2} s, 4: {MedianOf(s.Shards[4].Select(x => x.Cost.Wall.TotalSeconds)):F2} s. Model for N pods on N machines: cold / N + merge, merge = the all-from-profiles 24-hour run ({merge:F2} s): {model} (plus shard 0's polling for the others' profiles: 1 s, then ×1.5 up to 10 s) | — |");
            var r24 = s.Merge24.Max(x => x.Cost.PeakRssBytes);
            var r168 = s.Merge168.Max(x => x.Cost.PeakRssBytes);
            md.AppendLine(inv, $"| {label}: merge's peak RSS flat in the window's hours | 24 hours: {Mib(r24)} MiB, 168 hours: {Mib(r168)} MiB ({(double)r168 / r24:F2}×); wall {Median(s.Merge24).Cost.Wall.TotalSeconds:F2} s vs {Median(s.Merge168).Cost.Wall.TotalSeconds:F2} s | {((double)r168 / r24 <= 1.2 ? "yes" : "**no**")} |");
            var sizesSorted = s.ProfileSizes.Order().ToList();
            md.AppendLine(inv, $"| {label}: hour profile size (gzip over a JSON header and varint counts, blobs under drift-profiles/) | {sizesSorted.Count} profiles: median {sizesSorted[sizesSorted.Count / 2]:N0} bytes, min {sizesSorted[0]:N0}, max {sizesSorted[^1]:N0}; total {sizesSorted.Sum() / 1e6:F2} MB (the hour's logs: {s.Set.Bytes / BenchData.Hours / 1e6:F1} MB) | — |");
            var coldCpu = cold.Cost.Cpu.TotalSeconds;
            md.AppendLine(inv, $"| {label}: rows one pod profiles on a cold run (Sizing) | {s.Set.Rows / cold.Cost.Wall.TotalSeconds / 1e6:F2} M rows/s of wall, {s.Set.Rows / coldCpu / 1e6:F2} M rows per CPU second (cache on; from Azurite, whose own CPU is not counted) | — |");
        }

        md.AppendLine();
        md.AppendLine(ReaderDecision);
        md.AppendLine();
        md.AppendLine("Where the time went, in the detector's own log (the median run):");
        md.AppendLine();
        foreach (var s in sizes)
        {
            var label = BenchData.Label(s.Set.Rows).ToUpperInvariant();
            md.AppendLine(inv, $"- {label} cold, profiles on: {Median(s.ColdOn).Phases ?? "(not logged)"}");
            md.AppendLine(inv, $"- {label} steady: {Median(s.Steady).Phases ?? "(not logged)"}");
            md.AppendLine(inv, $"- {label} all 24 hours from profiles: {Median(s.Merge24).Phases ?? "(not logged)"}");
            md.AppendLine(inv, $"- {label} all 168 hours from profiles: {Median(s.Merge168).Phases ?? "(not logged)"}");
            md.AppendLine(inv, $"- {label}: Azurite's own CPU (Node.js, same cores) serving the cold run: {Median(s.ColdOn).Cost.AzuriteCpu.TotalSeconds:F2} s; the steady run: {Median(s.Steady).Cost.AzuriteCpu.TotalSeconds:F2} s");
        }

        return md.ToString();
    }

    private sealed record Options(
        IReadOnlyList<long> Rows, long TrainingRows, int? Repeat, int? Independent, string Data, string Detector, string BaselineJob, string Azurite, string Output,
        IReadOnlyDictionary<string, string> DetectorImageSettings)
    {
        public static Options Parse(string[] args)
        {
            var values = BenchData.ParseOptions(args, new HashSet<string>(["rows", "training-rows", "repeat", "independent", "data", "detector", "baseline-job", "azurite", "output"]));

            var root = BenchData.RepositoryRoot();
            string Get(string key, string fallback) => values.TryGetValue(key, out var v) ? v : fallback;
            string[] defaults = ["1m", "10m"];
            var rowsText = values.TryGetValue("rows", out var r) ? r.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : defaults;
            var full = rowsText.Order().SequenceEqual(defaults.Order());
            var azurite = Environment.GetEnvironmentVariable("AZURITE_BLOB") is { Length: > 0 } env ? env : Path.Combine(root, "tools", "azurite", "node_modules", ".bin", "azurite-blob");
            int? independent = values.TryGetValue("independent", out var independentText)
                ? independentText == "all" ? BackfillWindows : int.Parse(independentText, CultureInfo.InvariantCulture) is var n && n >= 2 ? n : throw new ArgumentException("--independent needs all or at least 2")
                : null;
            return new Options(
                [.. rowsText.Select(BenchData.ParseRows)],
                BenchData.ParseRows(Get("training-rows", "1m")),
                values.TryGetValue("repeat", out var repeat) ? int.Parse(repeat, CultureInfo.InvariantCulture) : null,
                independent,
                Path.GetFullPath(Get("data", Path.Combine(root, "artifacts", "bench-data"))),
                Path.GetFullPath(Get("detector", Path.Combine(root, "artifacts", "bench", "detector", "DriftJobs.Detector"))),
                Path.GetFullPath(Get("baseline-job", Path.Combine(root, "artifacts", "bench", "baseline", "DriftJobs.Baseline.dll"))),
                Get("azurite", azurite),
                Path.GetFullPath(Get("output", full ? Path.Combine(root, "docs", "benchmarks.md") : Path.Combine(root, "artifacts", "bench", "incremental-results.md"))),
                ImageRuntime.Settings(Path.Combine(root, "Dockerfile.detector")));
        }

    }
}
