using System.CommandLine;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using DriftJobs.Storage;
using DriftJobs.Storage.Blobs;

namespace DriftJobs.Cli.Commands;

/// <summary>
/// The storage options of the storage commands. Each falls back to the jobs' environment variable, so an operator
/// with the jobs' settings exported needs no flags.
/// </summary>
internal sealed class StorageTarget
{
    public Option<string?> ConnectionString { get; } = new("--connection-string")
    {
        Description = $"Storage connection string [default: ${StorageOptions.ConnectionStringSetting}]",
        HelpName = "string",
    };

    public Option<string?> AccountUrl { get; } = new("--account-url")
    {
        Description = $"Storage account URL, signed in with DefaultAzureCredential [default: ${StorageOptions.AccountUrlSetting}]",
        HelpName = "url",
    };

    public Option<string?> Container { get; } = new("--container")
    {
        Description = $"Blob container [default: ${StorageOptions.ContainerSetting} or {StorageOptions.DefaultContainer}]",
        HelpName = "name",
    };

    public void AddTo(Command command)
    {
        command.Add(ConnectionString);
        command.Add(AccountUrl);
        command.Add(Container);
    }

    public StorageOptions Read(ParseResult parseResult)
    {
        var connection = parseResult.GetValue(ConnectionString) ?? Env(StorageOptions.ConnectionStringSetting);
        var account = parseResult.GetValue(AccountUrl) ?? Env(StorageOptions.AccountUrlSetting);
        return new StorageOptions
        {
            // An explicit flag wins over the environment's other way of connecting.
            ConnectionString = parseResult.GetValue(AccountUrl) is not null ? null : connection,
            AccountUrl = parseResult.GetValue(ConnectionString) is not null ? null : account,
            Container = parseResult.GetValue(Container) ?? Env(StorageOptions.ContainerSetting) ?? StorageOptions.DefaultContainer,
            LogsPrefix = Env(StorageOptions.LogsPrefixSetting) ?? StorageOptions.DefaultLogsPrefix,
            GroundTruthPrefix = Env(StorageOptions.GroundTruthPrefixSetting) ?? StorageOptions.DefaultGroundTruthPrefix,
        };
    }

    public static BlobContainerClient Connect(StorageOptions options)
    {
        try
        {
            BlobContainerFactory.ValidateConnectionSettings(options);
            var source = string.IsNullOrWhiteSpace(options.ConnectionString)
                ? $"--account-url or ${StorageOptions.AccountUrlSetting}"
                : $"the BlobEndpoint of --connection-string or ${StorageOptions.ConnectionStringSetting}";
            return BlobContainerFactory.Create(options, endpointSource: source);
        }
        catch (StorageConfigurationException e)
        {
            throw new CliException(ExitCodes.Usage, e.Message, e);
        }
    }

    /// <summary>Runs storage work, turning an unreachable or refusing account into exit code 7 with a plain message.</summary>
    public static async Task<T> CallAsync<T>(BlobContainerClient container, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (StorageUnreachableException e)
        {
            throw new CliException(ExitCodes.StorageUnreachable, e.Message, e);
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            throw new CliException(ExitCodes.StorageUnreachable, $"container '{container.Name}' does not exist in the storage account at {container.Uri.GetLeftPart(UriPartial.Authority)}: check --container (default $DRIFT_CONTAINER)", e);
        }
        catch (RequestFailedException e) when (e.Status != 404)
        {
            throw new CliException(ExitCodes.StorageUnreachable, $"storage request to container '{container.Name}' failed ({e.Status} {e.ErrorCode})", e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or AggregateException { InnerException: HttpRequestException or RequestFailedException })
        {
            throw new CliException(ExitCodes.StorageUnreachable, $"storage account at {container.Uri.GetLeftPart(UriPartial.Authority)} is unreachable: {e.Message}", e);
        }
    }

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
