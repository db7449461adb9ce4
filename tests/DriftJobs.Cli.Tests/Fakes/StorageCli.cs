using Azure.Storage.Blobs;
using DriftJobs.Testing;

namespace DriftJobs.Cli.Tests.Fakes;

/// <summary>driftctl's storage commands run against an Azurite container, with captured output.</summary>
internal static class StorageCli
{
    public static async Task<(int Code, string Output, string Error)> RunAsync(AzuriteFixture azurite, BlobContainerClient container, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await DriftCtl.InvokeAsync([.. args, "--connection-string", azurite.ConnectionString, "--container", container.Name], new CliRuntime(output, error, TimeProvider.System));
        return (code, output.ToString(), error.ToString());
    }
}
