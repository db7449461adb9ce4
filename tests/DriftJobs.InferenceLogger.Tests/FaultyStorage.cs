using Azure.Core;
using Azure.Storage.Blobs;
using DriftJobs.Testing;

namespace DriftJobs.InferenceLogger.Tests;

internal static class FaultyStorage
{
    /// <summary>SDK retries kept short so that an outage shows up in milliseconds, not the SDK's default seconds.</summary>
    public static BlobClientOptions QuickRetries(StorageFaultPolicy? fault = null)
    {
        var options = new BlobClientOptions();
        options.Retry.MaxRetries = 1;
        options.Retry.Delay = TimeSpan.FromMilliseconds(20);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(50);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
        if (fault is not null)
        {
            options.AddPolicy(fault, HttpPipelinePosition.PerRetry);
        }

        return options;
    }

    /// <summary>A new container reached through a <see cref="StorageFaultPolicy"/> (healthy until told otherwise).</summary>
    public static async Task<(BlobContainerClient Container, StorageFaultPolicy Fault)> CreateAsync(AzuriteInstance azurite)
    {
        var fault = new StorageFaultPolicy();
        var container = await azurite.CreateContainerAsync(QuickRetries(fault));
        return (container, fault);
    }
}
