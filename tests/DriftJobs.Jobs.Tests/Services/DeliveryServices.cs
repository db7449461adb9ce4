using DriftJobs.Testing;

namespace DriftJobs.Jobs.Tests.Services;

/// <summary>
/// What the alert, metrics and HTML-report tests deliver to: their own Azurite, a real Alertmanager and a real
/// Pushgateway, each on a free loopback port with temporary storage, started together once for the collection.
/// </summary>
public sealed class DeliveryServices : IAsyncLifetime
{
    private AzuriteInstance? _azurite;
    private ServiceProcess? _alertmanager;
    private ServiceProcess? _pushgateway;

    public AzuriteInstance Azurite => _azurite ?? throw new InvalidOperationException("Azurite has not started.");

    internal ServiceProcess Alertmanager => _alertmanager ?? throw new InvalidOperationException("Alertmanager has not started.");

    internal ServiceProcess Pushgateway => _pushgateway ?? throw new InvalidOperationException("The Pushgateway has not started.");

    public async Task InitializeAsync()
    {
        var azurite = AzuriteInstance.StartAsync();
        var alertmanager = ServiceProcess.StartAsync("prometheus-alertmanager", directory =>
        {
            // The smallest valid configuration: every alert goes to a receiver that sends nothing; the tests read
            // the alerts back through the API.
            var config = Path.Combine(directory, "alertmanager.yml");
            File.WriteAllText(config, "route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n");
            return ["--config.file=" + config, "--storage.path=" + Path.Combine(directory, "data"), "--cluster.listen-address="];
        });
        var pushgateway = ServiceProcess.StartAsync("prometheus-pushgateway", directory => ["--persistence.file=" + Path.Combine(directory, "metrics")]);
        try
        {
            await Task.WhenAll(azurite, alertmanager, pushgateway);
        }
        finally
        {
            _azurite = azurite.IsCompletedSuccessfully ? azurite.Result : null;
            _alertmanager = alertmanager.IsCompletedSuccessfully ? alertmanager.Result : null;
            _pushgateway = pushgateway.IsCompletedSuccessfully ? pushgateway.Result : null;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var service in new IAsyncDisposable?[] { _alertmanager, _pushgateway, _azurite })
        {
            if (service is not null)
            {
                await service.DisposeAsync();
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DeliveryCollection : ICollectionFixture<DeliveryServices>
{
    public const string Name = "Delivery services";
}
