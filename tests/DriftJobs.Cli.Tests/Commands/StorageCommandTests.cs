using Azure.Storage.Blobs;
using DriftJobs.Cli.Tests.Fakes;
using DriftJobs.Core.Profiles;
using DriftJobs.Core.Reports;
using DriftJobs.Core.Reports.Html;
using DriftJobs.Core.Serialization;
using DriftJobs.Storage;
using DriftJobs.Testing;

namespace DriftJobs.Cli.Tests.Commands;

/// <summary>driftctl's storage commands against Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class StorageCommandTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset End = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private Task<(int Code, string Output, string Error)> DriftCtlAsync(BlobContainerClient container, params string[] args) =>
        StorageCli.RunAsync(azurite, container, args);

    /// <summary>
    /// A container as the detector leaves it for model "m" v1 after the window ending at <see cref="End"/>: the
    /// baseline, the window's report and page, latest.json and latest.html. The report is made by Core, as the
    /// detector makes it, from the values the detector would read: "steady" is every fourth training value (the same
    /// distribution by construction, so it cannot drift by chance), "moved" is shifted by two standard deviations.
    /// </summary>
    private async Task<BlobContainerClient> ContainerWithReportAsync()
    {
        var container = await azurite.CreateContainerAsync();
        var random = new Random(3);
        var builder = new BaselineBuilder(new BaselineBuildOptions());
        var steady = Normal(random, 2000);
        builder.AddNumeric("steady", steady);
        builder.AddNumeric("moved", Normal(random, 2000));
        builder.AddRows(2000);
        var baseline = builder.Build("m", "1", "test", End.AddDays(-1));
        await UploadAsync(container, StorageLayout.BaselineBlobName("m", "1"), new BinaryData(DriftJson.Serialize(baseline)));

        var window = new WindowProfile(baseline);
        window.AddNumeric("steady", steady.Where((_, i) => i % 4 == 0).ToArray());
        window.AddNumeric("moved", Normal(random, 500, 2));
        window.AddRows(500);
        var report = DriftAnalyzer.Analyze(window, new ReportWindow { Start = End.AddHours(-24), End = End, Hours = 24 }, new DriftThresholds());

        var json = new BinaryData(DriftJson.Serialize(report));
        var reportName = StorageLayout.ReportBlobName("m", "1", End);
        await UploadAsync(container, reportName, json);
        await UploadAsync(container, StorageLayout.LatestReportBlobName("m"), json);
        // The pages as the detector's HtmlReportWriter renders them: latest.html links down into the version's folder.
        var jsonFile = Path.GetFileName(reportName);
        await UploadAsync(container, StorageLayout.HtmlReportBlobName("m", "1", End), BinaryData.FromString(HtmlReportRenderer.Render(report, new HtmlReportLinks(jsonFile))));
        await UploadAsync(container, StorageLayout.LatestHtmlReportBlobName("m"), BinaryData.FromString(HtmlReportRenderer.Render(report, new HtmlReportLinks($"1/{jsonFile}"))));
        return container;
    }

    private static Task UploadAsync(BlobContainerClient container, string name, BinaryData content) =>
        container.GetBlobClient(name).UploadAsync(content, overwrite: true);

    /// <summary>Box–Muller, drawing as the detector tests' log generator does.</summary>
    private static double[] Normal(Random random, int n, double mean = 0, double std = 1) =>
        Enumerable.Range(0, n).Select(_ => mean + (std * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()))).ToArray();

    [Fact]
    public async Task View_metrics_prints_the_summary_and_drifted_features_first()
    {
        var container = await ContainerWithReportAsync();

        var (code, output, _) = await DriftCtlAsync(container, "view-metrics", "--model-name", "m");

        Assert.Equal(0, code);
        Assert.Contains("Overall drift detected: YES", output, StringComparison.Ordinal);
        Assert.Contains("Features drifted: 1/2", output, StringComparison.Ordinal);
        var table = output.Split('\n').SkipWhile(l => !l.StartsWith("FEATURE", StringComparison.Ordinal)).ToArray();
        Assert.StartsWith("moved ", table[1], StringComparison.Ordinal);
        Assert.Contains("YES (psi, ks)", table[1], StringComparison.Ordinal);
        Assert.StartsWith("steady", table[2], StringComparison.Ordinal);
        Assert.EndsWith("no", table[2].TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task View_metrics_json_prints_the_stored_report()
    {
        var container = await ContainerWithReportAsync();
        var (code, output, _) = await DriftCtlAsync(container, "view-metrics", "--model-name", "m", "--json");
        Assert.Equal(0, code);
        var stored = (await container.GetBlobClient("drift-reports/m/latest.json").DownloadContentAsync()).Value.Content.ToString();
        Assert.Equal(stored, output);
    }

    [Fact]
    public async Task View_metrics_without_a_report_exits_8()
    {
        var container = await azurite.CreateContainerAsync();
        var (code, _, error) = await DriftCtlAsync(container, "view-metrics", "--model-name", "nothing-yet");
        Assert.Equal(ExitCodes.NoReport, code);
        Assert.Contains("no drift report yet for model 'nothing-yet'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lists_show_baselines_and_reports_with_size_and_time()
    {
        var container = await ContainerWithReportAsync();

        var baselines = await DriftCtlAsync(container, "list-baselines");
        var reports = await DriftCtlAsync(container, "list-reports", "--model-name", "m");

        Assert.Equal(0, baselines.Code);
        var baselineLine = Assert.Single(baselines.Output.Split('\n'), l => l.StartsWith("baselines/m/1/baseline.json", StringComparison.Ordinal));
        var size = (await container.GetBlobClient("baselines/m/1/baseline.json").GetPropertiesAsync()).Value.ContentLength;
        Assert.Contains(size.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), baselineLine, StringComparison.Ordinal);
        Assert.Matches(@"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$", baselineLine.TrimEnd());
        Assert.Equal(0, reports.Code);
        Assert.Contains("drift-reports/m/1/2026-11-20T12Z.json", reports.Output, StringComparison.Ordinal);
        Assert.Contains("drift-reports/m/latest.json", reports.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("baselines/", reports.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_storage_exits_7_naming_the_endpoint_its_option_and_how_long_it_tried()
    {
        var port = LoopbackPort.Closed();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var connection = azurite.ConnectionString.Replace($":{azurite.Azurite.Port}/", $":{port}/", StringComparison.Ordinal);
        var code = await DriftCtl.InvokeAsync(["list-reports", "--connection-string", connection], new CliRuntime(output, error, TimeProvider.System));
        Assert.Equal(ExitCodes.StorageUnreachable, code);
        Assert.Matches(
            $@"The storage account at http://127\.0\.0\.1:{port}/devstoreaccount1 \(the BlobEndpoint of --connection-string or \$AZURE_STORAGE_CONNECTION_STRING\) " +
            $@"could not be reached: 6 tries over \d+\.\d s, the last failing with: Connection refused \(127\.0\.0\.1:{port}\)",
            error.ToString());
        Assert.DoesNotContain("Retry settings can be adjusted", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("list-baselines")]
    [InlineData("list-reports")]
    [InlineData("view-metrics", "--model-name", "m")]
    [InlineData("view-report", "--model-name", "m")]
    public async Task A_container_that_does_not_exist_exits_7_naming_it(params string[] command)
    {
        // Not "nothing there" or "no report yet, has the detector run?": the container itself is missing.
        var container = new BlobContainerClient(azurite.ConnectionString, "absent-" + Guid.NewGuid().ToString("N")[..12]);

        var (code, output, error) = await DriftCtlAsync(container, command);

        Assert.Equal(ExitCodes.StorageUnreachable, code);
        Assert.Contains($"container '{container.Name}' does not exist", error, StringComparison.Ordinal);
        Assert.Contains("--container", error, StringComparison.Ordinal);
        Assert.Equal("", output);
        Assert.False((await container.ExistsAsync()).Value);
    }

    [Fact]
    public async Task A_model_name_that_could_escape_its_prefix_is_a_usage_error()
    {
        var container = await azurite.CreateContainerAsync();
        var (code, _, error) = await DriftCtlAsync(container, "list-reports", "--model-name", "../secrets");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--model-name", error, StringComparison.Ordinal);
    }
}
