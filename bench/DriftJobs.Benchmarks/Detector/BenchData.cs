using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Parquet;
using Parquet.Schema;

namespace DriftJobs.Benchmarks.Detector;

/// <summary>
/// The detector benchmark's data, generated once and cached under <c>artifacts/bench-data</c>: 24 hour partitions
/// of inference logs as our logger writes them (zero-padded partitions, one Snappy row group of 10,000 rows per
/// file, the logger's columns and file names), and a training set of the same features for the baseline. 50
/// float64 features (normal, integer counts with many ties, prices rounded to cents, uniform; a few with nulls;
/// the last ten shifted in the logs by 0.001 to 1 standard deviations) and 5 string features (up to 500
/// categories; one gains unseen values in the logs). Deterministic: the same version and row count always give the
/// same bytes.
/// </summary>
internal static class BenchData
{
    public const string ModelName = "bench-model";
    public const string ModelVersion = "1";
    public const int Hours = 24;
    public const int NumericFeatures = 50;
    public const int CategoricalFeatures = 5;

    /// <summary>The logger's default batch: it writes one file with one row group per batch.</summary>
    public const int RowsPerLogFile = 10_000;

    public const int TrainingRowsPerFile = 1_000_000;
    public const int TrainingRowGroup = 125_000;

    /// <summary>Bump when the generator changes, so cached data is regenerated.</summary>
    public const int Version = 1;

    public static readonly DateTimeOffset WindowEnd = new(2026, 1, 6, 0, 0, 0, TimeSpan.Zero);

