using System.Globalization;
using DriftJobs.Core.Serialization;
using DriftJobs.Testing;
using DuckDB.NET.Data;

namespace DriftJobs.Jobs.Tests;

/// <summary>Files written by DuckDB (an independent Parquet writer) through both jobs.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class DuckDbInteropTests(AzuriteFixture azurite) : IDisposable
{
    private static readonly DateTimeOffset End = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Directory.CreateTempSubdirectory("duckdb-interop-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static object? Scalar(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    [Fact]
    public async Task Training_data_and_partitioned_logs_written_by_duckdb_go_through_both_jobs()
    {
        var container = await azurite.CreateContainerAsync();
        using var duck = new DuckDBConnection("DataSource=:memory:");
        duck.Open();
        // Nullable columns, dictionary-encoded strings, zstd, several row groups; hours 8 and 9 of 2026-01-05 with
        // DuckDB's unpadded partition names (month=1/day=5/hour=8).
        Scalar(duck, """
            CREATE TABLE training AS
              SELECT CASE WHEN i % 50 = 0 THEN NULL ELSE (i % 997) / 10.0 END AS amount,
                     ['red','green','blue'][1 + (i % 3)] AS colour
              FROM range(20000) t(i);
            CREATE TABLE logs AS
              SELECT 2026 AS year, 1 AS month, 5 AS day, 8 + (i % 2) AS hour,
                     'shop' AS model_name, '2' AS model_version,
                     CASE WHEN i % 40 = 0 THEN NULL ELSE ((i * 7) % 997) / 10.0 END AS amount,
                     ['red','green','blue'][1 + (i % 3)] AS colour
              FROM range(6000) t(i);
            """);
        var training = Path.Combine(_folder, "training.parquet");
        Scalar(duck, $"COPY training TO '{training}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 4096)");
        var logs = Path.Combine(_folder, "logs");
        Scalar(duck, $"COPY logs TO '{logs}' (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (year, month, day, hour), ROW_GROUP_SIZE 2048)");
        foreach (var file in Directory.EnumerateFiles(logs, "*.parquet", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(logs, file).Replace('\\', '/');
            Assert.Contains("month=1/day=5/hour=", relative, StringComparison.Ordinal);
            await LogFiles.UploadAsync(container, "inference-logs/" + relative, await File.ReadAllBytesAsync(file));
        }

        var baselineRun = await Jobs.BaselineAsync(azurite.ConnectionString, container, "--training-data", training, "--model-name", "shop", "--model-version", "2");
        Assert.True(baselineRun.ExitCode == 0, baselineRun.Output);
        var baseline = DriftJson.ReadBaseline((await container.GetBlobClient("baselines/shop/2/baseline.json").DownloadContentAsync()).Value.Content.ToMemory(), "b");
        var amount = baseline.Features.Single(f => f.Name == "amount");
        Assert.Equal(20000, amount.Rows);
        Assert.Equal(Convert.ToInt64(Scalar(duck, "SELECT count(*) FILTER (WHERE amount IS NULL) FROM training"), CultureInfo.InvariantCulture), amount.Missing);
        Assert.Equal(Convert.ToDouble(Scalar(duck, "SELECT avg(amount) FROM training"), CultureInfo.InvariantCulture), amount.Numeric!.Mean!.Value, 9);
        Assert.Equal(Convert.ToDouble(Scalar(duck, "SELECT quantile_cont(amount, 0.95) FROM training"), CultureInfo.InvariantCulture), amount.Numeric.Quantiles!.P95, 9);

        var detectorRun = await Jobs.DetectorAsync(azurite.ConnectionString, container, "--model-name", "shop", "--model-version", "2", "--drift-window-end", End.ToString("o"));
        Assert.True(detectorRun.ExitCode == 0, detectorRun.Output);
        var report = await Jobs.LatestReportAsync(container, "shop");
        Assert.Equal(6000, report.Samples);
        Assert.Empty(report.Files.Skipped);
        var logAmount = report.Features.Single(f => f.Name == "amount");
        Assert.Equal(Convert.ToInt64(Scalar(duck, "SELECT count(*) FILTER (WHERE amount IS NULL) FROM logs"), CultureInfo.InvariantCulture), logAmount.Missing);
        var colour = report.Features.Single(f => f.Name == "colour");
        Assert.Equal(0, colour.Unseen!.Count);
        Assert.False(report.DriftDetected);
    }

    [Fact]
    public async Task A_regressors_validation_logs_and_ground_truth_written_by_duckdb_give_duckdbs_own_join()
    {
        var container = await azurite.CreateContainerAsync();
        using var duck = new DuckDBConnection("DataSource=:memory:");
        duck.Open();
        // Predictions in hours 8 and 9 of 2026-01-05; 80 % of them labelled an hour later (DuckDB's unpadded partition
        // names again, ground truth by arrival hour). Noise from hash(), so the data are DuckDB's alone.
        Scalar(duck, """
            CREATE TABLE validation AS
              SELECT x, 3 * x + 1 AS y, 3 * x + 1 + (hash(i) % 1000) / 1000.0 - 0.5 AS prediction
              FROM (SELECT i, (i % 500) / 50.0 AS x FROM range(4000) t(i));
            CREATE TABLE logs AS
              SELECT 2026 AS year, 1 AS month, 5 AS day, 8 + (i % 2) AS hour, 'r' || i AS request_id,
                     'price' AS model_name, '1' AS model_version, (i % 500) / 50.0 AS x,
                     3 * ((i % 500) / 50.0) + 1 + (hash(i + 7) % 1000) / 1000.0 - 0.5 AS prediction
              FROM range(3000) t(i);
            CREATE TABLE truth AS
              SELECT 2026 AS year, 1 AS month, 5 AS day, hour + 1 AS hour, request_id,
                     3 * x + 1 + (hash(request_id) % 1000) / 2000.0 - 0.25 AS label, model_name, model_version
              FROM logs WHERE hash(request_id) % 10 < 8;
            """);
        var validation = Path.Combine(_folder, "validation.parquet");
        Scalar(duck, $"COPY validation TO '{validation}' (FORMAT parquet)");
        Scalar(duck, $"COPY (SELECT x, y FROM validation) TO '{Path.Combine(_folder, "training.parquet")}' (FORMAT parquet)");
        foreach (var (table, root) in new[] { ("logs", "inference-logs"), ("truth", "ground-truth") })
        {
            var folder = Path.Combine(_folder, table);
            Scalar(duck, $"COPY {table} TO '{folder}' (FORMAT parquet, PARTITION_BY (year, month, day, hour))");
            foreach (var file in Directory.EnumerateFiles(folder, "*.parquet", SearchOption.AllDirectories))
            {
                await LogFiles.UploadAsync(container, $"{root}/{Path.GetRelativePath(folder, file).Replace('\\', '/')}", await File.ReadAllBytesAsync(file));
            }
        }

        var baselineRun = await Jobs.BaselineAsync(azurite.ConnectionString, container,
            "--training-data", Path.Combine(_folder, "training.parquet"), "--validation-data", validation, "--target-column", "y", "--model-task", "regression",
            "--model-name", "price", "--model-version", "1");
        Assert.True(baselineRun.ExitCode == 0, baselineRun.Output);
        var detectorRun = await Jobs.DetectorAsync(azurite.ConnectionString, container,
            "--model-name", "price", "--model-version", "1", "--drift-window-end", End.AddHours(1).ToString("o"),
            "--drift-analysis-window-hours", "2", "--drift-label-delay-hours", "1");

        Assert.True(detectorRun.ExitCode == 0, detectorRun.Output);
        var p = (await Jobs.LatestReportAsync(container, "price")).Performance!;
        Assert.Equal(Core.Performance.PerformanceTask.Regression, p.Task);
        Assert.Empty(p.GroundTruth.Skipped);
        Assert.Equal(3000, p.Predictions);
        const string Joined = "FROM logs l JOIN truth t USING (request_id)";
        Assert.Equal(Convert.ToInt64(Scalar(duck, $"SELECT count(*) {Joined}"), CultureInfo.InvariantCulture), p.Labelled);
        Assert.Equal(Convert.ToDouble(Scalar(duck, $"SELECT avg(abs(l.prediction - t.label)) {Joined}"), CultureInfo.InvariantCulture), p.Regression!.Mae!.Value, 9);
        Assert.Equal(Convert.ToDouble(Scalar(duck, $"SELECT sqrt(avg((l.prediction - t.label) ^ 2)) {Joined}"), CultureInfo.InvariantCulture), p.Regression.Rmse!.Value, 9);
        Assert.Equal(Convert.ToDouble(Scalar(duck, $"SELECT avg(l.prediction - t.label) {Joined}"), CultureInfo.InvariantCulture), p.Regression.MeanError!.Value, 9);
        Assert.Equal(Core.Performance.PerformanceMetric.Rmse, p.Metric);
        Assert.Equal(Core.Performance.DegradationTest.WelchT, p.Verdict!.Test);
    }
}
