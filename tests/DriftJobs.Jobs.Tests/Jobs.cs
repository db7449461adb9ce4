using Azure.Storage.Blobs;
using DriftJobs.Baseline;
using DriftJobs.Core.Reports;
using DriftJobs.Core.Serialization;
using DriftJobs.Detector;
using DriftJobs.Hosting;

namespace DriftJobs.Jobs.Tests;

internal sealed record JobRun(int ExitCode, string Output);

/// <summary>Runs the jobs in-process exactly as their Program.cs does, with settings on the command line.</summary>
internal static class Jobs
{
    public static async Task<JobRun> BaselineAsync(string connectionString, BlobContainerClient container, params string[] args)
    {
        using var output = new StringWriter();
        var code = await JobHost.RunAsync(Args(connectionString, container, args), BaselineJob.Definition, b => b.AddBaselineJob(), output);
        return new JobRun(code, output.ToString());
    }

    public static async Task<JobRun> DetectorAsync(string connectionString, BlobContainerClient container, params string[] args)
    {
        using var output = new StringWriter();
        var code = await JobHost.RunAsync(Args(connectionString, container, args), DetectorJob.Definition, b => b.AddDetector(), output);
        return new JobRun(code, output.ToString());
    }

    public static async Task<DriftReport> LatestReportAsync(BlobContainerClient container, string model)
    {
        var name = $"drift-reports/{model}/latest.json";
        var content = await container.GetBlobClient(name).DownloadContentAsync();
        return DriftJson.ReadReport(content.Value.Content.ToMemory().Span, name);
    }

    public static async Task<List<string>> BlobNamesAsync(BlobContainerClient container, string prefix = "")
    {
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = prefix }))
        {
            names.Add(blob.Name);
        }

        return names;
    }

    private static string[] Args(string connectionString, BlobContainerClient container, string[] args) =>
        ["--azure-storage-connection-string", connectionString, "--drift-container", container.Name, .. args];
}
