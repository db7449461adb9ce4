using k8s.Models;

namespace DriftJobs.Cli.Tests.Fakes;

/// <summary>
/// The set-up the cluster command tests share: a fresh <see cref="CliHarness"/> per test (xunit makes one instance
/// per test, so no test sees another's API server state) and the chart's detector CronJob, which a test may change
/// before adding it to the server, or leave out.
/// </summary>
public abstract class ClusterCommandTest : IAsyncLifetime
{
    protected const string Ns = CliHarness.Namespace;

    private protected CliHarness cli = null!;

    private protected V1CronJob cronJob = null!;

    public async Task InitializeAsync()
    {
        cli = await CliHarness.StartAsync();
        cronJob = KubeObjects.DetectorCronJob();
    }

    public async Task DisposeAsync() => await cli.DisposeAsync();
}
