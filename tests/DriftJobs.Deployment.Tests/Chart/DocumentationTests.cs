using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using DriftJobs.Testing;
using YamlDotNet.RepresentationModel;

namespace DriftJobs.Deployment.Tests.Chart;

/// <summary>Every chart value is documented where an operator looks (driftctl's exit codes: DriftJobs.Cli.Tests).</summary>
public sealed partial class DocumentationTests
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

    [Fact]
    public void A_chart_value_for_a_ranged_setting_has_the_declared_range_in_the_schema()
    {
        // The settings tables are the declarations (SettingsTests keeps them equal); a chart row names its setting.
        var declared = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in SettingRow().Matches(Operations))
        {
            declared.TryAdd(m.Groups["setting"].Value, m.Groups["allowed"].Value);
        }

        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(HelmChart.Directory, "values.schema.json")));
        var checkedValues = new List<string>();
        foreach (Match row in ChartRow().Matches(Operations))
        {
            if (!declared.TryGetValue(row.Groups["setting"].Value, out var allowed) || allowed.Length == 0)
            {
                continue;
            }

            var path = row.Groups["value"].Value;
            var node = path.Split('.').Aggregate(schema.RootElement, (n, key) => n.GetProperty("properties").GetProperty(key));
            var integer = node.GetProperty("type").GetString() == "integer";
            Assert.Equal((path, Range(allowed, integer)), (path, SchemaRange(node, integer)));
            checkedValues.Add(path);
        }

        Assert.Contains("performance.trendLambda", checkedValues);
        Assert.True(checkedValues.Count >= 15, string.Join(", ", checkedValues));
    }

    /// <summary>"between 1 and 744", "greater than 0 and at most 10", …, as inclusive-or-not bounds.</summary>
    private static (double Min, bool ExcludesMin, double Max, bool ExcludesMax) Range(string allowed, bool integer)
    {
        var m = AllowedRange().Match(allowed);
        Assert.True(m.Success, allowed);
        var min = double.Parse(m.Groups["min"].Value, NumberStyles.Number, CultureInfo.InvariantCulture);
        var max = double.Parse(m.Groups["max"].Value, NumberStyles.Number, CultureInfo.InvariantCulture);
        var exclusive = m.Groups["exclusive"].Success;
        return Normalize(min, m.Groups["from"].Value == "greater than" || exclusive, max, m.Groups["to"].Value == "below" || exclusive, integer);
    }

    private static (double Min, bool ExcludesMin, double Max, bool ExcludesMax) SchemaRange(JsonElement node, bool integer)
    {
        double? Get(string name) => node.TryGetProperty(name, out var v) ? v.GetDouble() : null;
        var (min, exclusiveMin) = Get("exclusiveMinimum") is { } em ? (em, true) : (Get("minimum") ?? double.NegativeInfinity, false);
        var (max, exclusiveMax) = Get("exclusiveMaximum") is { } eM ? (eM, true) : (Get("maximum") ?? double.PositiveInfinity, false);
        return Normalize(min, exclusiveMin, max, exclusiveMax, integer);
    }

    /// <summary>For integers "greater than 0" is "at least 1".</summary>
    private static (double, bool, double, bool) Normalize(double min, bool excludesMin, double max, bool excludesMax, bool integer) =>
        integer ? (excludesMin ? Math.Floor(min) + 1 : Math.Ceiling(min), false, excludesMax ? Math.Ceiling(max) - 1 : Math.Floor(max), false) : (min, excludesMin, max, excludesMax);

    // | `DRIFT_PSI_THRESHOLD` | `--drift-psi-threshold` | `0.2` | greater than 0 and at most 10 | …
    [GeneratedRegex(@"^\| `(?<setting>[A-Z_]+)` \| `--[a-z-]+` \| [^|]* \| (?<allowed>[^|]*?) ?\|", RegexOptions.Multiline)]
    private static partial Regex SettingRow();

    // | `drift.psiThreshold` | `0.2` | `DRIFT_PSI_THRESHOLD`: …
    [GeneratedRegex(@"^\| `(?<value>[a-zA-Z.]+)` \| [^|]* \| `(?<setting>[A-Z_]+)`:", RegexOptions.Multiline)]
    private static partial Regex ChartRow();

    [GeneratedRegex(@"^(?<from>between|greater than|at least) (?<min>[-0-9.,]+) and (?<to>at most|below|and)? ?(?<max>[-0-9.,]+)(?<exclusive> \(exclusive\))?$")]
    private static partial Regex AllowedRange();

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
