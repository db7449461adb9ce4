using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using DriftJobs.Baseline;
using DriftJobs.Detector;
using DriftJobs.Hosting;
using DriftJobs.Storage;
using DriftJobs.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace DriftJobs.Jobs.Tests;

/// <summary>
/// Each job setting is declared once (DetectorSettings, BaselineSettings, StorageSettings); these tests hold the options
/// classes' bound names, the range checks and the operations guide to those declarations.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class SettingsTests(AzuriteFixture azurite)
{
    public static TheoryData<string> JobNames => new() { DetectorJob.Definition.Name, BaselineJob.Definition.Name };

    /// <summary>Every numeric setting with a range, by job.</summary>
    public static TheoryData<string, string> RangedSettings
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var (job, _, _) in Jobs)
            {
                foreach (var setting in job.Settings.Where(s => s.Range is not null))
                {
                    data.Add(job.Name, setting.Name);
                }
            }

            return data;
        }
    }

    private static (JobDefinition Definition, Type Options, Action<IHostApplicationBuilder> Add)[] Jobs =>
    [
        (DetectorJob.Definition, typeof(DetectorOptions), b => b.AddDetector()),
        (BaselineJob.Definition, typeof(BaselineOptions), b => b.AddBaselineJob()),
    ];

    [Theory]
    [MemberData(nameof(JobNames))]
    public void Every_declared_setting_is_bound_and_every_bound_name_is_declared(string jobName)
    {
        var (definition, options, _) = Jobs.Single(j => j.Definition.Name == jobName);
        var bound = BoundNames(options).Concat(BoundNames(typeof(StorageOptions))).ToHashSet(StringComparer.Ordinal);
        var declared = definition.Settings.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

        Assert.Empty(declared.Except(bound));
        // The baseline job binds the shared storage options but reads no logs and no labels.
        var unused = definition == BaselineJob.Definition ? new[] { StorageOptions.GroundTruthPrefixSetting, StorageOptions.LogsPrefixSetting } : [];
        Assert.Equal(unused, bound.Except(declared).Order(StringComparer.Ordinal));
        Assert.Equal(declared.Count, definition.Settings.Count);
    }

    [Theory]
    [MemberData(nameof(JobNames))]
    public void A_numeric_default_is_inside_its_own_range(string jobName)
    {
        foreach (var setting in Jobs.Single(j => j.Definition.Name == jobName).Definition.Settings.Where(s => s.Range is not null))
        {
            Assert.True(setting.Default is not null, setting.Name);
            Assert.Null(setting.Check(double.Parse(setting.Default!, CultureInfo.InvariantCulture)));
        }
    }

    [Theory]
    [MemberData(nameof(RangedSettings))]
    public async Task Each_end_of_a_range_is_enforced_naming_the_setting(string jobName, string settingName)
    {
        var (definition, options, add) = Jobs.Single(j => j.Definition.Name == jobName);
        var setting = definition.Settings.Single(s => s.Name == settingName);
        var range = setting.Range!;
        var integral = BoundProperty(options, settingName).PropertyType != typeof(double);
        var step = integral ? 1 : 0.001;

        foreach (var (value, inside) in new[]
        {
            (range.Min, !range.ExcludesMin), (range.Max, !range.ExcludesMax),
            (range.Min - step, false), (range.Max + step, false),
            (range.Min + step, true), (range.Max - step, true),
        })
        {
            var output = await RunAsync(definition, add, setting.Option, JobSetting.Show(value));
            var named = output.Contains($"{setting.Name} = {JobSetting.Show(value)} is out of range: it must be {range}.", StringComparison.Ordinal);
            Assert.True(named != inside, $"{setting.Name} = {JobSetting.Show(value)}: expected {(inside ? "accepted" : "refused")}; output: {output}");
        }
    }

    [Theory]
    [MemberData(nameof(JobNames))]
    public async Task Help_prints_every_setting_with_its_option_default_and_range(string jobName)
    {
        var (definition, _, add) = Jobs.Single(j => j.Definition.Name == jobName);
        var help = await RunAsync(definition, add, "--help");

        foreach (var setting in definition.Settings)
        {
            var line = Assert.Single(help.Split('\n'), l => l.TrimStart().StartsWith(setting.Option + " ", StringComparison.Ordinal));
            Assert.Contains(" " + setting.Name + " ", line, StringComparison.Ordinal);
            Assert.EndsWith(setting.Description, line.TrimEnd(), StringComparison.Ordinal);
            if (setting.Default is { } value)
            {
                Assert.EndsWith($"({value})", line.TrimEnd(), StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [MemberData(nameof(JobNames))]
    public void The_operations_guide_lists_every_setting_as_declared(string jobName)
    {
        var definition = Jobs.Single(j => j.Definition.Name == jobName).Definition;
        var guide = File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "docs", "operations.md"));
        var start = $"<!-- settings: {definition.Name} -->\n";
        var from = guide.IndexOf(start, StringComparison.Ordinal);
        Assert.True(from >= 0, $"docs/operations.md has no '{start.Trim()}' section");
        var to = guide.IndexOf("<!-- /settings -->", from, StringComparison.Ordinal);
        var expected = Table(definition.Settings);
        Assert.True(guide[(from + start.Length)..to] == expected, $"docs/operations.md's {definition.Name} settings should read:\n{expected}");
    }

    [Fact]
    public void The_chart_values_table_gives_each_setting_its_declared_default()
    {
        var guide = File.ReadAllLines(Path.Combine(RepositoryRoot.Find(), "docs", "operations.md"));
        var declared = Jobs.SelectMany(j => j.Definition.Settings).Where(s => s.Range is not null).DistinctBy(s => s.Name).ToDictionary(s => s.Name);
        var checkedRows = 0;
        foreach (var row in guide)
        {
            // | `drift.psiThreshold` | `0.2` | `DRIFT_PSI_THRESHOLD`: …
            if (ChartRow().Match(row) is { Success: true } match && declared.TryGetValue(match.Groups["setting"].Value, out var setting))
            {
                Assert.Equal(setting.Default, match.Groups["default"].Value);
                checkedRows++;
            }
        }

        Assert.True(checkedRows >= 8, $"only {checkedRows} chart rows name a ranged setting");
    }

    private async Task<string> RunAsync(JobDefinition definition, Action<IHostApplicationBuilder> add, params string[] args)
    {
        using var output = new StringWriter();
        // A container that does not exist: a run whose settings are all valid stops at its first storage call (exit 2).
        string[] common =
        [
            "--azure-storage-connection-string", azurite.ConnectionString, "--drift-container", "absent-" + Guid.NewGuid().ToString("N")[..12],
            "--model-name", "m", "--model-version", "1",
        ];
        if (definition == BaselineJob.Definition && !args.Contains("--help"))
        {
            common = [.. common, "--training-data", "./absent.csv"];
        }

        await JobHost.RunAsync([.. common, .. args], definition, add, output);
        return output.ToString();
    }

    private static string Table(IReadOnlyList<JobSetting> settings)
    {
        var table = new StringBuilder("| setting | option | default | allowed | meaning |\n| --- | --- | --- | --- | --- |\n");
        foreach (var s in settings)
        {
            var value = s.IsRequired ? "required" : s.Default is { } d ? $"`{d}`" : "";
            var allowed = s.Range?.ToString() ?? (s.IsFlag ? "flag" : s.IsSecret ? "a secret" : "");
            table.Append(CultureInfo.InvariantCulture, $"| `{s.Name}` | `{s.Option}` | {value} | {allowed} | {s.Help} |\n");
        }

        return table.ToString();
    }

    private static IEnumerable<string> BoundNames(Type options) =>
        options.GetProperties().Select(p => p.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name).OfType<string>();

    private static PropertyInfo BoundProperty(Type options, string name) =>
        options.GetProperties().Single(p => p.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name == name);

    [GeneratedRegex(@"^\| `[a-zA-Z.]+` \| `(?<default>[^`]*)` \| `(?<setting>[A-Z_]+)`:")]
    private static partial Regex ChartRow();
}
