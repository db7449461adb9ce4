using System.Globalization;
using System.Text.RegularExpressions;
using DriftJobs.Testing;
using DuckDB.NET.Data;

namespace DriftJobs.InferenceLogger.Tests;

[Collection(AzuriteCollection.Name)]
public sealed partial class RoundTripTests(AzuriteFixture azurite)
{
    // 2,500 records 4.321 s apart: three hours across a day and month boundary (June 30 22:xx to July 1 00:xx).
    private const int Count = 2_500;
    private static readonly DateTimeOffset Start = new(2025, 6, 30, 22, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset TimestampOf(int i) => Start.AddMilliseconds(4_321.0 * i);

    [Fact]
    public async Task Every_accepted_record_comes_back_as_one_row_with_equal_values_in_its_hour_partition()
    {
        var container = await azurite.CreateContainerAsync();
        await using (var logger = TestRecords.Builder(container, o => o.BatchSize = 1_000).Build())
        {
            for (var i = 0; i < Count; i++)
            {
                Assert.True(logger.TryLog(TestRecords.Record(i, TimestampOf(i))));
            }
        }

        var files = await LogFiles.ReadAllAsync(container);
        var rows = files.SelectMany(f => f.Rows.Select(r => (File: f.Name, Row: r))).ToList();
        Assert.Equal(Count, rows.Count);
        Assert.Equal(Count, rows.Select(r => (string)r.Row["request_id"]!).Distinct().Count());

        foreach (var (file, row) in rows)
        {
            var i = TestRecords.IndexOf((string)row["request_id"]!);
            var expected = TestRecords.Record(i, TimestampOf(i));
            var timestamp = TimestampOf(i);
            Assert.Equal(timestamp.UtcDateTime, (DateTime)row["timestamp"]!);
            Assert.Equal("fraud", row["model_name"]);
            Assert.Equal("v1", row["model_version"]);
            Assert.Equal(expected.Features["age"].Number, row["age"]);
            Assert.Equal(expected.Features["country"].Text, row["country"]);
            Assert.Equal(expected.Features["income"].Number, row["income"]);
            Assert.Equal(expected.Prediction.Number, row["prediction"]);
            Assert.Equal(expected.PredictionScore, row["prediction_score"]);

            // The folder is the record's own hour, zero-padded.
            var hour = timestamp.UtcDateTime;
            Assert.StartsWith($"inference-logs/year={hour:yyyy}/month={hour:MM}/day={hour:dd}/hour={hour:HH}/", file, StringComparison.Ordinal);
        }

        Assert.Equal(
            ["inference-logs/year=2025/month=06/day=30/hour=22", "inference-logs/year=2025/month=06/day=30/hour=23", "inference-logs/year=2025/month=07/day=01/hour=00"],
            files.Select(f => f.Name[..f.Name.LastIndexOf('/')]).Distinct().Order(StringComparer.Ordinal));
        Assert.All(files, f => Assert.Matches(FileName(), f.Name));
        Assert.All(files, f => Assert.Equal(
            ["timestamp", "request_id", "model_name", "model_version", "age", "country", "income", "prediction", "prediction_score"],
            f.Schema.DataFields.Select(d => d.Name)));
    }

    [Fact]
    public async Task DuckDB_reads_the_partitioned_files_with_the_same_values_and_types()
    {
        var container = await azurite.CreateContainerAsync();
        await using (var logger = TestRecords.Builder(container, o => o.BatchSize = 1_000).Build())
        {
            for (var i = 0; i < Count; i++)
            {
                Assert.True(logger.TryLog(TestRecords.Record(i, TimestampOf(i))));
            }
        }

        var local = Directory.CreateTempSubdirectory("logger-duckdb-");
        try
        {
            await LogFiles.DownloadAsync(container, local.FullName);
            using var connection = new DuckDBConnection("Data Source=:memory:");
            connection.Open();
            var source = $"read_parquet('{local.FullName}/inference-logs/**/*.parquet', hive_partitioning = true)";
            var types = LogFiles.ColumnTypes(connection, $"SELECT * FROM {source}");

            Assert.Equal("TIMESTAMP WITH TIME ZONE", types["timestamp"]);
            Assert.Equal("VARCHAR", types["request_id"]);
            Assert.Equal("DOUBLE", types["age"]);
            Assert.Equal("VARCHAR", types["country"]);
            Assert.Equal("DOUBLE", types["income"]);
            Assert.Equal("DOUBLE", types["prediction"]);
            Assert.Equal("DOUBLE", types["prediction_score"]);

            using var query = connection.CreateCommand();
            query.CommandText =
                $"SELECT request_id, epoch_us(timestamp), age, country, income, prediction, prediction_score, year, month, day, hour FROM {source}";
            using var rows = query.ExecuteReader();
            var seen = new HashSet<string>();
            while (rows.Read())
            {
                var requestId = rows.GetString(0);
                Assert.True(seen.Add(requestId), "duplicate " + requestId);
                var i = TestRecords.IndexOf(requestId);
                var expected = TestRecords.Record(i);
                var timestamp = TimestampOf(i).UtcDateTime;
                Assert.Equal(TimestampOf(i).ToUnixTimeMilliseconds() * 1000, rows.GetInt64(1));
                Assert.Equal(expected.Features["age"].Number, rows.GetDouble(2));
                Assert.Equal(expected.Features["country"].Text, rows.GetString(3));
                Assert.Equal(expected.Features["income"].Number, rows.IsDBNull(4) ? null : rows.GetDouble(4));
                Assert.Equal(expected.Prediction.Number, rows.GetDouble(5));
                Assert.Equal(expected.PredictionScore, rows.IsDBNull(6) ? null : rows.GetDouble(6));
                Assert.Equal(
                    (timestamp.Year, timestamp.Month, timestamp.Day, timestamp.Hour),
                    (Convert.ToInt32(rows.GetValue(7), CultureInfo.InvariantCulture), Convert.ToInt32(rows.GetValue(8), CultureInfo.InvariantCulture),
                     Convert.ToInt32(rows.GetValue(9), CultureInfo.InvariantCulture), Convert.ToInt32(rows.GetValue(10), CultureInfo.InvariantCulture)));
            }

            Assert.Equal(Count, seen.Count);
        }
        finally
        {
            local.Delete(recursive: true);
        }
    }

    [GeneratedRegex(@"^inference-logs/year=\d{4}/month=\d{2}/day=\d{2}/hour=\d{2}/fraud-v1-test-pod-\d{8}T\d{6}-\d{6}\.parquet$")]
    private static partial Regex FileName();
}
