using System.Net;
using System.Net.Sockets;
using DriftJobs.Cli.Cluster;
using DriftJobs.Cli.Tests.Fakes;

namespace DriftJobs.Cli.Tests.Commands;

public sealed class ClusterConnectionTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("driftctl-kubeconfig-");
    private readonly LineWriter output = new();
    private readonly LineWriter error = new();

    public void Dispose() => directory.Delete(recursive: true);

    [Fact]
    public void Kubeconfig_is_looked_for_as_kubectl_does()
    {
        var home = Path.Combine(directory.FullName, "home");
        var defaultPath = Path.Combine(home, ".kube", "config");
        var first = Path.Combine(directory.FullName, "first");
        var second = Path.Combine(directory.FullName, "second");
        File.WriteAllText(second, "kind: Config");
        var noEnvironment = (Func<string, string?>)(_ => null);

        Assert.Null(KubernetesClientFactory.FindKubeconfig(null, noEnvironment, home));

        Directory.CreateDirectory(Path.GetDirectoryName(defaultPath)!);
        File.WriteAllText(defaultPath, "kind: Config");
        Assert.Equal(defaultPath, KubernetesClientFactory.FindKubeconfig(null, noEnvironment, home));

        // $KUBECONFIG wins over ~/.kube/config; of its list, the first file that exists.
        Assert.Equal(second, KubernetesClientFactory.FindKubeconfig(null, Env("KUBECONFIG", $"{first}:{second}"), home));

        // --kubeconfig wins over both.
        Assert.Equal(second, KubernetesClientFactory.FindKubeconfig(second, Env("KUBECONFIG", defaultPath), home));

        var missing = Assert.Throws<CliException>(() => KubernetesClientFactory.FindKubeconfig(null, Env("KUBECONFIG", first), home));
        Assert.Equal(ExitCodes.NoClusterConfig, missing.ExitCode);
        Assert.Equal($"KUBECONFIG={first} names no file that exists", missing.Message);
    }

    [Fact]
    public void No_kubeconfig_outside_a_cluster_exits_3_saying_how_to_get_one()
    {
        var e = Assert.Throws<CliException>(() => KubernetesClientFactory.Connect(
            new ClusterTarget(null, null, null), _ => null, directory.FullName, isInCluster: () => false));

        Assert.Equal(ExitCodes.NoClusterConfig, e.ExitCode);
        Assert.StartsWith("no kubeconfig found: pass --kubeconfig, set KUBECONFIG, create ~/.kube/config", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_kubeconfig_that_does_not_exist_exits_3()
    {
        var path = Path.Combine(directory.FullName, "nope");

        var exit = await Run("status", "--kubeconfig", path);

        Assert.Equal(ExitCodes.NoClusterConfig, exit);
        Assert.Equal($"error: kubeconfig {path} does not exist (--kubeconfig)" + Environment.NewLine, error.Text);
    }

    [Fact]
    public async Task An_unknown_context_exits_3_naming_it()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        var kubeconfig = api.WriteKubeconfig(directory.FullName);

        var exit = await Run("status", "--kubeconfig", kubeconfig, "--context", "prod-westeurope");

        Assert.Equal(ExitCodes.NoClusterConfig, exit);
        Assert.StartsWith($"error: kubeconfig {kubeconfig} (context prod-westeurope): ", error.Text, StringComparison.Ordinal);
        Assert.Contains("prod-westeurope", error.Text[30..], StringComparison.Ordinal);
        Assert.Empty(api.Requests);
    }

    [Fact]
    public async Task The_context_namespace_is_the_default_and_namespace_overrides_it()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        var kubeconfig = api.WriteKubeconfig(directory.FullName, ns: "from-context");

        await Run("status", "--kubeconfig", kubeconfig);
        await Run("status", "--kubeconfig", kubeconfig, "-n", "given");

        Assert.Equal(
            [
                "/apis/batch/v1/namespaces/from-context/cronjobs/drift-jobs-detector",
                "/apis/batch/v1/namespaces/given/cronjobs/drift-jobs-detector",
            ],
            api.Requests.Select(r => r.Path).ToArray());
    }

    [Fact]
    public async Task An_api_server_that_does_not_answer_exits_4_naming_it()
    {
        // A port that was just free: nothing listens there.
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var kubeconfig = Path.Combine(directory.FullName, "kubeconfig");
        File.WriteAllText(kubeconfig, $"""
            apiVersion: v1
            kind: Config
            clusters: [{"{"}name: c, cluster: {"{"}server: "http://127.0.0.1:{port}"{"}"}{"}"}]
            users: [{"{"}name: u, user: {"{"}token: t{"}"}{"}"}]
            contexts: [{"{"}name: x, context: {"{"}cluster: c, user: u{"}"}{"}"}]
            current-context: x
            """);

        var exit = await Run("trigger-job", "--kubeconfig", kubeconfig);

        Assert.Equal(ExitCodes.ClusterUnreachable, exit);
        Assert.StartsWith($"error: cannot reach the Kubernetes API server at http://127.0.0.1:{port}", error.Text, StringComparison.Ordinal);
    }

    private static Func<string, string?> Env(string name, string value) => n => n == name ? value : null;

    private Task<int> Run(params string[] args) =>
        DriftCtl.InvokeAsync(args, new CliRuntime(output, error, TimeProvider.System));
}
