using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using DriftJobs.Storage.Blobs;
using DriftJobs.Testing;

namespace DriftJobs.Storage.Tests;

/// <summary>An account that does not answer is named, with its setting, its tries and its cause; answers pass through.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ReachabilityPolicyTests(AzuriteFixture azurite)
{
    private static BlobClientOptions QuickRetries() => new()
    {
        Retry = { MaxRetries = 2, Delay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(20), Mode = Azure.Core.RetryMode.Fixed },
    };

    /// <summary>A container on a loopback port nobody listens on, three tries <paramref name="retryDelay"/> apart.</summary>
    private static BlobContainerClient ClosedPortContainer(TimeSpan retryDelay, string? endpointSource = null)
    {
        var options = QuickRetries();
        options.Retry.Delay = retryDelay;
        options.Retry.MaxDelay = retryDelay;
        return BlobContainerFactory.Create(
            new StorageOptions { ConnectionString = $"DefaultEndpointsProtocol=http;AccountName=a;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:{LoopbackPort.Closed()}/a;" },
            clientOptions: options, endpointSource: endpointSource);
    }

    [Fact]
    public async Task A_stopped_account_fails_naming_the_endpoint_its_setting_the_tries_and_the_cause()
    {
        await using var storage = await AzuriteInstance.StartAsync();
        var port = storage.Port;
        await storage.StopAsync();
        var container = BlobContainerFactory.Create(new StorageOptions { ConnectionString = storage.ConnectionString }, clientOptions: QuickRetries());

        var error = await Assert.ThrowsAsync<StorageUnreachableException>(() => container.GetBlobClient("b.json").DownloadContentAsync());

        Assert.Equal($"http://127.0.0.1:{port}/devstoreaccount1", error.Endpoint);
        Assert.Equal(3, error.Tries);
        Assert.Equal(0, error.Status);
        Assert.Contains($"The storage account at http://127.0.0.1:{port}/devstoreaccount1 (the BlobEndpoint of AZURE_STORAGE_CONNECTION_STRING) could not be reached: 3 tries over ", error.Message, StringComparison.Ordinal);
        Assert.Contains($"Connection refused (127.0.0.1:{port})", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Retry settings", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_time_is_the_whole_operations_and_a_given_endpoint_source_is_named()
    {
        var container = ClosedPortContainer(TimeSpan.FromMilliseconds(300), endpointSource: "AZURE_STORAGE_ACCOUNT_URL");

        var error = await Assert.ThrowsAsync<StorageUnreachableException>(() => container.ExistsAsync());

        Assert.Contains("(AZURE_STORAGE_ACCOUNT_URL)", error.Message, StringComparison.Ordinal);
        // Two waits of 300 ms between three tries, each jittered by the SDK to 0.8–1.2 × (so at least 480 ms): the time
        // is the operation's, not the last try's (which alone takes a few ms on a refused port).
        Assert.InRange(error.Elapsed, TimeSpan.FromMilliseconds(470), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task An_answer_from_the_service_passes_through_as_the_SDK_raised_it()
    {
        var container = BlobContainerFactory.Create(new StorageOptions { ConnectionString = azurite.ConnectionString, Container = "absent-" + Guid.NewGuid().ToString("N")[..12] }, clientOptions: QuickRetries());

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => container.GetBlobClient("b.json").DownloadContentAsync());

        Assert.IsNotType<StorageUnreachableException>(error);
        Assert.Equal(404, error.Status);
        Assert.Equal(BlobErrorCode.ContainerNotFound.ToString(), error.ErrorCode);
    }

    [Fact]
    public async Task The_callers_own_cancellation_is_not_called_unreachable()
    {
        var container = ClosedPortContainer(TimeSpan.FromSeconds(5));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => container.ExistsAsync(cancel.Token));

        Assert.IsAssignableFrom<OperationCanceledException>(error);
    }
}
