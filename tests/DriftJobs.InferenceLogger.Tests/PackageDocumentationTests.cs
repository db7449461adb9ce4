using System.Reflection;
using System.Xml.Linq;
using DriftJobs.Testing;

namespace DriftJobs.InferenceLogger.Tests;

/// <summary>The package's README (packed into the NuGet package) and metadata.</summary>
public sealed class PackageDocumentationTests
{
    private static readonly string ProjectDirectory = Path.Combine(RepositoryRoot.Find(), "src", "DriftJobs.InferenceLogger");

    [Fact]
    public void Every_public_setting_and_snapshot_count_is_in_the_READMEs_tables()
    {
        var readme = File.ReadAllText(Path.Combine(ProjectDirectory, "README.md"));
        var settings = typeof(InferenceLoggerOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name);
        var counts = typeof(InferenceLoggerCounters).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).Where(n => n != "EqualityContract");

        Assert.All(settings, name => Assert.Contains($"| `{name}` |", readme, StringComparison.Ordinal));
        Assert.All(counts, name => Assert.Contains($"`{name}`", readme, StringComparison.Ordinal));
    }

    [Fact]
    public void The_READMEs_settings_table_gives_each_setting_its_actual_default()
    {
        var readme = File.ReadAllLines(Path.Combine(ProjectDirectory, "README.md"));
        var defaults = new InferenceLoggerOptions();
        var checkedRows = 0;
        foreach (var property in typeof(InferenceLoggerOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var row = Assert.Single(readme, l => l.StartsWith($"| `{property.Name}` |", StringComparison.Ordinal));
            var shown = row.Split('|')[2].Trim();
            // Rows whose default is a description ("(none)", "machine (pod) name") say so in words; the rest must equal
            // the property's initial value, written as the README writes it.
            var expected = property.GetValue(defaults) switch
            {
                int n => n.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                long bytes when bytes % (1L << 30) == 0 => $"{bytes >> 30} GiB",
                TimeSpan t => t.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
                string text => $"`{text}`",
                Enum e => $"`{e}`",
                _ => null,
            };
            if (expected is not null)
            {
                Assert.True(expected == shown, $"README's {property.Name} default is {shown}; the option starts at {expected}");
                checkedRows++;
            }
        }

        Assert.True(checkedRows >= 10, $"only {checkedRows} defaults were compared");
    }

    [Fact]
    public void The_package_names_its_authors_license_project_and_readme()
    {
        var project = XDocument.Load(Path.Combine(ProjectDirectory, "DriftJobs.InferenceLogger.csproj"));
        string? Property(string name) => project.Descendants(name).SingleOrDefault()?.Value;

        Assert.False(string.IsNullOrWhiteSpace(Property("Authors")));
        Assert.Equal("MIT", Property("PackageLicenseExpression"));
        Assert.Equal("https://github.com/driftjobs/driftjobs", Property("PackageProjectUrl"));
        Assert.Equal("https://github.com/driftjobs/driftjobs", Property("RepositoryUrl"));
        Assert.Equal("README.md", Property("PackageReadmeFile"));
        Assert.Contains("Parquet", Property("Description"), StringComparison.Ordinal);
    }
}
