using System.Reflection;
using DriftJobs.Testing;

namespace DriftJobs.Cli.Tests;

/// <summary>Every driftctl exit code is documented where an operator looks (the chart's values: DriftJobs.Deployment.Tests).</summary>
public sealed class DocumentationTests
{
    private static readonly string Operations = File.ReadAllText(Path.Combine(K8sTools.Root, "docs", "operations.md"));

    [Fact]
    public void Every_exit_code_is_in_the_operations_guide()
    {
        var codes = typeof(ExitCodes).GetFields(BindingFlags.Public | BindingFlags.Static);

        Assert.Equal(11, codes.Length);
        foreach (var code in codes)
        {
            Assert.Contains($"| {code.GetRawConstantValue()} | `{code.Name}` |", Operations, StringComparison.Ordinal);
        }
    }
}
