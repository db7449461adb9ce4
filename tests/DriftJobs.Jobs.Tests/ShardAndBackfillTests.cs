using System.Text;
using Azure.Storage.Blobs;
using DriftJobs.Core.Profiles;
using DriftJobs.Core.Serialization;
using DriftJobs.Testing;

namespace DriftJobs.Jobs.Tests;

/// <summary>
/// Shards run as separate detector processes, as an Indexed Job's pods do (DRIFT_SHARDS and Kubernetes'
/// JOB_COMPLETION_INDEX in their environment), and backfills run in-process, all against real Azurite: each must
/// write the very report a single run with the hour-profile cache off writes.
/// </summary>
[Collection(HourProfileCollection.Name)]
public sealed class ShardAndBackfillTests(AzuriteFixture azurite)
{
    private const int WindowHours = 6;
    private static readonly DateTimeOffset End = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private static string Executable => Path.Combine(AppContext.BaseDirectory, "DriftJobs.Detector");

    private static string ReportName(DateTimeOffset end) => $"drift-reports/m/1/{end:yyyy-MM-dd'T'HH}Z.json";

    private async Task<BlobContainerClient> SetUpAsync(int hours)
    {
        var container = await azurite.CreateContainerAsync();
        var random = new Random(23);
        var builder = new BaselineBuilder(new BaselineBuildOptions());
        builder.AddNumeric("x", LogFiles.Normal(random, 3000).Select(v => v!.Value).ToArray());
        builder.AddCategorical("c", Enumerable.Range(0, 3000).Select(i => "k" + (i % 4)).ToArray());
        builder.AddRows(3000);
        await container.GetBlobClient("baselines/m/1/baseline.json").UploadAsync(new BinaryData(DriftJson.Serialize(builder.Build("m", "1", "test", End.AddDays(-30)))));
        for (var h = 1; h <= hours; h++)
        {
            for (var f = 0; f < 2; f++)
            {
                await LogFiles.UploadAsync(container, LogFiles.HourPath(End.AddHours(-h), $"part-{f}.parquet"), await LogFiles.WriteAsync("m", "1",
                    new Dictionary<string, double?[]> { ["x"] = LogFiles.Normal(random, 250, h * 0.2) },
                    new Dictionary<string, string?[]> { ["c"] = Enumerable.Range(0, 250).Select(i => "k" + random.Next(0, 6)).ToArray() }));
            }
        }

        return container;
    }

    private string[] Arguments(BlobContainerClient container, DateTimeOffset end, params string[] more) =>
    [
        "--azure-storage-connection-string", azurite.ConnectionString, "--drift-container", container.Name,
        "--model-name", "m", "--model-version", "1", "--drift-window-end", end.ToString("o"), "--drift-analysis-window-hours", WindowHours.ToString(), .. more,
    ];

