using System.Globalization;
using System.Text;
using DriftJobs.Core.Profiles;
using DriftJobs.Detector;
using DriftJobs.Storage;
using DriftJobs.Storage.Parquet;
using DriftJobs.Testing;
using Parquet;
using Parquet.Schema;

namespace DriftJobs.Jobs.Tests;

/// <summary>
/// The detector's window profiling (held values counted across files, scratch profiles for large files, several
/// readers) must give exactly the counts of the plain way: every file read straight into one profile, in order.
/// </summary>
public sealed class WindowProfilerTests
{
    private const string Model = "fraud";
    private const string Version = "3";

    // Before Baseline: static fields are initialised in order.
    private static readonly string[] Countries = ["DE", "FR", "US", "JP", "BR", "??"];

    private static readonly BaselineProfile Baseline = BuildBaseline();

    public static TheoryData<int, int> Holding => new()
    {
        { 1, WindowProfiler.HeldValuesLimit },
        { 3, WindowProfiler.HeldValuesLimit },
        { 1, 0 },       // nothing held: every file counted into a scratch profile
        { 2, 2_500 },   // small files held several at a time, the large one overflowing half-way
        { 3, 700 },
    };

    [Theory]
    [MemberData(nameof(Holding))]
    public async Task Counts_equal_reading_every_file_straight_into_one_profile(int concurrency, int heldValuesLimit)
    {
        var files = await WindowFilesAsync();

        var read = await new WindowProfiler(Baseline, concurrency, heldValuesLimit).ProfileAsync([.. files.Keys], Open(files));

        var expected = await PlainProfileAsync(files);
        Assert.Equal(Fingerprint(expected), Fingerprint(read.Window));
        Assert.Equal(files.Count, read.FilesRead);
        Assert.Empty(read.Skipped);
        Assert.Equal(40, read.RowsOfOtherModels);
        Assert.Equal((11 * 120) + 3_000 + 60, read.Window.Rows);
    }

