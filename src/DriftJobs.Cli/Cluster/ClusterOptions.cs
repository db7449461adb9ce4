using System.CommandLine;

namespace DriftJobs.Cli.Cluster;

/// <summary>Which cluster, context and namespace a command talks to.</summary>
internal sealed record ClusterTarget(string? Kubeconfig, string? Context, string? Namespace);

/// <summary>The options every cluster command takes; one instance per command.</summary>
internal sealed class ClusterOptions
{
    public Option<string?> Kubeconfig { get; } = new("--kubeconfig")
    {
        Description = "Path to the kubeconfig file [default: the first file in $KUBECONFIG, else ~/.kube/config, "
            + "else the in-cluster service account]",
        HelpName = "path",
    };

    public Option<string?> Context { get; } = new("--context")
    {
        Description = "kubeconfig context to use [default: its current-context]",
        HelpName = "name",
    };

    public Option<string?> Namespace { get; } = new("--namespace", "-n")
    {
        Description = "Namespace of the release [default: the context's namespace, else 'default']",
        HelpName = "namespace",
    };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Add(Kubeconfig);
        command.Add(Context);
        command.Add(Namespace);
    }

    public ClusterTarget Read(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        return new ClusterTarget(
            parseResult.GetValue(Kubeconfig), parseResult.GetValue(Context), parseResult.GetValue(Namespace));
    }
}
