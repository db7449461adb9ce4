using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using DriftJobs.Hosting;
using DriftJobs.Testing;

namespace DriftJobs.Jobs.Tests;

/// <summary>
/// The detector against storage that refuses every connection. Not in the Azurite collection: the run spends ~25 s
/// in the SDK's retries, waiting, and runs beside the tests that need Azurite instead of after them.
/// </summary>
public sealed class UnreachableStorageTests
{
    private static readonly DateTimeOffset End = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Storage_that_does_not_answer_exits_1_naming_the_endpoint_its_setting_how_long_it_tried_and_the_retry()
    {
        // A port that refuses every connection for the whole test. (Stopping an Azurite of our own was not enough: a test
        // project running beside this one could start its Azurite on the port just freed and answer.)
        var port = LoopbackPort.Closed();
        var connectionString = AzuriteInstance.ConnectionStringFor(port);
        var container = new BlobContainerClient(connectionString, "absent");

        // The SDK's default retries, as in production: about 25 s of tries.
        var run = await Jobs.DetectorAsync(connectionString, container, "--model-name", "m", "--model-version", "1", "--drift-window-end", End.ToString("o"));

        Assert.Equal(JobExitCode.Failure, run.ExitCode);
        Assert.True(
            Regex.IsMatch(
                run.Output,
                $@"The storage account at http://127\.0\.0\.1:{port}/devstoreaccount1 \(the BlobEndpoint of AZURE_STORAGE_CONNECTION_STRING\) " +
                @"could not be reached: 6 tries over \d+\.\d s, the last failing with: Connection refused \(127\.0\.0\.1:\d+\)\. " +
                @"Exit code 1: the Job retries the run"),
            run.Output);
        Assert.DoesNotContain("Retry settings can be adjusted", run.Output, StringComparison.Ordinal);
        // One line: the message, not the exception chain of every try.
        Assert.Single(run.Output.Split('\n'), l => l.Contains("could not be reached", StringComparison.Ordinal));
        Assert.True(run.Output.Length < 2_000, run.Output);
        Assert.DoesNotContain("AccountKey", run.Output, StringComparison.Ordinal);
    }
}