    private Task<ProcessResult> ShardAsync(BlobContainerClient container, int index, int shards, double waitSeconds = 120) =>
        ProcessRunner.RunAsync(Executable, Arguments(container, End), environment: new Dictionary<string, string>
        {
            ["DRIFT_SHARDS"] = shards.ToString(),
            ["JOB_COMPLETION_INDEX"] = index.ToString(),
            ["DRIFT_SHARD_WAIT_SECONDS"] = waitSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

    private async Task<string> ReportWithTheCacheOffAsync(BlobContainerClient container, DateTimeOffset end)
    {
        var run = await Jobs.DetectorAsync(azurite.ConnectionString, container, Arguments(container, end, "--drift-hour-profiles", "off")[4..]);
        Assert.True(run.ExitCode == 0, run.Output);
        return await ReadAsync(container, ReportName(end));
    }

    private static async Task<string> ReadAsync(BlobContainerClient container, string name) =>
        Encoding.UTF8.GetString((await container.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToArray());

    private static int ProfiledHours(ProcessResult shard) =>
        (int)System.Text.Json.Nodes.JsonNode.Parse(shard.Output.Split('\n').Single(l => l.Contains("hours profiled from", StringComparison.Ordinal)))!["Hours"]!;

    private static async Task<string?> TryReadAsync(BlobContainerClient container, string name) =>
        await container.GetBlobClient(name).ExistsAsync() ? await ReadAsync(container, name) : null;

    [Fact]
    public async Task Four_shard_processes_and_the_merge_write_the_report_of_a_single_run()
    {
        var container = await SetUpAsync(WindowHours);
        var expected = await ReportWithTheCacheOffAsync(container, End);
        await container.DeleteBlobAsync(ReportName(End));

        // All at once, as Kubernetes starts them: index 0 profiles its share, then waits for the other three.
        var shards = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => ShardAsync(container, i, 4)));

        Assert.All(shards, s => Assert.True(s.ExitCode == 0, s.ToString()));
        for (var i = 1; i < 4; i++)
        {
            Assert.Contains($"Shard {i} of 4 done", shards[i].Output, StringComparison.Ordinal);
            Assert.False(shards[i].Output.Contains("DRIFT DETECTION SUMMARY", StringComparison.Ordinal), "only the merge reports");
        }

        // Every hour was read by exactly one shard: hour numbers modulo 4 spread six hours as 2, 2, 1, 1.
        var read = Enumerable.Range(1, 3).Sum(i => ProfiledHours(shards[i]));
        var merged = shards[0].Output.Split('\n').Single(l => l.StartsWith("Hours: ", StringComparison.Ordinal));
        Assert.Equal(WindowHours, read + int.Parse(merged.Split(' ')[1]));
        Assert.Equal(expected, await ReadAsync(container, ReportName(End)));

        // One shard is the plain run, profiles on.
        await container.DeleteBlobAsync(ReportName(End));
        var single = await ShardAsync(container, 0, 1);
        Assert.True(single.ExitCode == 0, single.ToString());
        Assert.Equal(expected, await ReadAsync(container, ReportName(End)));
    }

    [Fact]
    public async Task A_shard_that_died_part_way_is_rerun_for_its_missing_hours_only()
    {
        var container = await SetUpAsync(WindowHours);
        var expected = await ReportWithTheCacheOffAsync(container, End);
        var first = await ShardAsync(container, 1, 2);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(3, ProfiledHours(first));

        // A pod killed after writing some of its hours' profiles (each is written whole or not at all) leaves the others
        // missing: one of shard 1's three.
        var ofShard1 = (await Jobs.BlobNamesAsync(container, "drift-profiles/")).Order(StringComparer.Ordinal).ToList();
        await container.DeleteBlobAsync(ofShard1[1]);
        var rerun = await ShardAsync(container, 1, 2);
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.Equal(1, ProfiledHours(rerun));

        var merge = await ShardAsync(container, 0, 2);
        Assert.True(merge.ExitCode == 0, merge.ToString());
        Assert.Equal(expected, await ReadAsync(container, ReportName(End)));
    }

    [Fact]
    public async Task The_merge_gives_up_after_its_wait_naming_the_missing_hours_and_writes_no_report()
    {
        var container = await SetUpAsync(WindowHours);

        var merge = await ShardAsync(container, 0, 3, waitSeconds: 2);

        Assert.True(merge.ExitCode == 1, merge.ToString());
        Assert.Contains("The other shards did not profile 4 hours within DRIFT_SHARD_WAIT_SECONDS = 2 s", merge.Output + merge.Error, StringComparison.Ordinal);
        var missing = StorageHours().Where(h => h.ToUnixTimeSeconds() / 3600 % 3 != 0).ToList();
        Assert.All(missing, h => Assert.Contains($"{h:yyyy-MM-dd'T'HH}Z (shard {h.ToUnixTimeSeconds() / 3600 % 3})", merge.Output + merge.Error, StringComparison.Ordinal));
        Assert.Empty(await Jobs.BlobNamesAsync(container, "drift-reports/"));
    }

    [Fact]
    public async Task Shards_need_the_hour_profiles_and_an_index_below_their_count()
    {
        var container = await SetUpAsync(1);

        var outOfRange = await ShardAsync(container, 4, 4);
        var withoutProfiles = await ProcessRunner.RunAsync(Executable, Arguments(container, End, "--drift-hour-profiles", "off"), environment: new Dictionary<string, string> { ["DRIFT_SHARDS"] = "2" });

        Assert.Equal(2, outOfRange.ExitCode);
        Assert.Contains("JOB_COMPLETION_INDEX (4) must be below DRIFT_SHARDS (4)", outOfRange.Output + outOfRange.Error, StringComparison.Ordinal);
        Assert.Equal(2, withoutProfiles.ExitCode);
        Assert.Contains("DRIFT_SHARDS = 2 needs DRIFT_HOUR_PROFILES = on", withoutProfiles.Output + withoutProfiles.Error, StringComparison.Ordinal);
    }

    private static IEnumerable<DateTimeOffset> StorageHours() => Enumerable.Range(1, WindowHours).Select(h => End.AddHours(-h));

    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public async Task A_backfill_writes_each_windows_report_reading_each_hour_once_and_never_moves_latest_back(string hourProfiles)
    {
        var container = await SetUpAsync(WindowHours + 3);
        var ends = Enumerable.Range(0, 4).Select(i => End.AddHours(-3 + i)).ToList();
        var expected = new List<string>();
        foreach (var end in ends)
        {
            expected.Add(await ReportWithTheCacheOffAsync(container, end));
        }

        var later = End.AddHours(5);
        await ReportWithTheCacheOffAsync(container, later);
        var latest = await ReadAsync(container, "drift-reports/m/latest.json");
        var alertState = await TryReadAsync(container, "drift-reports/m/alert-state.json");
        foreach (var end in ends)
        {
            await container.DeleteBlobAsync(ReportName(end));
        }

        var run = await Jobs.DetectorAsync(azurite.ConnectionString, container,
        [
            "--model-name", "m", "--model-version", "1", "--drift-analysis-window-hours", WindowHours.ToString(), "--drift-hour-profiles", hourProfiles,
            "--drift-backfill-from", ends[0].ToString("o"), "--drift-backfill-to", ends[^1].ToString("o"),
        ]);

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal(expected, await Task.WhenAll(ends.Select(e => ReadAsync(container, ReportName(e)))));
        Assert.Equal(latest, await ReadAsync(container, "drift-reports/m/latest.json"));
        Assert.Equal(alertState, await TryReadAsync(container, "drift-reports/m/alert-state.json"));
        Assert.Contains($"Backfilled {ends.Count} reports of m 1", run.Output, StringComparison.Ordinal);

        // Windows ending 09:00 to 12:00 cover the nine hours 03:00 to 11:00: each read once.
        var backfilled = run.Output.Split('\n').Where(l => l.Contains("Backfilled the window ending", StringComparison.Ordinal)).ToList();
        Assert.Equal(ends.Count, backfilled.Count);
        Assert.Equal(WindowHours + 3, backfilled.Sum(l => (int)System.Text.Json.Nodes.JsonNode.Parse(l)!["HoursRead"]!));
    }

    [Fact]
    public async Task A_backfill_without_both_ends_or_with_shards_is_refused_naming_the_settings()
    {
        var container = await SetUpAsync(1);

        var oneEnd = await Jobs.DetectorAsync(azurite.ConnectionString, container, ["--model-name", "m", "--model-version", "1", "--drift-backfill-from", End.ToString("o")]);
        var backwards = await Jobs.DetectorAsync(azurite.ConnectionString, container,
            ["--model-name", "m", "--model-version", "1", "--drift-backfill-from", End.ToString("o"), "--drift-backfill-to", End.AddHours(-1).ToString("o")]);
        var sharded = await Jobs.DetectorAsync(azurite.ConnectionString, container,
            ["--model-name", "m", "--model-version", "1", "--drift-backfill-from", End.ToString("o"), "--drift-backfill-to", End.ToString("o"), "--drift-shards", "2"]);

        Assert.Equal(2, oneEnd.ExitCode);
        Assert.Contains("DRIFT_BACKFILL_FROM and DRIFT_BACKFILL_TO go together", oneEnd.Output, StringComparison.Ordinal);
        Assert.Equal(2, backwards.ExitCode);
        Assert.Contains("DRIFT_BACKFILL_TO (2026-11-20T11:00:00.0000000+00:00) is before DRIFT_BACKFILL_FROM", backwards.Output, StringComparison.Ordinal);
        Assert.Equal(2, sharded.ExitCode);
        Assert.Contains("A backfill (DRIFT_BACKFILL_FROM) runs in one pod", sharded.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_shard_computes_the_same_share_of_an_hour()
    {
        // The share depends on the hour alone: pods that listed at different moments still agree.
        var hours = Enumerable.Range(0, 48).Select(h => End.AddHours(-h)).ToList();
        foreach (var shards in new[] { 1, 2, 3, 4, 7 })
        {
            var shares = hours.GroupBy(h => Detector.Profiles.WindowAssembly.Shard(h, shards)).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(Enumerable.Range(0, shards), shares.Keys.Order());
            Assert.InRange(shares.Values.Max() - shares.Values.Min(), 0, 1);
        }
    }
}
