using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using DriftJobs.Core.Profiles;
using DriftJobs.Core.Serialization;
using DriftJobs.Testing;

namespace DriftJobs.Jobs.Tests;

[CollectionDefinition(Name)]
public sealed class HourProfileCollection : ICollectionFixture<AzuriteFixture>
{
    // An Azurite of its own: these tests run beside the other Azurite tests instead of after them.
    public const string Name = "Hour profiles";
}

/// <summary>
/// Hour profiles against real Azurite: a window's report is the same bytes whether its hours were read from the logs
/// (DRIFT_HOUR_PROFILES=off), profiled for the first time, taken from stored profiles, or any mix; and any change to an
/// hour's files, the baseline or the profile itself makes exactly the hours concerned be read again.
/// </summary>
[Collection(HourProfileCollection.Name)]
public sealed class HourProfileTests(AzuriteFixture azurite)
{
    private const int WindowHours = 6;
    private static readonly DateTimeOffset End = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private static string ReportName(DateTimeOffset end) => $"drift-reports/m/1/{end:yyyy-MM-dd'T'HH}Z.json";

    private static string ProfileName(DateTimeOffset hour) => $"drift-profiles/m/1/{hour:yyyy-MM-dd}/{hour:yyyy-MM-dd'T'HH}Z.profile.json.gz";

    /// <summary>
    /// A baseline for "m" v1 (numeric x, categorical c) and <paramref name="hours"/> hours of logs before
    /// <paramref name="end"/>: two files an hour with values that move from hour to hour, unseen categories, missing
    /// values, rows of another model, one hour without files and one corrupt file.
    /// </summary>
    private async Task<BlobContainerClient> SetUpAsync(int seed = 5, int hours = WindowHours + 2, DateTimeOffset? end = null)
    {
        var container = await azurite.CreateContainerAsync();
        await UploadBaselineAsync(container, seed);
        var random = new Random(seed);
        var last = end ?? End;
        for (var h = 1; h <= hours; h++)
        {
            var hour = last.AddHours(-h);
            if (h == 3)
            {
                continue; // An hour without files.
            }

            for (var f = 0; f < 2; f++)
            {
                await LogFiles.UploadAsync(container, LogFiles.HourPath(hour, $"part-{f}.parquet"), await HourFileAsync(random, h * 0.15, f == 1 && h == 2 ? "other" : "m"));
            }
        }

        await LogFiles.UploadAsync(container, LogFiles.HourPath(last.AddHours(-4), "broken.parquet"), Encoding.UTF8.GetBytes("not parquet at all"));
        return container;
    }

    private static async Task UploadBaselineAsync(BlobContainerClient container, int seed, string categoryPrefix = "k")
    {
        var random = new Random(seed + 1000);
        var builder = new BaselineBuilder(new BaselineBuildOptions());
        builder.AddNumeric("x", LogFiles.Normal(random, 3000).Select(v => v!.Value).ToArray());
        builder.AddCategorical("c", Enumerable.Range(0, 3000).Select(i => categoryPrefix + (i % 4)).ToArray());
        builder.AddRows(3000);
        var baseline = builder.Build("m", "1", "test", End.AddDays(-30));
        await container.GetBlobClient("baselines/m/1/baseline.json").UploadAsync(new BinaryData(DriftJson.Serialize(baseline)), overwrite: true);
    }

    private static Task<byte[]> HourFileAsync(Random random, double shift, string model = "m", int rows = 300) =>
        LogFiles.WriteAsync(model, "1",
            new Dictionary<string, double?[]> { ["x"] = LogFiles.Normal(random, rows, shift).Select((v, i) => i % 37 == 0 ? null : v).ToArray() },
            new Dictionary<string, string?[]> { ["c"] = Enumerable.Range(0, rows).Select(i => i % 29 == 0 ? null : "k" + random.Next(0, i % 5 == 0 ? 9 : 4)).ToArray() });

