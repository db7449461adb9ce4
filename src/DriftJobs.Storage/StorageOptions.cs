using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace DriftJobs.Storage;

/// <summary>
/// Where the blobs are. Bound from the environment-style keys below (root configuration section), validated at
/// start by <see cref="StorageOptionsValidator"/>.
/// </summary>
internal sealed class StorageOptions
{
    public const string ContainerSetting = "DRIFT_CONTAINER";
    public const string LogsPrefixSetting = "DRIFT_LOGS_PREFIX";
    public const string GroundTruthPrefixSetting = "DRIFT_GROUND_TRUTH_PREFIX";
    public const string ConnectionStringSetting = "AZURE_STORAGE_CONNECTION_STRING";
    public const string AccountUrlSetting = "AZURE_STORAGE_ACCOUNT_URL";

    public const string DefaultContainer = "model-monitoring";
    public const string DefaultLogsPrefix = "inference-logs";
    public const string DefaultGroundTruthPrefix = "ground-truth";

    [ConfigurationKeyName(ContainerSetting)]
    public string Container { get; set; } = DefaultContainer;

    [ConfigurationKeyName(LogsPrefixSetting)]
    public string LogsPrefix { get; set; } = DefaultLogsPrefix;

    [ConfigurationKeyName(GroundTruthPrefixSetting)]
    public string GroundTruthPrefix { get; set; } = DefaultGroundTruthPrefix;

    /// <summary>Azurite or development only; a secret, never logged.</summary>
    [ConfigurationKeyName(ConnectionStringSetting)]
    public string? ConnectionString { get; set; }

    /// <summary>e.g. https://account.blob.core.windows.net, used with DefaultAzureCredential (workload identity).</summary>
    [ConfigurationKeyName(AccountUrlSetting)]
    public string? AccountUrl { get; set; }
}

internal sealed partial class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Collect(failures, () => ValidateContainerName(options.Container));
        Collect(failures, () => new StorageLayout(options.LogsPrefix, options.GroundTruthPrefix));
        Collect(failures, () => BlobContainerFactory.ValidateConnectionSettings(options));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Azure's container naming rules, checked here so the error names the setting.</summary>
    public static string ValidateContainerName(string? container)
    {
        if (string.IsNullOrEmpty(container) || !ContainerName().IsMatch(container) || container.Contains("--", StringComparison.Ordinal))
        {
            throw new StorageConfigurationException(
                $"{StorageOptions.ContainerSetting} must be a blob container name: 3-63 lowercase letters, digits and single hyphens, " +
                $"starting and ending with a letter or digit (got '{container}').");
        }

        return container;
    }

    private static void Collect(List<string> failures, Action check)
    {
        try
        {
            check();
        }
        catch (StorageConfigurationException e)
        {
            failures.Add(e.Message);
        }
    }

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{1,61})[a-z0-9]$")]
    private static partial Regex ContainerName();
}
