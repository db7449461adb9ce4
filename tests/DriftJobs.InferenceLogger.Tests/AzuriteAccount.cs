using System.Reflection;
using DriftJobs.Testing;

namespace DriftJobs.InferenceLogger.Tests;

/// <summary>
/// Makes Azurite accept the key the shared fixture signs with. AzuriteInstance's AccountKey differs from
/// Azurite's built-in development key (every request fails with AuthorizationFailure), and that file is not ours
/// to change: Azurite reads its accounts from AZURITE_ACCOUNTS, which the child process inherits. Reading the
/// fixture's own constant keeps this right once the fixture is fixed; then this file can go.
/// </summary>
internal static class AzuriteAccount
{
    private static readonly Lazy<bool> Applied = new(() =>
    {
        var key = typeof(AzuriteInstance).GetField("AccountKey", BindingFlags.NonPublic | BindingFlags.Static)?.GetRawConstantValue() as string;
        if (key is not null && Environment.GetEnvironmentVariable("AZURITE_ACCOUNTS") is null)
        {
            Environment.SetEnvironmentVariable("AZURITE_ACCOUNTS", "devstoreaccount1:" + key);
        }

        return true;
    });

    public static void UseFixtureKey() => _ = Applied.Value;

    public static Task<AzuriteInstance> StartAsync(bool persistent = false)
    {
        UseFixtureKey();
        return AzuriteInstance.StartAsync(persistent);
    }
}

/// <summary>The shared in-memory Azurite of the collection, started with <see cref="AzuriteAccount"/> applied.</summary>
public sealed class LoggerAzuriteFixture : IAsyncLifetime
{
    private readonly AzuriteFixture _inner = new();

    public AzuriteInstance Azurite => _inner.Azurite;

    public Task<Azure.Storage.Blobs.BlobContainerClient> CreateContainerAsync() => _inner.CreateContainerAsync();

    public Task InitializeAsync()
    {
        AzuriteAccount.UseFixtureKey();
        return _inner.InitializeAsync();
    }

    public Task DisposeAsync() => _inner.DisposeAsync();
}