    private Task<JobRun> DetectAsync(BlobContainerClient container, DateTimeOffset? end = null, params string[] args) =>
        Jobs.DetectorAsync(azurite.ConnectionString, container,
        [
            "--model-name", "m", "--model-version", "1", "--drift-window-end", (end ?? End).ToString("o"),
            .. args.Contains("--drift-analysis-window-hours") ? [] : new[] { "--drift-analysis-window-hours", WindowHours.ToString() }, .. args,
        ]);

    private async Task<(byte[] Report, JobRun Run)> ReportAsync(BlobContainerClient container, DateTimeOffset? end = null, params string[] args)
    {
        var run = await DetectAsync(container, end, args);
        Assert.True(run.ExitCode == 0, run.Output);
        return ((await container.GetBlobClient(ReportName(end ?? End)).DownloadContentAsync()).Value.Content.ToArray(), run);
    }

    /// <summary>(read, from profiles) as the run printed them.</summary>
    private static (int Read, int Reused) Hours(JobRun run)
    {
        var line = run.Output.Split('\n').Single(l => l.StartsWith("Hours: ", StringComparison.Ordinal));
        var words = line.Split(' ');
        return (int.Parse(words[1]), int.Parse(words[6]));
    }

    [Fact]
    public async Task The_report_is_the_same_bytes_with_the_cache_off_cold_and_warm()
    {
        var container = await SetUpAsync();

        var (off, offRun) = await ReportAsync(container, null, "--drift-hour-profiles", "off");
        Assert.Empty(await Jobs.BlobNamesAsync(container, "drift-profiles/"));
        var (cold, coldRun) = await ReportAsync(container);
        var (warm, warmRun) = await ReportAsync(container);

        // Five of the six hours have files (one of them a corrupt file, skipped and listed in the report).
        Assert.Equal((5, 0), Hours(offRun));
        Assert.Equal((5, 0), Hours(coldRun));
        Assert.Equal((0, 5), Hours(warmRun));
        Assert.Equal(5, (await Jobs.BlobNamesAsync(container, "drift-profiles/m/1/")).Count);
        Assert.Contains("broken.parquet", Encoding.UTF8.GetString(off), StringComparison.Ordinal);
        Assert.Equal(Encoding.UTF8.GetString(off), Encoding.UTF8.GetString(cold));
        Assert.Equal(Encoding.UTF8.GetString(off), Encoding.UTF8.GetString(warm));
    }

    [Fact]
    public async Task Any_mix_of_stored_and_read_hours_over_sliding_windows_gives_the_reports_of_the_cache_off()
    {
        // Random splits: before each window, a random subset of the stored profiles is deleted, so the window mixes
        // hours read now, hours profiled by the previous window and hours profiled long before.
        var random = new Random(11);
        var container = await SetUpAsync(hours: WindowHours + 5);
        var ends = Enumerable.Range(0, 5).Select(i => End.AddHours(-4 + i)).ToList();
        var expected = new Dictionary<DateTimeOffset, string>();
        foreach (var end in ends)
        {
            expected[end] = Encoding.UTF8.GetString((await ReportAsync(container, end, "--drift-hour-profiles", "off")).Report);
        }

        for (var round = 0; round < 3; round++)
        {
            foreach (var end in ends.OrderBy(_ => random.Next()))
            {
                foreach (var name in await Jobs.BlobNamesAsync(container, "drift-profiles/"))
                {
                    if (random.Next(3) == 0)
                    {
                        await container.DeleteBlobAsync(name);
                    }
                }

                var (report, _) = await ReportAsync(container, end);
                Assert.Equal(expected[end], Encoding.UTF8.GetString(report));
            }
        }
    }

