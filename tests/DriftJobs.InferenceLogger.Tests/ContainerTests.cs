using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using DriftJobs.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DriftJobs.InferenceLogger.Tests;

/// <summary>A container that does not exist: created when the credential allows, a clear failure at start when not.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ContainerTests(AzuriteFixture azurite)
{
    private static IHost HostWith(Func<IServiceProvider, BlobContainerClient> container, Action<InferenceLoggerOptions>? configure = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddInferenceLogger(container, o =>
        {
            TestRecords.Schema(o);
            o.FlushInterval = TimeSpan.FromHours(1);
            configure?.Invoke(o);
        });
        return builder.Build();
    }

    private static string NewName() => "missing" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task A_missing_container_is_created_when_the_host_starts()
    {
        var name = NewName();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddInferenceLogger(azurite.ConnectionString, name, o =>
        {
            TestRecords.Schema(o);
            o.FlushInterval = TimeSpan.FromHours(1);
        });
        using var host = builder.Build();
        var container = azurite.Azurite.CreateServiceClient().GetBlobContainerClient(name);

        await host.StartAsync();

        // Nothing has been flushed yet (an hour's interval): only the start can have created it.
        Assert.True((await container.ExistsAsync()).Value);
        Assert.True(host.Services.GetRequiredService<IInferenceLogger>().TryLog(TestRecords.Record(1)));
        await host.StopAsync();
        Assert.Single(await LogFiles.ListAsync(container));
    }

    [Fact]
    public async Task A_missing_container_the_credential_may_not_create_fails_the_start_naming_container_account_and_permission()
    {
        // A container SAS may write and read blobs but never create its container.
        var name = NewName();
        var keyed = azurite.Azurite.CreateServiceClient().GetBlobContainerClient(name);
        var sas = keyed.GenerateSasUri(BlobContainerSasPermissions.Read | BlobContainerSasPermissions.Write | BlobContainerSasPermissions.List, DateTimeOffset.UtcNow.AddHours(1));
        using var host = HostWith(_ => new BlobContainerClient(sas, InferenceLoggerStorage.CreateClientOptions()));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains($"container '{name}' does not exist in storage account 'devstoreaccount1'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Storage Blob Data Contributor'", error.Message, StringComparison.Ordinal);
        Assert.Contains("AuthorizationPermissionMismatch", error.Message, StringComparison.Ordinal);

        // The builder's asynchronous build checks the same way.
        var builder = TestRecords.Builder(new BlobContainerClient(sas, InferenceLoggerStorage.CreateClientOptions()));
        var builderError = await Assert.ThrowsAsync<InvalidOperationException>(() => builder.BuildAsync());
        Assert.Equal(error.Message, builderError.Message);
        Assert.False((await keyed.ExistsAsync()).Value);
    }

    [Fact]
    public async Task An_existing_container_the_credential_may_not_create_starts_normally()
    {
        var container = await azurite.CreateContainerAsync();
        var sas = container.GenerateSasUri(BlobContainerSasPermissions.Read | BlobContainerSasPermissions.Write | BlobContainerSasPermissions.List, DateTimeOffset.UtcNow.AddHours(1));
        using var host = HostWith(_ => new BlobContainerClient(sas, InferenceLoggerStorage.CreateClientOptions()));

        await host.StartAsync();
        Assert.True(host.Services.GetRequiredService<IInferenceLogger>().TryLog(TestRecords.Record(1)));
        await host.StopAsync();

        Assert.Single(await LogFiles.ListAsync(container));
    }

    [Fact]
    public async Task Unreachable_storage_at_start_does_not_fail_the_host()
    {
        var unreachable = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:{LoopbackPort.Closed()}/devstoreaccount1;";
        using var host = HostWith(_ => InferenceLoggerStorage.CreateContainerClient(unreachable, "drift"), o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(200));

        await host.StartAsync();

        Assert.True(host.Services.GetRequiredService<IInferenceLogger>().TryLog(TestRecords.Record(1)));
        await host.StopAsync();
        Assert.Equal(1, host.Services.GetRequiredService<BlobInferenceLogger>().GetCounters().Lost);
    }

    [Fact]
    public async Task A_container_deleted_while_the_logger_runs_is_created_again_by_the_next_upload()
    {
        var container = await azurite.Azurite.CreateContainerAsync(FaultyStorage.QuickRetries());
        await using var logger = TestRecords.Builder(container, o => o.BatchSize = 10).Build();
        for (var i = 0; i < 10; i++)
        {
            Assert.True(logger.TryLog(TestRecords.Record(i)));
        }

        await Eventually.TrueAsync(() => logger.GetCounters().Written == 10, "the first batch");
        await container.DeleteAsync();

        for (var i = 10; i < 20; i++)
        {
            Assert.True(logger.TryLog(TestRecords.Record(i)));
        }

        await Eventually.TrueAsync(() => logger.GetCounters().Written == 20, "the second batch, in a new container");
        var rows = (await LogFiles.ReadAllAsync(container)).SelectMany(f => f.Rows).Select(r => (string)r["request_id"]!);
        Assert.Equal(Enumerable.Range(10, 10).Select(TestRecords.RequestId), rows.Order(StringComparer.Ordinal));
    }
}