    private static readonly double[] LogShifts = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0];

    private static readonly ParquetOptions WriteOptions = new()
    {
        CompressionMethod = CompressionMethod.Snappy,
        DictionaryEncodingSampleSize = 1_000,
    };

    public static IReadOnlyList<string> NumericNames { get; } =
        [.. Enumerable.Range(0, NumericFeatures).Select(i => $"f{i:D2}")];

    public static IReadOnlyList<string> CategoricalNames { get; } =
        [.. Enumerable.Range(0, CategoricalFeatures).Select(i => $"c{i}")];

    /// <summary>The logs prefix (in the container and under the local mirror) of the window with <paramref name="rows"/> rows.</summary>
    public static string LogsPrefix(long rows) => $"logs-{Label(rows)}";

    public static string TrainingPrefix(long rows) => $"training-{Label(rows)}";

    /// <summary>The suites' <c>--name value</c> options, refusing a stray argument or a name not in <paramref name="known"/>.</summary>
    public static Dictionary<string, string> ParseOptions(string[] args, IReadOnlySet<string> known)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"unexpected argument '{args[i]}'");
            }

            values[args[i][2..]] = args[++i];
        }

        if (values.Keys.FirstOrDefault(k => !known.Contains(k)) is { } unknown)
        {
            throw new ArgumentException($"unknown option --{unknown}");
        }

        return values;
    }

    /// <summary>A row count as the suites' options give it (1m, 500k, 10m), <see cref="Label"/>'s inverse.</summary>
    public static long ParseRows(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        var scale = t.EndsWith('m') ? 1_000_000 : t.EndsWith('k') ? 1000 : 1;
        var number = scale == 1 ? t : t[..^1];
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 1 && n * scale <= 1e9
            ? (long)(n * scale)
            : throw new ArgumentException($"'{text}' is not a row count (e.g. 1m, 500k, 10m)");
    }

    /// <summary>The folder holding DriftJobs.sln, looked for from the current one up; the current one when there is none.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DriftJobs.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }

    public static string Label(long rows) => rows % 1_000_000 == 0 ? $"{rows / 1_000_000}m" : rows % 1000 == 0 ? $"{rows / 1000}k" : rows.ToString(CultureInfo.InvariantCulture);

    /// <summary>Writes the logs of a window of <paramref name="rows"/> rows under <paramref name="root"/> unless already there.</summary>
    public static async Task<DataSet> EnsureLogsAsync(string root, long rows, CancellationToken cancellationToken)
    {
        var prefix = LogsPrefix(rows);
        return await EnsureAsync(root, prefix, rows, LogFiles(prefix, rows), WriteLogFileAsync, cancellationToken);
    }

    /// <summary>Writes a training set of <paramref name="rows"/> rows (same features, unshifted) unless already there.</summary>
    public static async Task<DataSet> EnsureTrainingAsync(string root, long rows, CancellationToken cancellationToken)
    {
        var prefix = TrainingPrefix(rows);
        var files = new List<PlannedFile>();
        for (long start = 0, index = 0; start < rows; start += TrainingRowsPerFile, index++)
        {
            files.Add(new PlannedFile($"{prefix}/part-{index:D5}.parquet", start, (int)Math.Min(TrainingRowsPerFile, rows - start), default));
        }

        return await EnsureAsync(root, prefix, rows, files, WriteTrainingFileAsync, cancellationToken);
    }

    private static List<PlannedFile> LogFiles(string prefix, long rows)
    {
        var files = new List<PlannedFile>();
        var start = WindowEnd.AddHours(-Hours);
        long first = 0;
        for (var h = 0; h < Hours; h++)
        {
            // Rows spread evenly over the hours; each hour's rows in files of the logger's batch size.
            var hourRows = (rows * (h + 1) / Hours) - (rows * h / Hours);
            var hour = start.AddHours(h);
            var sequence = 1;
            for (long offset = 0; offset < hourRows; offset += RowsPerLogFile, sequence++)
            {
                var count = (int)Math.Min(RowsPerLogFile, hourRows - offset);
                var writtenAt = hour.AddSeconds(10 * sequence);
                var name = string.Create(CultureInfo.InvariantCulture,
                    $"{prefix}/year={hour:yyyy}/month={hour:MM}/day={hour:dd}/hour={hour:HH}/{ModelName}-{ModelVersion}-gw-0-{writtenAt.UtcDateTime:yyyyMMdd'T'HHmmss}-{sequence:D6}.parquet");
                files.Add(new PlannedFile(name, first + offset, count, hour));
            }

            first += hourRows;
        }

        return files;
    }

    private static async Task<DataSet> EnsureAsync(
        string root, string prefix, long rows, List<PlannedFile> files, Func<string, PlannedFile, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var manifestPath = Path.Combine(root, prefix + ".manifest.json");
        var folder = Path.Combine(root, prefix);
        if (File.Exists(manifestPath))
        {
            var existing = JsonSerializer.Deserialize<DataSet>(File.ReadAllText(manifestPath));
            if (existing is not null && existing.Version == Version && existing.Rows == rows && existing.Files.All(f => File.Exists(Path.Combine(root, f))))
            {
                return existing;
            }
        }

        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Console.Error.WriteLine($"generating {prefix}: {rows:N0} rows in {files.Count} files under {folder}");
        var clock = Stopwatch.StartNew();
        var done = 0;
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken }, async (file, token) =>
        {
            var path = Path.Combine(root, file.Name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await write(path, file, token);
            var n = Interlocked.Increment(ref done);
            if (n % 100 == 0 || n == files.Count)
            {
                Console.Error.WriteLine($"  {n}/{files.Count} files, {clock.Elapsed.TotalSeconds:F0} s");
            }
        });

        var bytes = files.Sum(f => new FileInfo(Path.Combine(root, f.Name)).Length);
        var set = new DataSet(Version, prefix, rows, bytes, [.. files.Select(f => f.Name)]);
        File.WriteAllText(manifestPath, JsonSerializer.Serialize(set));
        return set;
    }

    private static ParquetSchema LogSchema() => new(
    [
        new DateTimeDataField("timestamp", DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: false),
        new DataField<string>("request_id", nullable: true),
        new DataField<string>("model_name", nullable: false),
        new DataField<string>("model_version", nullable: false),
        .. FeatureFields(),
        new DataField<double?>("prediction", nullable: true),
        new DataField<double?>("prediction_score", nullable: true),
    ]);

    private static ParquetSchema TrainingSchema() => new([.. FeatureFields()]);

    // The logger orders feature columns by name (ordinal): c0..c4, then f00..f49.
    private static IEnumerable<Field> FeatureFields() =>
        CategoricalNames.Select(n => (Field)new DataField<string>(n, nullable: true))
            .Concat(NumericNames.Select(n => new DataField<double?>(n, nullable: true)));

    private static async Task WriteLogFileAsync(string path, PlannedFile file, CancellationToken cancellationToken)
    {
        var schema = LogSchema();
        var fields = schema.DataFields;
        var rows = file.Rows;
        var columns = new FeatureColumns(rows, file.FirstRow, shifted: true);
        var timestamps = new DateTime[rows];
        var requestText = new char[rows * 16];
        var requestIds = new ReadOnlyMemory<char>?[rows];
        var names = new ReadOnlyMemory<char>[rows];
        var versions = new ReadOnlyMemory<char>[rows];
        var predictions = new double?[rows];
        var scores = new double?[rows];
        var random = new Xoshiro(file.FirstRow ^ 0x5DEECE66DL);
        var spacing = TimeSpan.FromHours(1).Ticks / Math.Max(rows, 1);
        for (var r = 0; r < rows; r++)
        {
            timestamps[r] = new DateTime(file.Hour.UtcTicks + (r * spacing), DateTimeKind.Utc);
            var id = requestText.AsMemory(r * 16, 16);
            (file.FirstRow + r).TryFormat(id.Span, out _, "x16", CultureInfo.InvariantCulture);
            requestIds[r] = id;
            names[r] = ModelName.AsMemory();
            versions[r] = ModelVersion.AsMemory();
            scores[r] = random.NextDouble();
            predictions[r] = scores[r] > 0.5 ? 1 : 0;
        }

        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(schema, stream, WriteOptions, cancellationToken: cancellationToken);
        using var group = writer.CreateRowGroup();
        await group.WriteAsync<DateTime>(fields[0], timestamps, null, null, cancellationToken);
        await group.WriteAsync<ReadOnlyMemory<char>>(fields[1], requestIds, null, null, cancellationToken);
        await group.WriteAsync<ReadOnlyMemory<char>>(fields[2], names, null, null, cancellationToken);
        await group.WriteAsync<ReadOnlyMemory<char>>(fields[3], versions, null, null, cancellationToken);
        await columns.WriteAsync(group, fields, 4, cancellationToken);
        await group.WriteAsync<double>(fields[^2], predictions, null, null, cancellationToken);
        await group.WriteAsync<double>(fields[^1], scores, null, null, cancellationToken);
        group.CompleteValidate();
    }

    private static async Task WriteTrainingFileAsync(string path, PlannedFile file, CancellationToken cancellationToken)
    {
        var schema = TrainingSchema();
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(schema, stream, WriteOptions, cancellationToken: cancellationToken);
        for (var offset = 0; offset < file.Rows; offset += TrainingRowGroup)
        {
            var rows = Math.Min(TrainingRowGroup, file.Rows - offset);
            // Training rows are numbered far away from log rows so the two never share random streams.
            var columns = new FeatureColumns(rows, (1L << 40) + file.FirstRow + offset, shifted: false);
            using var group = writer.CreateRowGroup();
            await columns.WriteAsync(group, schema.DataFields, 0, cancellationToken);
            group.CompleteValidate();
        }
    }

    /// <summary>The 55 feature columns of a block of rows, generated column by column from per-block seeds.</summary>
    private sealed class FeatureColumns
    {
        private readonly ReadOnlyMemory<char>?[][] _categorical = new ReadOnlyMemory<char>?[CategoricalFeatures][];
        private readonly double?[][] _numeric = new double?[NumericFeatures][];

        public FeatureColumns(int rows, long firstRow, bool shifted)
        {
            for (var c = 0; c < CategoricalFeatures; c++)
            {
                var random = new Xoshiro(firstRow * 131 + c + 7);
                var values = new ReadOnlyMemory<char>?[rows];
                var categories = Categories.Of(c, shifted);
                for (var r = 0; r < rows; r++)
                {
                    values[r] = categories.Draw(ref random);
                }

                _categorical[c] = values;
            }

            for (var f = 0; f < NumericFeatures; f++)
            {
                var random = new Xoshiro(firstRow * 131 + 1000 + f);
                var values = new double?[rows];
                var shift = shifted && f >= NumericFeatures - LogShifts.Length ? LogShifts[f - (NumericFeatures - LogShifts.Length)] : 0.0;
                var missing = f % 7 == 3 ? 0.02 : 0.0;
                var mean = 0.1 * f;
                var std = 1 + (f % 4);
                for (var r = 0; r < rows; r++)
                {
                    if (missing > 0 && random.NextDouble() < missing)
                    {
                        values[r] = null;
                        continue;
                    }

                    var z = random.NextNormal() + shift;
                    values[r] = (f % 5) switch
                    {
                        // Integer counts: many ties, few distinct values.
                        2 => Math.Floor(Math.Exp(1 + (0.8 * z))),
                        // Prices: log-normal, rounded to cents.
                        3 => Math.Round(Math.Exp(3 + (0.5 * z)), 2),
                        // Bounded scores.
                        4 => 1 / (1 + Math.Exp(-z)),
                        _ => mean + (std * z),
                    };
                }

                _numeric[f] = values;
            }
        }

        public async Task WriteAsync(ParquetRowGroupWriter group, DataField[] fields, int firstField, CancellationToken cancellationToken)
        {
            for (var c = 0; c < CategoricalFeatures; c++)
            {
                await group.WriteAsync<ReadOnlyMemory<char>>(fields[firstField + c], _categorical[c], null, null, cancellationToken);
            }

            for (var f = 0; f < NumericFeatures; f++)
            {
                await group.WriteAsync<double>(fields[firstField + CategoricalFeatures + f], _numeric[f], null, null, cancellationToken);
            }
        }
    }

    /// <summary>Category draws through a 4096-slot table (Zipf-like shares), with an optional share of nulls.</summary>
    private sealed class Categories
    {
        private static readonly Categories?[] Cache = new Categories?[CategoricalFeatures * 2];

        private readonly ReadOnlyMemory<char>?[] _slots = new ReadOnlyMemory<char>?[4096];

        private Categories(int count, double skew, double nullShare, int unseen, string prefix)
        {
            var weights = Enumerable.Range(1, count).Select(k => 1 / Math.Pow(k, skew)).ToArray();
            var total = weights.Sum();
            var slot = 0;
            var nulls = (int)(nullShare * _slots.Length);
            var unseenSlots = unseen > 0 ? _slots.Length / 50 : 0;
            var available = _slots.Length - nulls - unseenSlots;
            for (var k = 0; k < count && slot < available; k++)
            {
                var take = Math.Max(1, (int)Math.Round(weights[k] / total * available));
                for (var i = 0; i < take && slot < available; i++)
                {
                    _slots[slot++] = $"{prefix}{k}".AsMemory();
                }
            }

            for (var i = 0; i < unseenSlots; i++)
            {
                _slots[slot++] = $"new-{i % unseen}".AsMemory();
            }

            while (slot < _slots.Length)
            {
                _slots[slot++] = null;
            }
        }

        public static Categories Of(int column, bool shifted)
        {
            var key = (column * 2) + (shifted ? 1 : 0);
            return Cache[key] ??= column switch
            {
                0 => new Categories(4, 0, 0, 0, "region-"),
                1 => new Categories(30, 1.0, 0, 0, "device-"),
                2 => new Categories(500, 1.1, 0, 0, "merchant-"),
                3 => new Categories(3, 0.5, 0.05, 0, "tier-"),
                _ => new Categories(12, 0.8, 0, shifted ? 10 : 0, "channel-"),
            };
        }

        public ReadOnlyMemory<char>? Draw(ref Xoshiro random) => _slots[(int)(random.Next() >> 52)];
    }

    /// <summary>xoshiro256** seeded through SplitMix64: fast, and the same on every machine.</summary>
    private struct Xoshiro
    {
        private ulong _s0, _s1, _s2, _s3;
        private double _spare;
        private bool _hasSpare;

        public Xoshiro(long seed)
        {
            var x = (ulong)seed;
            _s0 = SplitMix(ref x);
            _s1 = SplitMix(ref x);
            _s2 = SplitMix(ref x);
            _s3 = SplitMix(ref x);
            _spare = 0;
            _hasSpare = false;
        }

        public ulong Next()
        {
            var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
            var t = _s1 << 17;
            _s2 ^= _s0;
            _s3 ^= _s1;
            _s1 ^= _s2;
            _s0 ^= _s3;
            _s2 ^= t;
            _s3 = ulong.RotateLeft(_s3, 45);
            return result;
        }

        public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

        /// <summary>Standard normal by Box–Muller, two at a time.</summary>
        public double NextNormal()
        {
            if (_hasSpare)
            {
                _hasSpare = false;
                return _spare;
            }

            var u = 1.0 - NextDouble();
            var v = NextDouble();
            var radius = Math.Sqrt(-2 * Math.Log(u));
            var (sin, cos) = Math.SinCos(2 * Math.PI * v);
            _spare = radius * sin;
            _hasSpare = true;
            return radius * cos;
        }

        private static ulong SplitMix(ref ulong x)
        {
            x += 0x9E3779B97F4A7C15;
            var z = x;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            return z ^ (z >> 31);
        }
    }

    private readonly record struct PlannedFile(string Name, long FirstRow, int Rows, DateTimeOffset Hour);
}

/// <summary>A generated data set: its files (relative to the data root, '/'-separated, as blob names), rows and bytes.</summary>
internal sealed record DataSet(int Version, string Prefix, long Rows, long Bytes, string[] Files);