    [Fact]
    public async Task A_late_a_deleted_and_a_rewritten_file_make_exactly_their_hours_be_read_again()
    {
        var container = await SetUpAsync();
        await ReportAsync(container);
        var random = new Random(3);

        // Late: a new file in the newest hour.
        await LogFiles.UploadAsync(container, LogFiles.HourPath(End.AddHours(-1), "late.parquet"), await HourFileAsync(random, 2.0));
        var (late, lateRun) = await ReportAsync(container);
        Assert.Equal((1, 4), Hours(lateRun));
        Assert.Contains("late.parquet is new", lateRun.Output, StringComparison.Ordinal);

        // Deleted: a file of the oldest hour.
        await container.DeleteBlobAsync(LogFiles.HourPath(End.AddHours(-6), "part-0.parquet"));
        var (deleted, deletedRun) = await ReportAsync(container);
        Assert.Equal((1, 4), Hours(deletedRun));
        Assert.Contains("part-0.parquet was deleted", deletedRun.Output, StringComparison.Ordinal);

        // Rewritten: same name, other content.
        await LogFiles.UploadAsync(container, LogFiles.HourPath(End.AddHours(-5), "part-1.parquet"), await HourFileAsync(random, -1.0));
        var (rewritten, rewrittenRun) = await ReportAsync(container);
        Assert.Equal((1, 4), Hours(rewrittenRun));
        Assert.Contains("part-1.parquet was rewritten", rewrittenRun.Output, StringComparison.Ordinal);

        // Each report is the report of the logs as they are then.
        var (current, _) = await ReportAsync(container, null, "--drift-hour-profiles", "off");
        Assert.Equal(Encoding.UTF8.GetString(current), Encoding.UTF8.GetString(rewritten));
        Assert.NotEqual(Encoding.UTF8.GetString(late), Encoding.UTF8.GetString(deleted));
    }

    [Fact]
    public async Task A_replaced_baseline_makes_every_hour_be_read_again_with_a_warning()
    {
        var container = await SetUpAsync();
        await ReportAsync(container);

        await UploadBaselineAsync(container, seed: 6, categoryPrefix: "k");
        var (report, run) = await ReportAsync(container);

        Assert.Equal((5, 0), Hours(run));
        Assert.Contains("made from another baseline", run.Output, StringComparison.Ordinal);
        Assert.Contains("\"@l\":\"Warning\"", run.Output.Split('\n').First(l => l.Contains("another baseline", StringComparison.Ordinal)), StringComparison.Ordinal);
        var (off, _) = await ReportAsync(container, null, "--drift-hour-profiles", "off");
        Assert.Equal(Encoding.UTF8.GetString(off), Encoding.UTF8.GetString(report));

        // The profiles were replaced: the next run reads nothing.
        Assert.Equal((0, 5), Hours((await ReportAsync(container)).Run));
    }

    public static TheoryData<string, string> BadProfiles => new()
    {
        { "garbage", "not usable" },
        { "truncated", "not usable" },
        { "format", "format 99 is not this detector's" },
        { "inconsistent", "feature 'x' has slot counts or bounds that do not match" },
        { "other hour", "is the profile of" },
        { "missing feature", "there are counts after the last feature's" },
    };

    [Theory]
    [MemberData(nameof(BadProfiles))]
    public async Task A_profile_that_cannot_be_trusted_is_named_in_a_warning_and_only_its_hour_read_and_replaced(string damage, string expected)
    {
        var container = await SetUpAsync();
        var (before, _) = await ReportAsync(container);
        var hour = End.AddHours(-2);
        var blob = container.GetBlobClient(ProfileName(hour));
        var stored = (await blob.DownloadContentAsync()).Value.Content.ToArray();
        var otherHour = (await container.GetBlobClient(ProfileName(End.AddHours(-1))).DownloadContentAsync()).Value.Content.ToArray();
        await blob.UploadAsync(new BinaryData(Damage(stored, damage, otherHour)), overwrite: true);

        var (after, run) = await ReportAsync(container);

        Assert.Equal((1, 4), Hours(run));
        var warning = run.Output.Split('\n').Single(l => l.Contains(expected, StringComparison.Ordinal));
        Assert.Contains("\"@l\":\"Warning\"", warning, StringComparison.Ordinal);
        Assert.Contains(ProfileName(hour), warning, StringComparison.Ordinal);
        Assert.Equal(Encoding.UTF8.GetString(before), Encoding.UTF8.GetString(after));
        Assert.Equal(stored, (await blob.DownloadContentAsync()).Value.Content.ToArray());
    }

