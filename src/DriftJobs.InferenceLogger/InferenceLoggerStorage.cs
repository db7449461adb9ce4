using Azure.Core;
using Azure.Storage.Blobs;

namespace DriftJobs.InferenceLogger;

/// <summary>
/// Blob clients suited to the inference logger: few, fast SDK retries, so that an outage reaches the logger's own
/// backoff and spill directory within a second or two instead of after the SDK's default ~25 seconds of retries.
/// <see cref="InferenceLoggerServiceCollectionExtensions.AddInferenceLogger(Microsoft.Extensions.DependencyInjection.IServiceCollection, Uri, TokenCredential, Action{InferenceLoggerOptions}?)"/>
/// and the matching <see cref="InferenceLoggerBuilder"/> constructors use them; a gateway that builds its own
/// client can start from <see cref="CreateClientOptions"/>.
/// </summary>
public static class InferenceLoggerStorage
{
    /// <summary>
    /// New client options with the logger's retry policy: 2 retries (3 tries), exponential from 0.2 s to at most
    /// 1 s, 10 s network timeout. A refused connection fails in well under a second; the logger then spills and
    /// retries on its own schedule (<see cref="InferenceLoggerOptions.MinRetryDelay"/> to
    /// <see cref="InferenceLoggerOptions.MaxRetryDelay"/>), probing storage every 2 seconds.
    /// </summary>
    /// <returns>Options the caller may change further (a new instance each call).</returns>
    public static BlobClientOptions CreateClientOptions()
    {
        var options = new BlobClientOptions();
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        return options;
    }

    /// <summary>A client for the container at <paramref name="containerUri"/>, with <see cref="CreateClientOptions"/>.</summary>
    /// <param name="containerUri">The container, e.g. <c>https://myaccount.blob.core.windows.net/drift</c>.</param>
    /// <param name="credential">E.g. <c>DefaultAzureCredential</c> (workload identity on AKS).</param>
    /// <returns>The client.</returns>
    public static BlobContainerClient CreateContainerClient(Uri containerUri, TokenCredential credential)
    {
        ArgumentNullException.ThrowIfNull(containerUri);
        ArgumentNullException.ThrowIfNull(credential);
        return new BlobContainerClient(containerUri, credential, CreateClientOptions());
    }

    /// <summary>A client for container <paramref name="containerName"/> of the account in <paramref name="connectionString"/>, with <see cref="CreateClientOptions"/>.</summary>
    /// <param name="connectionString">A storage connection string (Azurite in development).</param>
    /// <param name="containerName">The container's name.</param>
    /// <returns>The client.</returns>
    public static BlobContainerClient CreateContainerClient(string connectionString, string containerName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(containerName);
        return new BlobContainerClient(connectionString, containerName, CreateClientOptions());
    }
}
