using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using DriftJobs.Jobs.Tests.Services;
using DriftJobs.Testing;
using DuckDB.NET.Data;

namespace DriftJobs.Jobs.Tests;

/// <summary>
/// The detector as its image runs it: published ahead of time (the Dockerfile's <c>dotnet publish</c>) and run as a
/// process against Azurite. What trimming and ahead-of-time compilation break (reflection over a trimmed type, a
/// serializer or settings binder without generated code, a generic instantiation nobody compiled) breaks only there,
/// so the executable reads every column type the reader takes, in files of two writers, with every alert sink and
/// the metrics push, and must write the same report, alert state and payloads as the job in this process.
/// </summary>
[Collection(PublishedDetectorCollection.Name)]
public sealed partial class PublishedDetectorTests(AzuriteFixture azurite, PublishedDetector published) : IClassFixture<PublishedDetector>, IDisposable
{
    private const string Model = "aot-model";
    private static readonly DateTimeOffset End = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Directory.CreateTempSubdirectory("published-detector-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task The_published_executable_writes_what_the_in_process_job_writes()
    {
        var (training, logs) = await WriteEveryColumnTypeAsync();
        var inProcess = await azurite.CreateContainerAsync();
        var asPublished = await azurite.CreateContainerAsync();
        var baselineRun = await Jobs.BaselineAsync(azurite.ConnectionString, inProcess,
            "--training-data", training, "--model-name", Model, "--model-version", "1", "--categorical-columns", "small_code");
        Assert.True(baselineRun.ExitCode == 0, baselineRun.Output);
        const string baselineName = $"baselines/{Model}/1/baseline.json";
        await asPublished.GetBlobClient(baselineName).UploadAsync((await inProcess.GetBlobClient(baselineName).DownloadContentAsync()).Value.Content);
        foreach (var container in new[] { inProcess, asPublished })
        {
            foreach (var (name, content) in logs)
            {
                await LogFiles.UploadAsync(container, name, content);
            }
        }

        // Two windows: the first (DuckDB's hour) raises alerts and writes their state; the second (both hours) reads it.
        foreach (var end in new[] { End, End.AddHours(1) })
        {
            var expected = await RunAsync(inProcess, end, (connection, container, args) => Jobs.DetectorAsync(connection, container, args));
            var actual = await RunAsync(asPublished, end, published.RunAsync);

            Assert.True(expected.Run.ExitCode == 0, expected.Run.Output);
            Assert.True(actual.Run.ExitCode == 0, actual.Run.Output);
            // Every column was read (none skipped as unsupported), alerts were raised, and every sink was called.
            var report = JsonNode.Parse(expected.Report)!;
            Assert.Equal(
                ["amount", "colour", "flag", "int32", "int64", "price", "ratio", "small", "small_code", "tiny", "uint32", "uint64", "usmall", "utiny"],
                report["features"]!.AsArray().Select(f => (string)f!["name"]!).Order(StringComparer.Ordinal));
            Assert.True((bool)report["drift_detected"]!);
            Assert.Contains("\"code\": \"feature_drift\"", expected.AlertState, StringComparison.Ordinal);
            Assert.Equal(
                ["POST /slack", "POST /hook", "POST /api/v2/alerts", $"PUT /metrics/job/drift-detector/model/{Model}/version/1"],
                expected.Requests.Select(r => string.Join(' ', r.Split(' ', 3)[..2])));
            Assert.Equal(expected.Report, actual.Report);
            Assert.Equal(expected.AlertState, actual.AlertState);
            Assert.Equal(expected.History, actual.History);
            Assert.Equal(expected.Requests, actual.Requests);
        }
    }

    [Fact]
    public async Task A_bad_setting_ends_the_published_executable_with_exit_code_2_and_the_same_message()
    {
        var container = await azurite.CreateContainerAsync();
        string[] args = ["--model-name", Model, "--model-version", "1", "--drift-psi-threshold", "high"];

        var expected = await Jobs.DetectorAsync(azurite.ConnectionString, container, args);
        var actual = await published.RunAsync(azurite.ConnectionString, container, args);

        Assert.Equal(2, expected.ExitCode);
        Assert.Equal(2, actual.ExitCode);
        var reason = Assert.Single(DeliveryScenario.Events(expected.Output, "ExitCode", "2"))["Reason"]!.ToString();
        Assert.Contains("DRIFT_PSI_THRESHOLD", reason, StringComparison.Ordinal);
        Assert.Equal(reason, Assert.Single(DeliveryScenario.Events(actual.Output, "ExitCode", "2"))["Reason"]!.ToString());
    }

    private sealed record Outcome(JobRun Run, string Report, string AlertState, string History, IReadOnlyList<string> Requests);

    private async Task<Outcome> RunAsync(BlobContainerClient container, DateTimeOffset end, Func<string, BlobContainerClient, string[], Task<JobRun>> detector)
    {
        await using var slack = LoopbackReceiver.Start();
        await using var webhook = LoopbackReceiver.Start();
        await using var alertmanager = LoopbackReceiver.Start();
        await using var pushgateway = LoopbackReceiver.Start();
        var run = await detector(azurite.ConnectionString, container,
        [
            "--model-name", Model, "--model-version", "1", "--drift-window-end", end.ToString("o"), "--drift-analysis-window-hours", "2",
            "--drift-slack-webhook-url", slack.Url("slack").ToString(), "--drift-webhook-url", webhook.Url("hook").ToString(),
            "--drift-webhook-secret", "0123456789abcdef0123456789abcdef", "--drift-alertmanager-url", alertmanager.Url("").ToString(),
            "--drift-pushgateway-url", pushgateway.Url("").ToString(), "--drift-report-base-url", "https://reports.example.test/",
        ]);
        var report = await TextAsync(container, $"drift-reports/{Model}/latest.json");
        var state = await TextAsync(container, $"drift-reports/{Model}/alert-state.json");
        var history = await TextAsync(container, $"drift-reports/{Model}/history/1/{end:yyyy-MM-dd}.json");
        List<string> requests =
        [
            .. new[] { slack, webhook, alertmanager }.SelectMany(r => r.Requests).Select(r => $"{r.Method} {r.Path} {RunSpecific(r.Text)}"),
            // The metrics carry the run's durations and memory: their names and labels must match, not their values.
            .. pushgateway.Requests.Select(r => $"{r.Method} {r.Path} {string.Join('\n', MetricSeries().Matches(r.Text).Select(m => m.Value))}"),
        ];
        return new Outcome(run, report, RunSpecific(state), history, requests);
    }

    private static async Task<string> TextAsync(BlobContainerClient container, string name) =>
        (await container.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToString();

    /// <summary>The times of sending and the delivery id differ from run to run, and only those.</summary>
    private static string RunSpecific(string json)
    {
        var text = SentAt().Replace(json, "$1\"<time>\"");
        return DeliveryId().Replace(text, "$1\"<id>\"");
    }

    /// <summary>
    /// Training data and two hours of logs in every column type the reader takes (signed and unsigned integers of
    /// each width, float, double, decimal, boolean, string; nulls in each nullable one), from DuckDB (dictionary
    /// pages, Snappy) and from Parquet.Net (the logger's writer). In the logs <c>amount</c> has moved and a new
    /// colour appears, so the first window raises alerts.
    /// </summary>
    private async Task<(string Training, List<(string Name, byte[] Content)> Logs)> WriteEveryColumnTypeAsync()
    {
        const string columns = """
            (i % 120 - 60)::TINYINT AS tiny, (i % 200)::UTINYINT AS utiny,
            CASE WHEN i % 31 = 0 THEN NULL ELSE (i % 3000 - 1500)::SMALLINT END AS small, (i % 60000)::USMALLINT AS usmall,
            (i * 7 % 100000)::INTEGER AS int32, (i * 13 % 4000000)::UINTEGER AS uint32,
            CASE WHEN i % 17 = 0 THEN NULL ELSE (i * 1000003 % 1000000007)::BIGINT END AS int64, (i * 11 % 900000)::UBIGINT AS uint64,
            ((i % 1000) / 7.0)::FLOAT AS ratio, CASE WHEN i % 23 = 0 THEN NULL ELSE ((i * 37 % 1000) / 10.0)::DECIMAL(10, 2) END AS price,
            CASE WHEN i % 19 = 0 THEN NULL ELSE i % 3 = 0 END AS flag, (i % 4)::INTEGER AS small_code
            """;
        var training = Path.Combine(_folder, "training.parquet");
        var duckLogs = Path.Combine(_folder, "logs.parquet");
        using (var duck = new DuckDBConnection("DataSource=:memory:"))
        {
            duck.Open();
            using var command = duck.CreateCommand();
            command.CommandText = $"""
                COPY (SELECT {columns}, (i % 997) / 10.0 AS amount, ['red','green','blue'][1 + (i % 3)] AS colour
                      FROM range(20000) t(i)) TO '{training}' (FORMAT parquet, ROW_GROUP_SIZE 8192);
                COPY (SELECT '{Model}' AS model_name, '1' AS model_version, {columns},
                             CASE WHEN i % 29 = 0 THEN NULL ELSE 40 + (i % 997) / 10.0 END AS amount,
                             ['red','green','blue','violet'][1 + (i % 4)] AS colour
                      FROM range(3000) t(i)) TO '{duckLogs}' (FORMAT parquet, ROW_GROUP_SIZE 1024);
                """;
            command.ExecuteNonQuery();
        }

        var random = new Random(5);
        var parquetNet = await LogFiles.WriteAsync(Model, "1",
            new Dictionary<string, double?[]> { ["amount"] = LogFiles.Normal(random, 2000, 50, 29) },
            new Dictionary<string, string?[]> { ["colour"] = [.. Enumerable.Range(0, 2000).Select(i => i % 50 == 0 ? null : i % 2 == 0 ? "red" : "blue")] });
        return (training,
        [
            (LogFiles.HourPath(End.AddHours(-1), "duckdb.parquet"), await File.ReadAllBytesAsync(duckLogs)),
            (LogFiles.HourPath(End, "parquet-net.parquet"), parquetNet),
        ]);
    }

    [GeneratedRegex("(\"(?:sent_at|updated_at|startsAt|endsAt)\"\\s*:\\s*)\"[^\"]*\"")]
    private static partial Regex SentAt();

    [GeneratedRegex("(\"delivery_id\"\\s*:\\s*)\"[^\"]*\"")]
    private static partial Regex DeliveryId();

    [GeneratedRegex(@"(?m)^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})?")]
    private static partial Regex MetricSeries();
}

/// <summary>
/// The published detector's own collection, with its own Azurite: its fixture spends ~2 minutes of CPU compiling the
/// detector ahead of time, which in the shared Azurite collection held every other job test up behind it. xunit runs
/// collections side by side.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PublishedDetectorCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Published detector";
}

/// <summary>
/// The detector published once for the class, from a copy of the sources (the tests' own build output stays untouched);
/// or, under make test, the one its Dockerfile check publishes meanwhile (DRIFTJOBS_PUBLISHED_DETECTOR: that folder
/// once it exists, or our own publish if the check failed): two ahead-of-time compiles of the detector at once took
/// ~3 minutes of the 2 cores' time.
/// </summary>
public sealed class PublishedDetector : IAsyncLifetime
{
    public const string PublishedSetting = "DRIFTJOBS_PUBLISHED_DETECTOR";

