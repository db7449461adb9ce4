using System.Diagnostics.Metrics;
using Azure.Storage.Blobs;
using DriftJobs.Testing;
using DuckDB.NET.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Parquet.Schema;

namespace DriftJobs.InferenceLogger.Tests;

/// <summary><see cref="IInferenceLogger.TryLogOutcome"/>: ground-truth files, with TryLog's guarantees.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class OutcomeTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset LateJune = new(2025, 6, 30, 23, 59, 30, TimeSpan.Zero);

    private static readonly string[] Columns = ["request_id", "label", "model_name", "model_version", "timestamp"];

    private static OutcomeRecord Outcome(int i, ModelValue label, DateTimeOffset? predictionTimestamp = null, string model = "fraud", string version = "v1") => new()
    {
        RequestId = TestRecords.RequestId(i),
        ModelName = model,
        ModelVersion = version,
        Label = label,
        PredictionTimestamp = predictionTimestamp,
    };

    [Fact]
    public async Task Outcomes_land_in_the_hour_they_were_logged_with_the_contracted_columns_types_and_values()
    {
        var container = await azurite.CreateContainerAsync();
        var time = new FakeTimeProvider(LateJune);
        await using (var logger = TestRecords.Builder(container, o => o.FlushInterval = TimeSpan.FromHours(1)).WithTimeProvider(time).Build())
        {
            // Labels for predictions made days earlier, logged either side of midnight at the end of a month; every
            // third without the prediction's time, and one as invariant text.
            for (var i = 0; i < 60; i++)
            {
                if (i == 30)
                {
                    time.Advance(TimeSpan.FromSeconds(40));
                }

                ModelValue label = i == 7 ? "0.25" : i % 2;
                Assert.True(logger.TryLogOutcome(Outcome(i, label, i % 3 == 0 ? null : PredictionTime(i))));
            }

            Assert.Equal(60, logger.GetCounters().OutcomesAccepted);
        }

        var files = await LogFiles.ReadAllAsync(container, "ground-truth/");
        Assert.Equal(
            ["ground-truth/year=2025/month=06/day=30/hour=23", "ground-truth/year=2025/month=07/day=01/hour=00"],
            files.Select(f => f.Name[..f.Name.LastIndexOf('/')]));
        Assert.All(files, f => Assert.Matches(@"/fraud-v1-test-pod-20250701T000010-\d{6}\.parquet$", f.Name));
        Assert.Empty(await LogFiles.ListAsync(container, "inference-logs/"));

        foreach (var file in files)
        {
            Assert.Equal(Columns, file.Schema.DataFields.Select(d => d.Name));
            var fields = file.Schema.DataFields.ToDictionary(d => d.Name);
            Assert.Equal((true, false), (IsText(fields["request_id"]), fields["request_id"].IsNullable));
            Assert.Equal((typeof(double), false), (fields["label"].ClrType, fields["label"].IsNullable));
            Assert.Equal((true, false), (IsText(fields["model_name"]), fields["model_name"].IsNullable));
            Assert.Equal((true, false), (IsText(fields["model_version"]), fields["model_version"].IsNullable));
            var timestamp = Assert.IsType<DateTimeDataField>(fields["timestamp"]);
            Assert.Equal((DateTimeTimeUnit.Micros, true, true), (timestamp.Unit, timestamp.IsAdjustedToUTC, timestamp.IsNullable));
        }

        Assert.Equal(Enumerable.Range(0, 30).Select(TestRecords.RequestId), files[0].Rows.Select(r => (string)r["request_id"]!));
        Assert.Equal(Enumerable.Range(30, 30).Select(TestRecords.RequestId), files[1].Rows.Select(r => (string)r["request_id"]!));
        foreach (var row in files.SelectMany(f => f.Rows))
        {
            var i = TestRecords.IndexOf((string)row["request_id"]!);
            Assert.Equal(i == 7 ? 0.25 : i % 2, row["label"]);
            Assert.Equal(("fraud", "v1"), (row["model_name"], row["model_version"]));
            Assert.Equal(i % 3 == 0 ? (DateTime?)null : PredictionTime(i).UtcDateTime, (DateTime?)row["timestamp"]);
        }
    }

    [Fact]
    public async Task DuckDB_reads_the_ground_truth_files_with_the_contracted_types_and_null_prediction_times()
    {
        var container = await azurite.CreateContainerAsync();
        await using (var logger = TestRecords.Builder(container, o => o.PredictionKind = ValueKind.String).Build())
        {
            for (var i = 0; i < 20; i++)
            {
                Assert.True(logger.TryLogOutcome(Outcome(i, i % 2 == 0 ? "fraud" : "legit", i < 10 ? PredictionTime(i) : null)));
            }
        }

        using var local = TempDirectory.Create("outcome-duckdb-");
        await LogFiles.DownloadAsync(container, local.FullName, "ground-truth/");
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        var source = $"read_parquet('{local.FullName}/ground-truth/**/*.parquet', hive_partitioning = true)";
        var types = LogFiles.ColumnTypes(connection, $"SELECT request_id, label, model_name, model_version, timestamp FROM {source}");
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["request_id"] = "VARCHAR",
                ["label"] = "VARCHAR",
                ["model_name"] = "VARCHAR",
                ["model_version"] = "VARCHAR",
                ["timestamp"] = "TIMESTAMP WITH TIME ZONE",
            },
            types);

        using var query = connection.CreateCommand();
        // No ORDER BY: with one, the DuckDB that DuckDB.NET bundles returns epoch_us(timestamp) wrong (the text is right).
        query.CommandText = $"SELECT request_id, label, epoch_us(timestamp) FROM {source} WHERE model_name = 'fraud' AND model_version = 'v1'";
        using var rows = query.ExecuteReader();
        var seen = new List<int>();
        while (rows.Read())
        {
            var i = TestRecords.IndexOf(rows.GetString(0));
            seen.Add(i);
            Assert.Equal(i % 2 == 0 ? "fraud" : "legit", rows.GetString(1));
            Assert.Equal(i < 10 ? (PredictionTime(i) - DateTimeOffset.UnixEpoch).Ticks / 10 : (long?)null, rows.IsDBNull(2) ? null : rows.GetInt64(2));
        }

        Assert.Equal(Enumerable.Range(0, 20), seen.Order());
    }

    [Fact]
    public async Task A_string_logger_writes_number_labels_as_their_invariant_text()
    {
        var container = await azurite.CreateContainerAsync();
        await using (var logger = TestRecords.Builder(container, o => o.PredictionKind = ValueKind.String).Build())
        {
            Assert.True(logger.TryLogOutcome(Outcome(0, "fraud")));
            Assert.True(logger.TryLogOutcome(Outcome(1, 1)));
            Assert.True(logger.TryLogOutcome(Outcome(2, 0.1)));
            Assert.True(logger.TryLogOutcome(Outcome(3, "")));
        }

        var file = Assert.Single(await LogFiles.ReadAllAsync(container));
        Assert.True(IsText(file.Schema.DataFields.Single(d => d.Name == "label")));
        Assert.Equal(["fraud", "1", "0.1", ""], file.Rows.OrderBy(r => (string)r["request_id"]!, StringComparer.Ordinal).Select(r => r["label"]));
    }

    [Fact]
    public async Task Invalid_outcomes_are_refused_counted_by_reason_and_logged_never_thrown()
    {
        var container = await azurite.CreateContainerAsync();
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var rejected = new MetricCollector<long>(meters, BlobInferenceLogger.MeterName, "driftjobs.inference_logger.outcomes.rejected");
        var logs = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logs)));
        var logger = TestRecords.Builder(container).WithMeterFactory(meters).WithLoggerFactory(loggerFactory).Build();

        OutcomeRecord[] invalid =
        [
            null!,
            Outcome(0, 1, model: ""),
            new() { RequestId = "", ModelName = "fraud", ModelVersion = "v1", Label = 1 },
            new() { RequestId = "  ", ModelName = "fraud", ModelVersion = "v1", Label = 1 },
            new() { RequestId = null!, ModelName = "fraud", ModelVersion = "v1", Label = 1 },
            Outcome(1, 1, model: "a/b"),
            Outcome(2, 1, version: ".."),
            Outcome(3, ModelValue.Null),
            Outcome(4, double.NaN),
            Outcome(5, double.PositiveInfinity),
            Outcome(6, "not a number"),
        ];
        Assert.All(invalid, outcome => Assert.False(logger.TryLogOutcome(outcome)));
        Assert.True(logger.TryLogOutcome(Outcome(7, "1e-3")));
        await logger.DisposeAsync();

        var counters = logger.GetCounters();
        Assert.Equal((1L, 11L, 1L, 0L, 0L), (counters.OutcomesAccepted, counters.OutcomesRejected, counters.OutcomesWritten, counters.Rejected, counters.Accepted));
        rejected.RecordObservableInstruments();
        var byReason = rejected.GetMeasurementSnapshot()
            .GroupBy(m => (string)m.Tags["reason"]!)
            .ToDictionary(g => g.Key, g => g.Last().Value);
        Assert.Equal(
            new Dictionary<string, long> { ["null"] = 1, ["no_request_id"] = 3, ["invalid_model"] = 3, ["no_label"] = 1, ["invalid_label"] = 3 },
            byReason);

        var line = Assert.Single(logs.GetSnapshot(), r => r.Id.Name == "OutcomesRejected");
        Assert.Equal(
            "11 outcomes rejected in the last minute: 1 null; 3 without a request id; 3 with a model name or version that is not 1-63 characters of [A-Za-z0-9._-] (or is . or ..); "
            + "1 without a label; 3 with a label that is NaN, infinite, or (PredictionKind Number) text that is not a number",
            line.Message);

        var written = Assert.Single(await LogFiles.ReadAllAsync(container));
        Assert.Equal(0.001, Assert.Single(written.Rows)["label"]);
    }

    [Fact]
    public async Task When_the_buffer_is_full_outcomes_are_dropped_and_counted_and_the_rest_written_once_storage_returns()
    {
        var (container, fault) = await FaultyStorage.CreateAsync(azurite.Azurite);
        fault.Failing = true;
        var time = new FakeTimeProvider(LateJune);
        await using var logger = TestRecords.Builder(container, o =>
        {
            o.BufferCapacity = 100;
            o.BatchSize = 50;
        }).WithTimeProvider(time).Build();

        // Predictions and outcomes share the buffer: 60 + 40 fill it, whatever the writer has taken meanwhile.
        var predictions = Enumerable.Range(0, 60).Select(i => logger.TryLog(TestRecords.Record(i))).ToList();
        var outcomes = Enumerable.Range(0, 60).Select(i => logger.TryLogOutcome(Outcome(i, 1))).ToList();

        Assert.All(predictions, Assert.True);
        Assert.Equal([.. Enumerable.Repeat(true, 40), .. Enumerable.Repeat(false, 20)], outcomes);
        var full = logger.GetCounters();
        Assert.Equal((40L, 20L, 0L, 0L, 100L), (full.OutcomesAccepted, full.OutcomesDroppedBufferFull, full.DroppedBufferFull, full.OutcomesWritten, full.BufferDepth));

        fault.Failing = false;
        await Eventually.TrueAsync(
            () =>
            {
                time.Advance(TimeSpan.FromSeconds(5));
                return logger.GetCounters() is { Written: 60, OutcomesWritten: 40 };
            },
            "the kept predictions and outcomes");
        Assert.True(logger.TryLogOutcome(Outcome(100, 0)));

        var labelled = (await LogFiles.ReadAllAsync(container, "ground-truth/")).SelectMany(f => f.Rows).Select(r => (string)r["request_id"]!).Order(StringComparer.Ordinal);
        Assert.Equal(Enumerable.Range(0, 40).Select(TestRecords.RequestId), labelled);
    }

    [Fact]
    public async Task Outcomes_spilled_during_an_outage_are_uploaded_when_storage_returns_and_replayed_by_a_later_process()
    {
        var (container, fault) = await FaultyStorage.CreateAsync(azurite.Azurite);
        using var spill = TempDirectory.Create("logger-spill-");
        void WithSpill(InferenceLoggerOptions o)
        {
            TestRecords.Quick(o);
            o.SpillDirectory = spill.FullName;
        }

        fault.Failing = true;
        var first = TestRecords.Builder(container, WithSpill).Build();
        for (var i = 0; i < 100; i++)
        {
            Assert.True(first.TryLogOutcome(Outcome(i, i % 2)));
        }

        for (var i = 0; i < 40; i++)
        {
            Assert.True(first.TryLog(TestRecords.Record(i)));
        }

        await Eventually.TrueAsync(() => first.GetCounters() is { OutcomesSpilled: 100, Spilled: 40, BufferDepth: 0 }, "outcomes and predictions spilled");
        var spilled = Directory.GetFiles(spill.FullName, "*.parquet", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(spill.FullName, f)).ToList();
        Assert.Contains(spilled, f => f.StartsWith($"ground-truth{Path.DirectorySeparatorChar}year=", StringComparison.Ordinal));
        Assert.Contains(spilled, f => f.StartsWith($"inference-logs{Path.DirectorySeparatorChar}year=", StringComparison.Ordinal));

        // Storage returns: this process's own spill is written, not replayed.
        fault.Failing = false;
        await Eventually.TrueAsync(() => first.GetCounters() is { OutcomesWritten: 100, Written: 40, SpillFilesWaiting: 0 }, "the spill uploaded");

        // Down again, and the process stops before storage returns: a later one replays what it spilled.
        fault.Failing = true;
        for (var i = 100; i < 130; i++)
        {
            Assert.True(first.TryLogOutcome(Outcome(i, 1)));
        }

        await first.DisposeAsync();
        Assert.Equal((130L, 100L, 0L), (first.GetCounters().OutcomesSpilled, first.GetCounters().OutcomesWritten, first.GetCounters().OutcomesLost));

        fault.Failing = false;
        await using (var second = TestRecords.Builder(container, WithSpill).Build())
        {
            // Replayed is counted as the upload succeeds, the spill file removed just after: wait for both.
            await Eventually.TrueAsync(() => second.GetCounters() is { OutcomesReplayed: 30, SpillFilesWaiting: 0 }, "the earlier process's spill replayed");
            var counters = second.GetCounters();
            Assert.Equal((0, 0L, 0L, 0L), (counters.SpillFilesWaiting, counters.OutcomesWritten, counters.Replayed, counters.Written));
        }

        await AssertOutcomesAsync(container, "ground-truth/", Enumerable.Range(0, 130));
        Assert.Empty(Directory.GetFileSystemEntries(spill.FullName));
    }

    [Fact]
    public async Task Predictions_and_outcomes_logged_together_from_several_threads_each_reach_their_own_prefix_when_disposed()
    {
        var container = await azurite.CreateContainerAsync();
        var logger = TestRecords.Builder(container, o =>
        {
            o.GroundTruthRoot = "labels/v2";
            o.BatchSize = 700;
            o.FlushInterval = TimeSpan.FromHours(1);
        }).Build();

        // Odd-numbered requests get a label at once, as a gateway with immediate feedback would log them.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(thread => Task.Run(() =>
        {
            for (var i = thread; i < 4_000; i += 4)
            {
                Assert.True(logger.TryLog(TestRecords.Record(i)));
                if (i % 2 == 1)
                {
                    Assert.True(logger.TryLogOutcome(Outcome(i, i % 3, DateTimeOffset.UnixEpoch.AddSeconds(i))));
                }
            }
        })));

        // Dispose drains what the one-hour flush interval left in memory, outcomes included.
        await logger.DisposeAsync();
        Assert.Equal((4_000L, 2_000L, 0L), (logger.GetCounters().Written, logger.GetCounters().OutcomesWritten, logger.GetCounters().BufferDepth));

        await AssertOutcomesAsync(container, "labels/v2/", Enumerable.Range(0, 4_000).Where(i => i % 2 == 1));
        var logged = (await LogFiles.ReadAllAsync(container, "inference-logs/")).SelectMany(f => f.Rows).ToList();
        Assert.Equal(Enumerable.Range(0, 4_000).Select(TestRecords.RequestId), logged.Select(r => (string)r["request_id"]!).Order(StringComparer.Ordinal));
        Assert.All(logged, r => Assert.False(r.ContainsKey("label")));
        Assert.Equal(
            (await LogFiles.ListAsync(container)).Count,
            (await LogFiles.ListAsync(container, "labels/v2/year=")).Count + (await LogFiles.ListAsync(container, "inference-logs/year=")).Count);
    }

    [Theory]
    [InlineData("inference-logs", "inference-logs")]
    [InlineData("inference-logs/labels", "inference-logs")]
    [InlineData("drift", "drift/logs")]
    public async Task A_ground_truth_root_that_is_the_logs_root_or_lies_inside_or_around_it_is_refused(string groundTruthRoot, string logsRoot)
    {
        var container = await azurite.CreateContainerAsync();
        var builder = TestRecords.Builder(container, o =>
        {
            o.LogsRoot = logsRoot;
            o.GroundTruthRoot = groundTruthRoot;
        });

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => builder.Build());
        Assert.Equal($"InferenceLogger:GroundTruthRoot '{groundTruthRoot}' and LogsRoot '{logsRoot}' must differ, and neither may lie inside the other.", Assert.Single(error.Failures));

        // A common stem is not nesting.
        TestRecords.Builder(container, o =>
        {
            o.LogsRoot = logsRoot;
            o.GroundTruthRoot = logsRoot + "-labels";
        }).Build().Dispose();
    }

    // Parquet.Net reads a string column back as string or as ReadOnlyMemory<char>, by version.
    private static bool IsText(DataField field) => field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>);

    // Whole microseconds apart (1.234567 s), the files' precision.
    private static DateTimeOffset PredictionTime(int i) => new DateTimeOffset(2025, 6, 20, 8, 0, 0, TimeSpan.Zero).AddTicks(12_345_670L * i);

    /// <summary>Exactly one row per expected request, its label that of <see cref="Outcome"/>'s callers (a number).</summary>
    private static async Task AssertOutcomesAsync(BlobContainerClient container, string prefix, IEnumerable<int> indices)
    {
        var files = await LogFiles.ReadAllAsync(container, prefix);
        Assert.All(files, f => Assert.Equal(Columns, f.Schema.DataFields.Select(d => d.Name)));
        var rows = files.SelectMany(f => f.Rows).ToList();
        Assert.Equal(indices.Select(TestRecords.RequestId).Order(StringComparer.Ordinal), rows.Select(r => (string)r["request_id"]!).Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.IsType<double>(r["label"]));
    }
}
