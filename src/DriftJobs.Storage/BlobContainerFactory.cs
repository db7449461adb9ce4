using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using DriftJobs.Storage.Blobs;

namespace DriftJobs.Storage;

/// <summary>
/// Builds the one <see cref="BlobContainerClient"/> the jobs use: a connection string (Azurite, development) or an
/// account URL with <see cref="DefaultAzureCredential"/> (workload identity on AKS).
/// </summary>
internal static class BlobContainerFactory
{
    /// <param name="options">The storage settings.</param>
    /// <param name="credential">For an account URL; <see cref="DefaultAzureCredential"/> when null.</param>
    /// <param name="clientOptions">The SDK's options (retries, transport); a <see cref="ReachabilityPolicy"/> is added to them.</param>
    /// <param name="endpointSource">Where the endpoint came from, as an unreachable account's message says it; by
    /// default the setting's name (driftctl names its options too).</param>
    public static BlobContainerClient Create(StorageOptions options, TokenCredential? credential = null, BlobClientOptions? clientOptions = null, string? endpointSource = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var container = StorageOptionsValidator.ValidateContainerName(options.Container);
        ValidateConnectionSettings(options);
        clientOptions ??= new BlobClientOptions();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            var accountUrl = ParseAccountUrl(options.AccountUrl!);
            clientOptions.AddPolicy(new ReachabilityPolicy(accountUrl.ToString(), endpointSource ?? StorageOptions.AccountUrlSetting), HttpPipelinePosition.PerCall);
            return new BlobServiceClient(accountUrl, credential ?? new DefaultAzureCredential(), clientOptions).GetBlobContainerClient(container);
        }

        // The endpoint is the parsed string's (BlobEndpoint, or the account and suffix), known only once parsed.
        var endpoint = ParseConnectionString(options.ConnectionString, new BlobClientOptions()).Uri.ToString();
        endpointSource ??= options.ConnectionString.Contains("BlobEndpoint=", StringComparison.OrdinalIgnoreCase)
            ? $"the BlobEndpoint of {StorageOptions.ConnectionStringSetting}"
            : $"the account {StorageOptions.ConnectionStringSetting} names";
        clientOptions.AddPolicy(new ReachabilityPolicy(endpoint, endpointSource), HttpPipelinePosition.PerCall);
        return ParseConnectionString(options.ConnectionString, clientOptions).GetBlobContainerClient(container);
    }

    /// <summary>Exactly one way to connect, well-formed; throws <see cref="StorageConfigurationException"/> otherwise.</summary>
    public static void ValidateConnectionSettings(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var hasConnectionString = !string.IsNullOrWhiteSpace(options.ConnectionString);
        var hasAccountUrl = !string.IsNullOrWhiteSpace(options.AccountUrl);
        if (hasConnectionString && hasAccountUrl)
        {
            throw new StorageConfigurationException(
                $"Both {StorageOptions.ConnectionStringSetting} and {StorageOptions.AccountUrlSetting} are set; set only one " +
                $"({StorageOptions.AccountUrlSetting} with workload identity in a cluster, {StorageOptions.ConnectionStringSetting} for Azurite).");
        }

        if (!hasConnectionString && !hasAccountUrl)
        {
            throw new StorageConfigurationException(
                $"No blob storage is configured: set {StorageOptions.AccountUrlSetting} (e.g. https://<account>.blob.core.windows.net, " +
                $"authenticated with DefaultAzureCredential / workload identity) or {StorageOptions.ConnectionStringSetting} (Azurite, development).");
        }

        if (hasConnectionString)
        {
            _ = ParseConnectionString(options.ConnectionString!, new BlobClientOptions());
        }
        else
        {
            _ = ParseAccountUrl(options.AccountUrl!);
        }
    }

    private static BlobServiceClient ParseConnectionString(string connectionString, BlobClientOptions clientOptions)
    {
        try
        {
            return new BlobServiceClient(connectionString, clientOptions);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            // The parser's message may quote the string, and it holds the account key: keep both out of the error.
            throw new StorageConfigurationException(
                $"{StorageOptions.ConnectionStringSetting} is not a valid storage connection string (value not shown; {e.GetType().Name}).");
        }
    }

    private static Uri ParseAccountUrl(string accountUrl)
    {
        if (!Uri.TryCreate(accountUrl.Trim(), UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new StorageConfigurationException(
                $"{StorageOptions.AccountUrlSetting} must be an absolute https URL such as https://<account>.blob.core.windows.net.");
        }

        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            // A SAS token or credentials in the URL would be a secret in plain configuration (and in logs).
            throw new StorageConfigurationException(
                $"{StorageOptions.AccountUrlSetting} must not carry a query string, fragment or credentials (no SAS tokens); " +
                $"it is used with DefaultAzureCredential (account {uri.Host}).");
        }

        if (uri.AbsolutePath != "/")
        {
            throw new StorageConfigurationException(
                $"{StorageOptions.AccountUrlSetting} must be the account endpoint only (https://{uri.Host}/); set the container in {StorageOptions.ContainerSetting}.");
        }

        return uri;
    }
}
