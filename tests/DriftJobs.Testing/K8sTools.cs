namespace DriftJobs.Testing;

/// <summary>helm and kubectl for the tests (the chart's and driftctl's): $HELM / $KUBECTL, else tools/k8s/bin (tools/k8s/install.sh fills it).</summary>
public static class K8sTools
{
    public static string Helm => Find("HELM", "helm");

    public static string Kubectl => Find("KUBECTL", "kubectl");

    public static string Root => RepositoryRoot.Find();

    private static string Find(string variable, string name)
    {
        var configured = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        var installed = Path.Combine(Root, "tools", "k8s", "bin", name);
        return File.Exists(installed)
            ? installed
            : throw new InvalidOperationException(
                $"{name} not found: run tools/k8s/install.sh (make k8s-tools), or set {variable} to its path");
    }
}
