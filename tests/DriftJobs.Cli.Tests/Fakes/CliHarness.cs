using DriftJobs.Testing;
using Microsoft.Extensions.Time.Testing;

namespace DriftJobs.Cli.Tests.Fakes;

/// <summary>A fake API server, a kubeconfig naming it, and driftctl run against both with captured output.</summary>
internal sealed class CliHarness : IAsyncDisposable
{
    public const string Namespace = "drift";

    private readonly string directory;

    private CliHarness(FakeKubernetesApi api, string directory)
    {
        Api = api;
        this.directory = directory;
        Kubeconfig = api.WriteKubeconfig(directory, Namespace);
    }

    public FakeKubernetesApi Api { get; }

    public string Kubeconfig { get; }

    public LineWriter Output { get; } = new();

    public LineWriter Error { get; } = new();

    /// <summary>The clock status ages are computed from; trigger-job names its Job after it.</summary>
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 14, 9, 26, 53, TimeSpan.Zero));

    public static async Task<CliHarness> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("driftctl-tests-").FullName;
        return new CliHarness(await FakeKubernetesApi.StartAsync(), directory);
    }

    public string RepositoryFile(string relative) => Path.Combine(RepositoryRoot.Find(), relative);

    /// <summary>Runs driftctl with --kubeconfig added; a fake clock unless the command must wait in real time.</summary>
    public Task<int> RunAsync(params string[] args) => RunAsync(realTime: false, args);

    public async Task<int> RunAsync(bool realTime, params string[] args)
    {
        var runtime = new CliRuntime(Output, Error, realTime ? TimeProvider.System : Clock)
        {
            PollInterval = TimeSpan.FromMilliseconds(20),
        };

        // A guard, not a timing assertion: a command that never returns fails the test instead of hanging the run.
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await DriftCtl.InvokeAsync([.. args, "--kubeconfig", Kubeconfig], runtime, guard.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }
}
