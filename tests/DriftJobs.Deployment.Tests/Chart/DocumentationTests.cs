using System.Text.Json;
using DriftJobs.Testing;
using YamlDotNet.RepresentationModel;

namespace DriftJobs.Deployment.Tests.Chart;

/// <summary>Every chart value is documented where an operator looks (driftctl's exit codes: DriftJobs.Cli.Tests).</summary>
public sealed class DocumentationTests
{
    private static readonly string Operations = File.ReadAllText(Path.Combine(K8sTools.Root, "docs", "operations.md"));

    [Fact]
    public void Every_chart_value_has_a_schema_description_and_a_row_in_the_operations_guide()
    {
        var values = new YamlStream();
        values.Load(new StringReader(File.ReadAllText(Path.Combine(HelmChart.Directory, "values.yaml"))));
        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(HelmChart.Directory, "values.schema.json")));

        var documented = new List<string>();
        Walk((YamlMappingNode)values.Documents[0].RootNode, schema.RootElement, prefix: string.Empty, documented);

        Assert.True(documented.Count > 50, string.Join(", ", documented));
        var rows = Operations.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)).ToList();
        Assert.All(documented, path => Assert.Contains(rows, r => r.StartsWith($"| `{path}` |", StringComparison.Ordinal)));
    }

    /// <summary>
    /// Descends values.yaml and the schema together; a value the schema describes as a whole (resources, a security
    /// context) is one documented unit.
    /// </summary>
    private static void Walk(YamlMappingNode node, JsonElement schema, string prefix, List<string> documented)
    {
        Assert.True(schema.TryGetProperty("properties", out var properties), $"{prefix}: the schema lists no properties");
        foreach (var (keyNode, child) in node.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value!;
            var path = prefix + key;
            Assert.True(properties.TryGetProperty(key, out var childSchema), $"{path} is not in values.schema.json");
            Assert.True(
                childSchema.TryGetProperty("description", out var description) && description.GetString()!.Length > 10,
                $"{path} has no description in values.schema.json");
            // A mapping whose parts the schema describes one by one is descended into; any other value is one unit.
            var partsDescribed = childSchema.TryGetProperty("properties", out var parts)
                && parts.EnumerateObject().All(p => p.Value.TryGetProperty("description", out _));
            if (child is YamlMappingNode { Children.Count: > 0 } mapping && partsDescribed)
            {
                Walk(mapping, childSchema, path + ".", documented);
                continue;
            }

            documented.Add(path);
        }
    }
}
