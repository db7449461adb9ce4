using System.Text;
using Azure.Storage.Blobs;
using DriftJobs.Core.Reports;
using DriftJobs.Core.Serialization;
using DriftJobs.Testing;

namespace DriftJobs.Jobs.Tests;

/// <summary>
/// Segment drift end to end against real Azurite: the baseline job profiles the training data's segments, the detector
/// judges each segment of its window in the same pass as the whole window, stores the segments in its hour profiles and
/// gives the same report from them as from the logs.
/// </summary>
[Collection(HourProfileCollection.Name)]
public sealed class SegmentTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Quiet = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Drifted = Quiet.AddHours(2);

    private static string Country(Random random)
    {
        var u = random.NextDouble();
        return u < 0.5 ? "DE" : u < 0.75 ? "FR" : u < 0.85 ? "IT" : u < 0.95 ? "NL" : "ES";
    }

    /// <summary>Rows of five numeric features and a country; <paramref name="shiftInItaly"/> moves x0 in IT only; a few rows from a country training never had.</summary>
    private static Task<byte[]> RowsAsync(Random random, int rows, double shiftInItaly = 0, bool withUnseen = false)
    {
        var country = Enumerable.Range(0, rows).Select(i => withUnseen && i % 50 == 0 ? "PL" : Country(random)).ToArray<string?>();
        var numeric = Enumerable.Range(0, 5).ToDictionary(f => "x" + f, f => LogFiles.Normal(random, rows)
            .Select((v, i) => f == 0 && country[i] == "IT" ? v + shiftInItaly : v).ToArray());
        return LogFiles.WriteAsync("m", "1", numeric, new Dictionary<string, string?[]> { ["country"] = country });
    }

    private Task<JobRun> DetectAsync(BlobContainerClient container, DateTimeOffset end, params string[] args) =>
        Jobs.DetectorAsync(azurite.ConnectionString, container,
            ["--model-name", "m", "--model-version", "1", "--drift-window-end", end.ToString("o"), "--drift-analysis-window-hours", "2", .. args]);

    private static async Task<string> ReportAsync(BlobContainerClient container, DateTimeOffset end) =>
        Encoding.UTF8.GetString((await container.GetBlobClient($"drift-reports/m/1/{end:yyyy-MM-dd'T'HH}Z.json").DownloadContentAsync()).Value.Content.ToArray());

    [Fact]
    public async Task A_drift_in_one_segment_is_found_there_only_and_quiet_segments_raise_nothing()
    {
        var container = await azurite.CreateContainerAsync();
        var random = new Random(26);
        await LogFiles.UploadAsync(container, "training/m/part-0.parquet", await RowsAsync(random, 6000));
        var baseline = await Jobs.BaselineAsync(azurite.ConnectionString, container, "--training-data", "training/m", "--model-name", "m", "--model-version", "1",
            "--exclude-columns", "model_name,model_version", "--drift-segment-columns", "country", "--drift-max-segments", "3");
        Assert.True(baseline.ExitCode == 0, baseline.Output);
        for (var h = 1; h <= 4; h++)
        {
            var hour = Drifted.AddHours(-h);
            for (var f = 0; f < 2; f++)
            {
                await LogFiles.UploadAsync(container, LogFiles.HourPath(hour, $"part-{f}.parquet"), await RowsAsync(random, 1500, shiftInItaly: hour >= Quiet ? 1.0 : 0, withUnseen: true));
            }
        }

        var segments = new[] { "--drift-segment-columns", "country" };
        var quiet = await DetectAsync(container, Quiet, segments);
        Assert.True(quiet.ExitCode == 0, quiet.Output);
        var quietReport = DriftJson.ReadReport(Encoding.UTF8.GetBytes(await ReportAsync(container, Quiet)), "quiet");
        Assert.False(quietReport.DriftDetected);
        Assert.Equal(["country=DE", "country=FR", "country=IT", "(other)"], quietReport.Segments!.Segments.Select(s => s.Key));
        Assert.Equal(4 * 6, quietReport.Segments.TestsInFamily); // x0…x4 and country itself
        Assert.Equal(0, quietReport.Segments.SegmentsDrifted);
        Assert.DoesNotContain(quietReport.Alerts, a => a.Code == AlertCodes.SegmentDrift);
        Assert.Equal("country=PL", Assert.Single(quietReport.Segments.Unseen.Top).Key);
        Assert.Equal(quietReport.Samples, quietReport.Segments.Segments.Sum(s => s.Rows) + quietReport.Segments.Unseen.Rows);

        // Read from the logs (cold), then from the hour profiles (warm), then with the profiles off: the same report.
        var cold = await DetectAsync(container, Drifted, segments);
        Assert.True(cold.ExitCode == 0, cold.Output);
        var fromLogs = await ReportAsync(container, Drifted);
        Assert.Equal(0, (await DetectAsync(container, Drifted, segments)).ExitCode);
        Assert.Equal(fromLogs, await ReportAsync(container, Drifted));
        Assert.Equal(0, (await DetectAsync(container, Drifted, [.. segments, "--drift-hour-profiles", "off"])).ExitCode);
        Assert.Equal(fromLogs, await ReportAsync(container, Drifted));

        var report = DriftJson.ReadReport(Encoding.UTF8.GetBytes(fromLogs), "drifted");
        Assert.False(report.DriftDetected);
        Assert.Equal(["country=IT"], report.Segments!.DriftedSegments);
        Assert.Equal(["x0"], report.Segments.Segments[0].DriftedFeatures);
        Assert.Equal("country=IT/x0", Assert.Single(report.Alerts, a => a.Code == AlertCodes.SegmentDrift).Feature);
        var metrics = Detector.Metrics.RunMetrics.Format(report, TimeSpan.FromSeconds(1), Drifted);
        Assert.Contains("driftjobs_segment_drift_score{segment=\"country=IT\"} 0.1666", metrics, StringComparison.Ordinal);
        Assert.Contains("driftjobs_segments_drifted 1\n", metrics, StringComparison.Ordinal);

        // Without the setting the report is the unsegmented one; with other columns than the baseline's, a configuration error.
        // The whole window, summed from the segments' counts, is the unsegmented run's to the byte.
        Assert.Equal(0, (await DetectAsync(container, Drifted, "--drift-hour-profiles", "off")).ExitCode);
        var plain = DriftJson.ReadReport(Encoding.UTF8.GetBytes(await ReportAsync(container, Drifted)), "plain");
        Assert.Null(plain.Segments);
        string Json(DriftReport r) => Encoding.UTF8.GetString(DriftJson.Serialize(r with { Segments = null, Alerts = [.. r.Alerts.Where(a => a.Code != AlertCodes.SegmentDrift)] }));
        Assert.Equal(Json(plain), Json(report));
        var mismatch = await DetectAsync(container, Drifted, "--drift-segment-columns", "country,app");
        Assert.Equal(2, mismatch.ExitCode);
        Assert.Contains("DRIFT_SEGMENT_COLUMNS = 'country,app' is not the baseline's 'country' (baselines/m/1/baseline.json)", mismatch.Output, StringComparison.Ordinal);
    }
}
