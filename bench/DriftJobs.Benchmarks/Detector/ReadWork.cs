using Azure.Storage.Blobs;
using DriftJobs.Core.Profiles;
using DriftJobs.Core.Reports;
using DriftJobs.Detector;
using DriftJobs.Storage;
using DriftJobs.Storage.Parquet;
using Parquet;
using Parquet.Schema;

namespace DriftJobs.Benchmarks.Detector;

/// <summary>
/// In-process reads of the same files the detector reads, with the same parallelism (one file per core at a time):
/// the bare Parquet.Net decode (the floor), and the detector's own engine on local files.
/// </summary>
internal static class ReadWork
{
    /// <summary>Where a file's bytes come from: the local mirror, or the blob (downloaded whole, as the detector does).</summary>
    public delegate Task<Stream> OpenFile(string name, CancellationToken cancellationToken);

    /// <summary>A local file, opened as the detector opens one under DRIFT_LOGS_PATH (its reads done inline).</summary>
    public static OpenFile Local(string root) => (name, _) =>
        Task.FromResult<Stream>(new InlineReadFileStream(Path.Combine(root, name)));

    public static OpenFile Blob(BlobContainerClient container) => async (name, token) =>
        (await container.GetBlobClient(name).DownloadContentAsync(token)).Value.Content.ToStream();

    /// <summary>
    /// Parquet.Net's raw decode of the detector's columns (55 features plus the model filter's two) into buffers
    /// reused across row groups and files, and nothing else. Returns the rows read.
    /// </summary>
    public static async Task<long> DecodeAsync(IReadOnlyList<string> files, OpenFile open, IReadOnlyList<string> columns, CancellationToken cancellationToken)
    {
        long rows = 0;
        var buffers = new System.Collections.Concurrent.ConcurrentBag<DecodeBuffers>();
        await System.Threading.Tasks.Parallel.ForEachAsync(files, Options(cancellationToken), async (name, token) =>
        {
            if (!buffers.TryTake(out var buffer))
            {
                buffer = new DecodeBuffers();
            }

            await using (var stream = await open(name, token))
            await using (var reader = await ParquetReader.CreateAsync(stream, cancellationToken: token))
            {
                var fields = columns.Select(c => reader.Schema.DataFields.First(f => f.Name == c)).ToArray();
                for (var g = 0; g < reader.RowGroupCount; g++)
                {
                    var group = reader.OpenRowGroupReader(g);
                    var count = (int)group.RowCount;
                    buffer.Ensure(count);
                    foreach (var field in fields)
                    {
                        var definitions = field.MaxDefinitionLevel > 0 ? buffer.Definitions.AsMemory(0, count) : (Memory<int>?)null;
                        if (field.ClrType == typeof(double))
                        {
                            await group.ReadRawAsync(field, buffer.Numbers.AsMemory(0, count), definitions, null, token);
                        }
                        else
                        {
                            await group.ReadRawAsync(field, buffer.Texts.AsMemory(0, count), definitions, null, token);
                        }
                    }

                    Interlocked.Add(ref rows, count);
                }
            }

            buffers.Add(buffer);
        });
        return rows;
    }

    /// <summary>
    /// <c>DriftJobs.Benchmarks decode-floor ROOT FILES COLUMNS</c>: <see cref="DecodeAsync"/> on local files as a
    /// process of its own, so that it can be timed like the detector, from process start to exit (runtime start and
    /// JIT included). FILES and COLUMNS are text files, one name a line. Prints the rows read.
    /// </summary>
    public static async Task<int> DecodeProcessAsync(string[] args)
    {
        if (args.Length != 3)
        {
            await Console.Error.WriteLineAsync("usage: DriftJobs.Benchmarks decode-floor ROOT FILES COLUMNS");
            return 2;
        }

        var files = await File.ReadAllLinesAsync(args[1]);
        var columns = await File.ReadAllLinesAsync(args[2]);
        var rows = await DecodeAsync(files, Local(args[0]), columns, CancellationToken.None);
        Console.WriteLine(rows.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return 0;
    }

    /// <summary>
    /// The detector's own reader (<see cref="ParquetFeatureReader"/> with the model filter, the columns the detector
    /// asks for, Parquet.Net decoding every page) into a sink that keeps nothing:
    /// reading as the detector reads, without the statistics. Returns the rows read.
    /// </summary>
    public static async Task<long> ReaderAsync(IReadOnlyList<string> files, OpenFile open, BaselineProfile baseline, CancellationToken cancellationToken)
    {
        var columns = baseline.MonitoredFeatures
            .Select(f => new RequestedColumn(f.Name, f.Kind == FeatureKind.Numeric ? ColumnKind.Numeric : ColumnKind.Categorical))
            .ToList();
        var filter = new ModelFilter(baseline.ModelName, baseline.ModelVersion);
        long rows = 0;
        var readers = new System.Collections.Concurrent.ConcurrentBag<(ParquetFeatureReader Reader, DiscardingSink Sink)>();
        await System.Threading.Tasks.Parallel.ForEachAsync(files, Options(cancellationToken), async (name, token) =>
        {
            if (!readers.TryTake(out var reader))
            {
                reader = (new ParquetFeatureReader(columns, filter), new DiscardingSink());
            }

            await using (var stream = await open(name, token))
            {
                var read = await reader.Reader.ReadAsync(stream, name, reader.Sink, token);
                Interlocked.Add(ref rows, read.RowsRead);
            }

            readers.Add(reader);
        });
        return rows;
    }

    /// <summary>The detector's profiling (its <see cref="WindowProfiler"/>, one reader per core) on local files, then its analysis.</summary>
    public static async Task<(WindowProfile Window, DriftReport Report, TimeSpan Profile, TimeSpan Analyze)> EngineAsync(
        IReadOnlyList<string> files, OpenFile open, BaselineProfile baseline, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var read = await new WindowProfiler(baseline, Environment.ProcessorCount)
            .ProfileAsync(files, (name, _, token) => open(name, token), cancellationToken: cancellationToken);
        var profiled = clock.Elapsed;
        var end = BenchData.WindowEnd;
        var report = DriftAnalyzer.Analyze(read.Window, new ReportWindow { Start = end.AddHours(-BenchData.Hours), End = end, Hours = BenchData.Hours }, new DriftThresholds());
        return (read.Window, report, profiled, clock.Elapsed - profiled);
    }

    private static ParallelOptions Options(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken };

    private sealed class DiscardingSink : IColumnBatchSink
    {
        public void AddNumeric(string column, ReadOnlySpan<double> values)
        {
        }

        public void AddCategorical(string column, ReadOnlySpan<string?> values)
        {
        }
    }

    private sealed class DecodeBuffers
    {
        public double[] Numbers { get; private set; } = [];

        public ReadOnlyMemory<char>[] Texts { get; private set; } = [];

        public int[] Definitions { get; private set; } = [];

        public void Ensure(int rows)
        {
            if (Numbers.Length < rows)
            {
                Numbers = new double[rows];
                Texts = new ReadOnlyMemory<char>[rows];
                Definitions = new int[rows];
            }
        }
    }
}