    private static byte[] Damage(byte[] gzipped, string damage, byte[]? otherHour)
    {
        if (damage == "garbage")
        {
            return Encoding.UTF8.GetBytes("{\"format\": 1}");
        }

        if (damage == "truncated")
        {
            return gzipped[..(gzipped.Length / 2)];
        }

        if (damage == "other hour")
        {
            return otherHour!;
        }

        var (json, counts) = StoredProfile.Unpack(gzipped);
        switch (damage)
        {
            case "format":
                json["format"] = 99;
                break;
            case "inconsistent":
                // One more invalid value than the slots leave room for.
                var x = json["features"]!.AsArray().Single(f => (string)f!["name"]! == "x")!;
                x["invalid"] = (long)x["invalid"]! + 1;
                break;
            case "missing feature":
                var features = json["features"]!.AsArray();
                features.Remove(features.Single(f => (string)f!["name"]! == "c"));
                break;
        }

        return StoredProfile.Pack(json, counts);
    }

    [Fact]
    public async Task A_stored_profile_holds_the_hours_key_manifest_and_sparse_counts()
    {
        var container = await SetUpAsync();
        await ReportAsync(container);

        var (json, _) = StoredProfile.Unpack((await container.GetBlobClient(ProfileName(End.AddHours(-4))).DownloadContentAsync()).Value.Content.ToArray());
        Assert.Equal(HourProfileKey.CurrentFormat, (int)json["format"]!);
        Assert.Equal("2026-11-20T08:00:00Z", (string)json["hour"]!);
        Assert.Equal(64, ((string)json["baseline_sha256"]!).Length);
        var files = json["files"]!.AsArray().Select(f => (string)f!["name"]!).ToList();
        Assert.Equal(["broken.parquet", "part-0.parquet", "part-1.parquet"], files.Select(f => f.Split('/')[^1]));
        Assert.All(json["files"]!.AsArray(), f => Assert.NotEmpty((string)f!["etag"]!));
        Assert.Equal(2, (int)json["files_read"]!);
        Assert.EndsWith("broken.parquet", (string)Assert.Single(json["skipped"]!.AsArray())!["path"]!, StringComparison.Ordinal);
        Assert.Equal(600, (long)json["rows"]!);
    }

    [Fact]
    public async Task Profiles_of_days_past_the_retention_are_deleted_and_later_ones_kept()
    {
        var container = await SetUpAsync(hours: 60, end: End);
        await ReportAsync(container, End, "--drift-analysis-window-hours", "60");
        var days = (await Jobs.BlobNamesAsync(container, "drift-profiles/m/1/")).Select(n => n.Split('/')[3]).Distinct().Order().ToList();
        Assert.Equal(["2026-11-18", "2026-11-19", "2026-11-20"], days);

        // 18 hours later, keeping 40 hours: the cut is 2026-11-19T14:00. All of 2026-11-18 is before it and goes; 2026-11-19
        // straddles it and stays whole (profiles are deleted by the day).
        var (_, run) = await ReportAsync(container, End.AddHours(18), "--drift-hour-profile-retention-hours", "40");

        days = (await Jobs.BlobNamesAsync(container, "drift-profiles/m/1/")).Select(n => n.Split('/')[3]).Distinct().Order().ToList();
        Assert.Equal(["2026-11-19", "2026-11-20"], days);
        Assert.Contains("Deleted 24 hour profiles of 1 days", run.Output, StringComparison.Ordinal);
    }
}