    [Theory]
    [MemberData(nameof(Holding))]
    public async Task A_segmented_window_sums_to_the_plain_count_and_splits_alike_however_values_are_held(int concurrency, int heldValuesLimit)
    {
        var files = await WindowFilesAsync();
        var baseline = SegmentedBaseline.Value;

        var read = await new WindowProfiler(baseline, concurrency, heldValuesLimit, segmented: true).ProfileAsync([.. files.Keys], Open(files));
        var reference = await new WindowProfiler(baseline, 1, WindowProfiler.HeldValuesLimit, segmented: true).ProfileAsync([.. files.Keys], Open(files));

        // The whole window is the sum of the segments' (and the never-seen ones') counts: the plain count of every row.
        Assert.Equal(Fingerprint(await PlainProfileAsync(files)), Fingerprint(read.Window));
        var segments = read.Window.Segments!;
        Assert.Equal(["country=DE", "country=FR", "(other)"], segments.Layout.Keys);
        for (var s = 0; s < segments.Windows.Count; s++)
        {
            Assert.Equal(Fingerprint(reference.Window.Segments!.Windows[s]), Fingerprint(segments.Windows[s]));
        }

        Assert.Equal(read.Window.Rows, segments.Windows.Sum(w => w.Rows) + segments.UnseenRows);
        Assert.Equal(["country=(missing)", "country=??", "country=BR"], segments.Unseen.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Holding))]
    public async Task A_file_that_fails_half_way_adds_nothing(int concurrency, int heldValuesLimit)
    {
        var files = await WindowFilesAsync();
        var broken = await TwoRowGroupFileAsync();
        // Damage the page header of the second row group's amount column: the first row group still reads.
        var damagedAt = await SecondRowGroupOffsetAsync(broken, column: 2);
        broken.AsSpan((int)damagedAt, 24).Fill(0xFF);

        // The reader does deliver the first row group before it meets the second: the file fails half-way.
        var delivered = new CountingSink();
        await Assert.ThrowsAsync<InvalidDataException>(() =>
            new ParquetFeatureReader([new RequestedColumn("amount", ColumnKind.Numeric)]).ReadAsync(new MemoryStream(broken), "broken", delivered));
        Assert.True(delivered.Values > 0);

        var withBroken = new Dictionary<string, byte[]>(files) { ["hour=05/broken.parquet"] = broken };
        var read = await new WindowProfiler(Baseline, concurrency, heldValuesLimit).ProfileAsync([.. withBroken.Keys.Order(StringComparer.Ordinal)], Open(withBroken));

        Assert.Equal(Fingerprint(await PlainProfileAsync(files)), Fingerprint(read.Window));
        var skipped = Assert.Single(read.Skipped);
        Assert.Equal("hour=05/broken.parquet", skipped.Path);
        Assert.Contains("hour=05/broken.parquet", skipped.Reason, StringComparison.Ordinal);
        Assert.Equal(files.Count, read.FilesRead);
    }

    [Fact]
    public async Task A_read_error_half_way_through_a_file_ends_the_read_instead_of_skipping_the_file()
    {
        var files = await WindowFilesAsync();
        var file = await TwoRowGroupFileAsync();
        var failsAt = await SecondRowGroupOffsetAsync(file);
        var open = Open(files);

        var error = await Assert.ThrowsAnyAsync<IOException>(() => new WindowProfiler(Baseline, 2).ProfileAsync(
            [.. files.Keys, "hour=05/unreadable.parquet"],
            (name, buffer, token) => name == "hour=05/unreadable.parquet" ? Task.FromResult<Stream>(new UnreadableRange(file, failsAt, FooterStart(file))) : open(name, buffer, token)));

        Assert.IsNotType<InvalidDataException>(error);
        Assert.Contains("hour=05/unreadable.parquet", error.Message, StringComparison.Ordinal);
        Assert.Contains("unreadable", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_storage_failure_ends_the_read()
    {
        var files = await WindowFilesAsync();
        var open = Open(files);
        var profiler = new WindowProfiler(Baseline, 2);

        var error = await Assert.ThrowsAsync<IOException>(() => profiler.ProfileAsync(
            [.. files.Keys],
            (name, buffer, token) => name.Contains("hour=02", StringComparison.Ordinal) ? throw new IOException("blob vanished") : open(name, buffer, token)));
        Assert.Equal("blob vanished", error.Message);
    }

    [Fact]
    public async Task No_files_give_an_empty_window()
    {
        var read = await new WindowProfiler(Baseline, 2).ProfileAsync([], (_, _, _) => throw new InvalidOperationException("nothing to open"));

        Assert.Equal(0, read.Window.Rows);
        Assert.Equal(0, read.FilesRead);
        Assert.All(read.Window.Features.Values, f => Assert.Equal(0, f.Rows));
    }

    /// <summary>The baseline split by country: DE and FR on their own, US and JP as (other).</summary>
    private static readonly Lazy<BaselineProfile> SegmentedBaseline = new(() =>
    {
        var random = new Random(8);
        var country = Enumerable.Range(0, 2_000).Select(i => (string?)(i % 10 < 4 ? "DE" : i % 10 < 7 ? "FR" : i % 10 < 9 ? "US" : "JP")).ToArray();
        var amount = Enumerable.Range(0, 2_000).Select(_ => Math.Round(random.NextDouble() * 100, 1)).ToArray();
        var builder = new Core.Profiles.Segments.BaselineSegmentsBuilder(Baseline, ["country"], 2);
        Feed(builder.Keys, country, null, Core.Profiles.Segments.BaselineSegmentsBuilder.MaxKeys + 1);
        Feed(builder.StartProfiles(), country, amount, Core.Profiles.Segments.SegmentWindows.MaxTrackedUnseen);
        return Baseline with { Segments = builder.Build() };

        static void Feed(Core.Profiles.Segments.SegmentWindows into, string?[] country, double[]? amount, int maxTrackedUnseen)
        {
            var router = new Core.Profiles.Segments.SegmentRouter(into.Layout, maxTrackedUnseen);
            router.StartBatch(country.Length);
            router.AddSegmentColumn(0, country);
            if (amount is not null)
            {
                into.AddNumeric("amount", amount, router.Codes());
                into.AddNumeric("age", amount, router.Codes());
                into.AddCategorical("country", country, router.Codes());
            }

            router.Commit(into);
        }
    });

    private static BaselineProfile BuildBaseline()
    {
        var random = new Random(7);
        var builder = new BaselineBuilder(new BaselineBuildOptions { KsReferencePoints = 200, PsiBins = 10 });
        builder.AddNumeric("amount", Enumerable.Range(0, 2_000).Select(_ => Math.Round(random.NextDouble() * 100, 1)).ToArray());
        builder.AddNumeric("age", Enumerable.Range(0, 2_000).Select(_ => (double)random.Next(18, 90)).ToArray());
        builder.AddCategorical("country", Enumerable.Range(0, 2_000).Select(_ => (string?)Countries[random.Next(4)]).ToArray());
        builder.AddRows(2_000);
        return builder.Build(Model, Version, "unit test", new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
    }

    /// <summary>
    /// Eleven small files, one large (3,000 rows), one without the age column, one with 40 rows of another model:
    /// values with ties, nulls, NaN, infinities, unseen categories.
    /// </summary>
    private static async Task<Dictionary<string, byte[]>> WindowFilesAsync()
    {
        var random = new Random(11);
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        for (var i = 0; i < 12; i++)
        {
            var rows = i == 4 ? 3_000 : 120;
            var amount = Enumerable.Range(0, rows).Select(r => r % 17 == 0 ? null : r % 53 == 0 ? double.NaN : r % 97 == 0 ? double.PositiveInfinity : (double?)Math.Round((random.NextDouble() * 130) - 10, 1)).ToArray();
            var age = Enumerable.Range(0, rows).Select(_ => (double?)random.Next(10, 99)).ToArray();
            var country = Enumerable.Range(0, rows).Select(r => r % 13 == 0 ? null : Countries[random.Next(Countries.Length)]).ToArray();
            files[$"hour={i:D2}/part-{i}.parquet"] = await LogFiles.WriteAsync(Model, Version, new Dictionary<string, double?[]> { ["amount"] = amount, ["age"] = age }, new Dictionary<string, string?[]> { ["country"] = country });
        }

        files["hour=12/no-age.parquet"] = await LogFiles.WriteAsync(Model, Version, new Dictionary<string, double?[]> { ["amount"] = Enumerable.Range(0, 60).Select(r => (double?)r).ToArray() });
        files["hour=13/other-model.parquet"] = await LogFiles.WriteAsync("other", Version, new Dictionary<string, double?[]> { ["amount"] = Enumerable.Range(0, 40).Select(r => (double?)r).ToArray(), ["age"] = Enumerable.Range(0, 40).Select(r => (double?)r).ToArray() });
        return files;
    }

    private static WindowProfiler.OpenFile Open(Dictionary<string, byte[]> files) => (name, buffer, _) =>
    {
        buffer.SetLength(0);
        buffer.Write(files[name]);
        buffer.Position = 0;
        return Task.FromResult<Stream>(buffer);
    };

    /// <summary>The plain way: each file read straight into one profile, in name order.</summary>
    private static async Task<WindowProfile> PlainProfileAsync(Dictionary<string, byte[]> files)
    {
        var profile = new WindowProfile(Baseline);
        var sink = new WindowProfileSink(profile, null);
        var columns = Baseline.MonitoredFeatures.Select(f => new RequestedColumn(f.Name, f.Kind == FeatureKind.Numeric ? ColumnKind.Numeric : ColumnKind.Categorical)).ToList();
        foreach (var (name, bytes) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var result = await new ParquetFeatureReader(columns, new ModelFilter(Model, Version)).ReadAsync(new MemoryStream(bytes), name, sink);
            profile.AddRows(result.RowsKept);
            foreach (var absent in result.AbsentColumns)
            {
                profile.AddAbsent(absent, result.RowsKept);
            }
        }

        return profile;
    }

    private static async Task<byte[]> TwoRowGroupFileAsync()
    {
        var schema = new ParquetSchema(
            new DataField<string>("model_name"), new DataField<string>("model_version"), new DataField<double>("amount"), new DataField<double>("age"), new DataField<string>("country"));
        using var stream = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(schema, stream))
        {
            for (var group = 0; group < 2; group++)
            {
                using var rowGroup = writer.CreateRowGroup();
                await rowGroup.WriteAsync(schema.DataFields[0], new ArraySegment<string>(Enumerable.Repeat(Model, 500).ToArray()), null);
                await rowGroup.WriteAsync(schema.DataFields[1], new ArraySegment<string>(Enumerable.Repeat(Version, 500).ToArray()), null);
                await rowGroup.WriteAsync<double>(schema.DataFields[2], Enumerable.Range(0, 500).Select(i => (double)i).ToArray(), null, null, default);
                await rowGroup.WriteAsync<double>(schema.DataFields[3], Enumerable.Range(0, 500).Select(i => (double)(i % 70)).ToArray(), null, null, default);
                await rowGroup.WriteAsync(schema.DataFields[4], new ArraySegment<string>(Enumerable.Repeat("DE", 500).ToArray()), null);
            }
        }

        return stream.ToArray();
    }

    private static async Task<long> SecondRowGroupOffsetAsync(byte[] file, int column = 0)
    {
        await using var reader = await ParquetReader.CreateAsync(new MemoryStream(file));
        var chunk = reader.Metadata!.RowGroups[1].Columns[column].MetaData!;
        return chunk.DictionaryPageOffset ?? chunk.DataPageOffset;
    }

    // A Parquet file ends with its footer, the footer's length (4 bytes) and "PAR1".
    private static long FooterStart(byte[] file) => file.Length - 8 - BitConverter.ToInt32(file, file.Length - 8);

    private static string Fingerprint(WindowProfile window)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"rows {window.Rows}\n");
        foreach (var (name, feature) in window.Features.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"{name}: rows {feature.Rows} missing {feature.Missing} invalid {feature.Invalid} absent {feature.AbsentRows}");
            switch (feature)
            {
                case NumericWindow numeric:
                    text.Append(CultureInfo.InvariantCulture, $" min {numeric.Min} max {numeric.Max} out {numeric.OutOfRange} bins [{string.Join(',', numeric.BinCounts)}] gaps [{string.Join(',', numeric.GapCounts)}] equal [{string.Join(',', numeric.EqualCounts)}]");
                    break;
                case CategoricalWindow categorical:
                    text.Append(CultureInfo.InvariantCulture, $" categories [{string.Join(',', categorical.CategoryCounts)}] other {categorical.OtherCount} unseen {categorical.UnseenCount} [{string.Join(',', categorical.Unseen.OrderBy(u => u.Key, StringComparer.Ordinal))}]");
                    break;
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private sealed class CountingSink : IColumnBatchSink
    {
        public long Values { get; private set; }

        public void AddNumeric(string column, ReadOnlySpan<double> values) => Values += values.Length;

        public void AddCategorical(string column, ReadOnlySpan<string?> values) => Values += values.Length;
    }
}
