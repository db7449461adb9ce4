using k8s;
using k8s.Exceptions;

namespace DriftJobs.Cli.Cluster;

/// <summary>
/// Builds the Kubernetes client the way kubectl finds its configuration: --kubeconfig, then $KUBECONFIG, then
/// ~/.kube/config, then the in-cluster service account. Tests point --kubeconfig at a loopback fake API server.
/// </summary>
internal static class KubernetesClientFactory
{
    public static ClusterClient Connect(ClusterTarget target) =>
        Connect(
            target,
            Environment.GetEnvironmentVariable,
            Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
            KubernetesClientConfiguration.IsInCluster);

    internal static ClusterClient Connect(
        ClusterTarget target, Func<string, string?> environment, string home, Func<bool> isInCluster)
    {
        ArgumentNullException.ThrowIfNull(target);
        var configuration = BuildConfiguration(target, environment, home, isInCluster);
        var ns = target.Namespace ?? configuration.Namespace ?? "default";
        try
        {
            return new ClusterClient(new Kubernetes(configuration), ns, configuration.Host ?? "(no server)");
        }
        catch (KubeConfigException e)
        {
            throw new CliException(ExitCodes.NoClusterConfig, "cluster configuration: " + e.Message, e);
        }
    }

    internal static KubernetesClientConfiguration BuildConfiguration(
        ClusterTarget target, Func<string, string?> environment, string home, Func<bool> isInCluster)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(isInCluster);
        var path = FindKubeconfig(target.Kubeconfig, environment, home);
        if (path is null)
        {
            if (!isInCluster())
            {
                throw new CliException(
                    ExitCodes.NoClusterConfig,
                    "no kubeconfig found: pass --kubeconfig, set KUBECONFIG, create ~/.kube/config "
                    + "(e.g. az aks get-credentials), or run driftctl inside the cluster");
            }

            if (target.Context is not null)
            {
                throw new CliException(
                    ExitCodes.NoClusterConfig,
                    $"--context {target.Context} needs a kubeconfig, and none was found (running in-cluster)");
            }

            return KubernetesClientConfiguration.InClusterConfig();
        }

        try
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(path, target.Context);
        }
        catch (Exception e) when (e is KubeConfigException or YamlDotNet.Core.YamlException)
        {
            var context = target.Context is null ? string.Empty : $" (context {target.Context})";
            throw new CliException(ExitCodes.NoClusterConfig, $"kubeconfig {path}{context}: {e.Message}", e);
        }
    }

    /// <summary>
    /// The kubeconfig file to read, or null when there is none. Where $KUBECONFIG lists several files, kubectl
    /// merges them; driftctl reads only the first one that exists.
    /// </summary>
    internal static string? FindKubeconfig(string? option, Func<string, string?> environment, string home)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (option is not null)
        {
            return File.Exists(option)
                ? option
                : throw new CliException(ExitCodes.NoClusterConfig, $"kubeconfig {option} does not exist (--kubeconfig)");
        }

        var list = environment("KUBECONFIG");
        if (!string.IsNullOrWhiteSpace(list))
        {
            return list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .FirstOrDefault(File.Exists)
                ?? throw new CliException(ExitCodes.NoClusterConfig, $"KUBECONFIG={list} names no file that exists");
        }

        var defaultPath = Path.Combine(home, ".kube", "config");
        return File.Exists(defaultPath) ? defaultPath : null;
    }
}