    private string? _folder;
    private string? _publish;

    public string Executable => Path.Combine(_publish ?? throw new InvalidOperationException("not published"), "DriftJobs.Detector");

    public async Task InitializeAsync()
    {
        _folder = Directory.CreateTempSubdirectory("detector-publish-").FullName;
        if (Environment.GetEnvironmentVariable(PublishedSetting) is { Length: > 0 } published && await WaitForAsync(published))
        {
            _publish = published;
            return;
        }

        var root = RepositoryRoot.Find();
        foreach (var file in new[] { "global.json", "Directory.Build.props", "Directory.Packages.props", ".editorconfig" })
        {
            File.Copy(Path.Combine(root, file), Path.Combine(_folder, file));
        }

        CopySources(Path.Combine(root, "src"), Path.Combine(_folder, "src"));
        var publish = await ProcessRunner.RunAsync(ProcessRunner.Dotnet,
            ["publish", Path.Combine("src", "DriftJobs.Detector", "DriftJobs.Detector.csproj"), "-c", "Release", "-o", "publish", "--nologo"],
            _folder, timeout: TimeSpan.FromMinutes(15));
        Assert.True(publish.ExitCode == 0, publish.ToString());
        _publish = Path.Combine(_folder, "publish");
    }

    /// <summary>True once the check's publish folder is there; false when the check failed (it says why in its own output).</summary>
    private static async Task<bool> WaitForAsync(string published)
    {
        var deadline = DateTime.UtcNow.AddMinutes(15);
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(Path.Combine(published, "DriftJobs.Detector")))
            {
                return true;
            }

            if (File.Exists(published + ".failed"))
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        throw new TimeoutException($"{PublishedSetting}: {published} did not appear within 15 minutes.");
    }

    public Task DisposeAsync()
    {
        if (_folder is not null)
        {
            Directory.Delete(_folder, recursive: true);
        }

        return Task.CompletedTask;
    }

    internal async Task<JobRun> RunAsync(string connectionString, BlobContainerClient container, string[] args)
    {
        var run = await ProcessRunner.RunAsync(Executable,
            ["--azure-storage-connection-string", connectionString, "--drift-container", container.Name, .. args], _folder);
        return new JobRun(run.ExitCode, run.Output + run.Error);
    }

    private static void CopySources(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(to, relative))!);
            File.Copy(file, Path.Combine(to, relative));
        }
    }
}
