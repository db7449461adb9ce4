using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using DriftJobs.Core.Profiles;
using DriftJobs.Core.Serialization;
using DriftJobs.Testing;

namespace DriftJobs.Jobs.Tests;

/// <summary>
/// DRIFT_REFERENCE = baseline+previous-week against real Azurite: the week before comes from the hour profiles its own
/// runs stored, a shift already there a week earlier is reported without paging, and a new one still pages.
/// </summary>
[Collection(HourProfileCollection.Name)]
public sealed class SeasonalReferenceTests(AzuriteFixture azurite)
{
    private const int WindowHours = 6;
    private static readonly DateTimeOffset End = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset WeekBefore = End.AddDays(-7);

    [Fact]
    public async Task A_weekly_cycle_in_both_weeks_is_seasonal_and_a_new_shift_still_pages()
    {
        var container = await azurite.CreateContainerAsync();
        await UploadBaselineAsync(container);
        var random = new Random(11);
        // "cycle" runs high in this window's hours of every week; "fresh" moved only this week.
        await UploadHoursAsync(container, random, WeekBefore, cycleShift: 0.8, freshShift: 0);
        await UploadHoursAsync(container, random, End, cycleShift: 0.8, freshShift: 0.8);

        var earlier = await DetectAsync(container, WeekBefore);
        Assert.True(earlier.ExitCode == 0, earlier.Output);

        var run = await DetectAsync(container, End, "--drift-reference", "baseline+previous-week");
        Assert.True(run.ExitCode == 0, run.Output);
        var report = await ReportAsync(container, End);
        var week = report["previous_week"]!;
        Assert.Equal("compared", (string?)week["status"]);
        Assert.Equal(WindowHours, (int)week["hours_profiled"]!);
        Assert.Equal(["cycle"], week["seasonal_features"]!.AsArray().Select(n => (string?)n));
        Assert.Equal(WeekBefore.AddHours(-WindowHours), DateTimeOffset.Parse((string)week["window"]!["start"]!, System.Globalization.CultureInfo.InvariantCulture));

        var alerts = report["alerts"]!.AsArray().Select(a => ((string?)a!["code"], (string?)a["feature"], (string?)a["severity"])).ToList();
        Assert.Contains(("seasonal_drift", "cycle", "INFO"), alerts);
        Assert.Contains(("feature_drift", "fresh", "WARNING"), alerts);
        Assert.DoesNotContain(alerts, a => a.Item1 == "feature_drift" && a.Item2 == "cycle");
        Assert.Contains("Week before (2026-11-13T06:00Z to 2026-11-13T12:00Z): seasonal or persistent, not paged: cycle", run.Output, StringComparison.Ordinal);

        // One hour of the week before without its profile: that week is not compared, and the cycle pages again.
        var missing = WeekBefore.AddHours(-2);
        await container.GetBlobClient($"drift-profiles/m/1/{missing:yyyy-MM-dd}/{missing:yyyy-MM-dd'T'HH}Z.profile.json.gz").DeleteAsync();
        var partial = await DetectAsync(container, End, "--drift-reference", "baseline+previous-week");
        Assert.True(partial.ExitCode == 0, partial.Output);
        report = await ReportAsync(container, End);
        Assert.Equal("unavailable", (string?)report["previous_week"]!["status"]);
        Assert.Equal(WindowHours - 1, (int)report["previous_week"]!["hours_profiled"]!);
        alerts = [.. report["alerts"]!.AsArray().Select(a => ((string?)a!["code"], (string?)a["feature"], (string?)a["severity"]))];
        Assert.Contains(("feature_drift", "cycle", "WARNING"), alerts);
        var why = report["alerts"]!.AsArray().Single(a => (string?)a!["code"] == "seasonal_reference_unavailable")!;
        Assert.Contains("2026-11-13T10Z", (string?)why["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_week_before_needs_hour_profiles_and_their_retention()
    {
        var container = await azurite.CreateContainerAsync();

        var off = await DetectAsync(container, End, "--drift-reference", "baseline+previous-week", "--drift-hour-profiles", "off");
        var short_ = await DetectAsync(container, End, "--drift-reference", "baseline+previous-week", "--drift-hour-profile-retention-hours", "100");
        var unknown = await DetectAsync(container, End, "--drift-reference", "last-week");

        Assert.Equal(2, off.ExitCode);
        Assert.Contains("DRIFT_REFERENCE = baseline+previous-week needs DRIFT_HOUR_PROFILES = on", off.Output, StringComparison.Ordinal);
        Assert.Equal(2, short_.ExitCode);
        Assert.Contains("DRIFT_HOUR_PROFILE_RETENTION_HOURS (100) must be at least DRIFT_ANALYSIS_WINDOW_HOURS + 168 (174)", short_.Output, StringComparison.Ordinal);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("DRIFT_REFERENCE = 'last-week' is not one of baseline, baseline+previous-week", unknown.Output, StringComparison.Ordinal);
    }

    private static async Task UploadBaselineAsync(BlobContainerClient container)
    {
        var random = new Random(1);
        var builder = new BaselineBuilder(new BaselineBuildOptions());
        builder.AddNumeric("cycle", [.. LogFiles.Normal(random, 3000).Select(v => v!.Value)]);
        builder.AddNumeric("fresh", [.. LogFiles.Normal(random, 3000).Select(v => v!.Value)]);
        builder.AddCategorical("c", [.. Enumerable.Range(0, 3000).Select(i => "k" + (i % 4))]);
        builder.AddRows(3000);
        var baseline = builder.Build("m", "1", "test", End.AddDays(-30));
        await container.GetBlobClient("baselines/m/1/baseline.json").UploadAsync(new BinaryData(DriftJson.Serialize(baseline)), overwrite: true);
    }

    private static async Task UploadHoursAsync(BlobContainerClient container, Random random, DateTimeOffset end, double cycleShift, double freshShift)
    {
        for (var h = 1; h <= WindowHours; h++)
        {
            var file = await LogFiles.WriteAsync("m", "1",
                new Dictionary<string, double?[]> { ["cycle"] = LogFiles.Normal(random, 300, cycleShift), ["fresh"] = LogFiles.Normal(random, 300, freshShift) },
                new Dictionary<string, string?[]> { ["c"] = [.. Enumerable.Range(0, 300).Select(_ => "k" + random.Next(0, 4))] });
            await LogFiles.UploadAsync(container, LogFiles.HourPath(end.AddHours(-h), "part-0.parquet"), file);
        }
    }

    private Task<JobRun> DetectAsync(BlobContainerClient container, DateTimeOffset end, params string[] args) =>
        Jobs.DetectorAsync(azurite.ConnectionString, container,
            ["--model-name", "m", "--model-version", "1", "--drift-window-end", end.ToString("o"), "--drift-analysis-window-hours", WindowHours.ToString(), .. args]);

    private static async Task<JsonNode> ReportAsync(BlobContainerClient container, DateTimeOffset end) =>
        JsonNode.Parse((await container.GetBlobClient($"drift-reports/m/1/{end:yyyy-MM-dd'T'HH}Z.json").DownloadContentAsync()).Value.Content.ToString())!;
}
