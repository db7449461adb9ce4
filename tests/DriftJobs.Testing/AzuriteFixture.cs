using Azure.Storage.Blobs;
using Xunit;

namespace DriftJobs.Testing;

/// <summary>
/// One in-memory Azurite shared by a test collection; each test takes its own container. xUnit needs the
/// [CollectionDefinition] in the test assembly itself, so each test project declares its own.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteInstance? _azurite;

    public AzuriteInstance Azurite => _azurite ?? throw new InvalidOperationException("Azurite has not started.");

    public string ConnectionString => Azurite.ConnectionString;

    public Task<BlobContainerClient> CreateContainerAsync(CancellationToken cancellationToken = default) =>
        Azurite.CreateContainerAsync(cancellationToken: cancellationToken);

    public async Task InitializeAsync() => _azurite = await AzuriteInstance.StartAsync().ConfigureAwait(false);

    public async Task DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync().ConfigureAwait(false);
        }
    }
}
