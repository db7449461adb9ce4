using System.Text;
using DriftJobs.Core.Profiles;
using DriftJobs.Core.Reports;
using DriftJobs.Core.Serialization;

namespace DriftJobs.Core.Tests;

public class DriftJsonTests
{
    private static BaselineProfile SampleBaseline()
    {
        var random = new Random(1);
        return TestData.Baseline(new() { ["x"] = TestData.Normal(random, 300) }, new() { ["c"] = Enumerable.Range(0, 300).Select(i => "k" + (i % 4)).ToArray<string?>() });
    }

    [Fact]
    public void Baseline_round_trips_with_snake_case_fields()
    {
        var baseline = SampleBaseline();
        var bytes = DriftJson.Serialize(baseline);
        var json = Encoding.UTF8.GetString(bytes);
        Assert.Contains("\"schema_version\": 1", json, StringComparison.Ordinal);
        Assert.Contains("\"ks_reference\"", json, StringComparison.Ordinal);
        Assert.Contains("\"kind\": \"numeric\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"valid\"", json, StringComparison.Ordinal);

        var read = DriftJson.ReadBaseline(bytes, "baseline.json");
        Assert.Equal(bytes, DriftJson.Serialize(read));
    }

    [Fact]
    public void Unknown_schema_version_names_the_file_and_the_field()
    {
        var json = Encoding.UTF8.GetString(DriftJson.Serialize(SampleBaseline())).Replace("\"schema_version\": 1", "\"schema_version\": 2", StringComparison.Ordinal);
        var error = Assert.Throws<InvalidDataException>(() => DriftJson.ReadBaseline(Encoding.UTF8.GetBytes(json), "baselines/m/1/baseline.json"));
        Assert.Contains("baselines/m/1/baseline.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("schema_version 2 is not supported", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"schema_version\": \"1\"}", "schema_version \"1\" is not supported")]
    [InlineData("{\"schema_version\": 1.5}", "schema_version 1.5 is not supported")]
    [InlineData("{\"schema_version\": {\"major\": 1}}", "schema_version {\"major\": 1} is not supported")]
    [InlineData("{\"schema_version\": null}", "schema_version null is not supported")]
    [InlineData("{\"window\": {\"schema_version\": 1}, \"items\": [{\"schema_version\": 1}]}", "field 'schema_version' is missing")]
    [InlineData("{\"schema_version\": 1, \"x\": [], \"schema_version\": 2}", "field 'schema_version' appears more than once")]
    [InlineData("{\"schema_version\": 2, \"schema_version\": 1}", "schema_version 2 is not supported")]
    public void A_schema_version_that_is_not_the_supported_number_is_quoted(string text, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => DriftJson.ReadReport(Encoding.UTF8.GetBytes(text), "latest.json"));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("latest.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_schema_version_is_found_after_large_nested_fields()
    {
        var json = Encoding.UTF8.GetString(DriftJson.Serialize(SampleBaseline()));
        var moved = "{" + json.Replace("\"schema_version\": 1,", "", StringComparison.Ordinal).Trim()[1..^1].Trim() + ",\n  \"schema_version\": 1\n}";
        Assert.NotEqual(json, moved);

        var read = DriftJson.ReadBaseline(Encoding.UTF8.GetBytes(moved), "baseline.json");

        Assert.Equal(DriftJson.Serialize(SampleBaseline()), DriftJson.Serialize(read));
    }

    [Fact]
    public void A_field_given_twice_is_refused_naming_the_file_and_the_field()
    {
        var json = Encoding.UTF8.GetString(DriftJson.Serialize(SampleBaseline()));
        var twice = json.Replace("\"model_name\": \"", "\"model_name\": \"other\",\n  \"model_name\": \"", StringComparison.Ordinal);
        Assert.NotEqual(json, twice);

        var error = Assert.Throws<InvalidDataException>(() => DriftJson.ReadBaseline(Encoding.UTF8.GetBytes(twice), "b.json"));

        Assert.StartsWith("b.json: malformed JSON", error.Message, StringComparison.Ordinal);
        Assert.Contains("model_name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_schema_version_is_named()
    {
        var error = Assert.Throws<InvalidDataException>(() => DriftJson.ReadReport("{\"model_name\": \"m\"}"u8, "latest.json"));
        Assert.Contains("latest.json: field 'schema_version' is missing", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"schema_version\": 1, ", "latest.json: malformed JSON")]
    [InlineData("[1, 2]", "expected a JSON object")]
    [InlineData("", "malformed JSON")]
    public void Malformed_json_names_the_file(string text, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => DriftJson.ReadReport(Encoding.UTF8.GetBytes(text), "latest.json"));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("latest.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrongly_typed_field_is_named_by_its_path()
    {
        var json = Encoding.UTF8.GetString(DriftJson.Serialize(SampleBaseline()));
        json = json.Replace("\"rows\": 300,\n      \"missing\"", "\"rows\": \"many\",\n      \"missing\"", StringComparison.Ordinal);
        var error = Assert.Throws<InvalidDataException>(() => DriftJson.ReadBaseline(Encoding.UTF8.GetBytes(json), "b.json"));
        Assert.Contains("$.features[0].rows", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_required_field_is_named()
    {
        var json = Encoding.UTF8.GetString(DriftJson.Serialize(SampleBaseline())).Replace("\"model_version\": \"1\",", "", StringComparison.Ordinal);
        var error = Assert.Throws<InvalidDataException>(() => DriftJson.ReadBaseline(Encoding.UTF8.GetBytes(json), "b.json"));
        Assert.Contains("model_version", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_baseline_with_inconsistent_bins_is_rejected_naming_the_field()
    {
        var baseline = SampleBaseline();
        var x = baseline.Features[0];
        var broken = baseline with
        {
            Features = [x with { Numeric = x.Numeric! with { PsiBins = x.Numeric.PsiBins with { Expected = [1.0] } } }, baseline.Features[1]],
        };
        var error = Assert.Throws<InvalidDataException>(() => DriftJson.ReadBaseline(DriftJson.Serialize(broken), "b.json"));
        Assert.Contains("features[0] ('x').numeric.psi_bins", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_serialization_is_byte_stable()
    {
        var baseline = SampleBaseline();
        var random = new Random(2);
        var window = TestData.Window(baseline, new() { ["x"] = TestData.Normal(random, 300) }, new() { ["c"] = Enumerable.Range(0, 300).Select(i => "k" + (i % 5)).ToArray<string?>() });
        var range = new ReportWindow { Start = TestData.Created, End = TestData.Created.AddHours(24), Hours = 24 };
        var first = DriftJson.Serialize(DriftAnalyzer.Analyze(window, range, new DriftThresholds()));
        var second = DriftJson.Serialize(DriftAnalyzer.Analyze(window, range, new DriftThresholds()));
        Assert.Equal(first, second);
        var read = DriftJson.ReadReport(first, "r.json");
        Assert.Equal(first, DriftJson.Serialize(read));
    }

    [Fact]
    public void Numeric_profiles_lists_are_written_one_per_line_and_read_in_any_layout()
    {
        var bytes = DriftJson.Serialize(SampleBaseline());
        var lines = Encoding.UTF8.GetString(bytes).Split('\n');

        // Every list of the numeric profile on its field's own line: no line holds a bare number.
        foreach (var field in new[] { "\"edges\": [", "\"expected\": [", "\"values\": [", "\"cumulative\": [" })
        {
            var line = Assert.Single(lines, l => l.TrimStart().StartsWith(field, StringComparison.Ordinal));
            Assert.EndsWith("]", line.TrimEnd().TrimEnd(','), StringComparison.Ordinal);
        }

        Assert.DoesNotContain(lines, l => double.TryParse(l.Trim().TrimEnd(','), System.Globalization.CultureInfo.InvariantCulture, out _));

        // A baseline written one number per line (as before this layout) reads as the same profile.
        var spread = System.Text.Json.Nodes.JsonNode.Parse(bytes)!.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
        Assert.True(spread.Split('\n').Length > lines.Length + 300);
        Assert.Equal(bytes, DriftJson.Serialize(DriftJson.ReadBaseline(Encoding.UTF8.GetBytes(spread), "b.json")));
    }

    [Theory]
    [InlineData("\"values\": [", "\"values\": [1, \"2\", ", "$.features[0].numeric.ks_reference.values")]
    [InlineData("\"values\": [", "\"values\": {\"a\": 1}, \"x\": [", "$.features[0].numeric.ks_reference.values")]
    [InlineData("\"cumulative\": [", "\"cumulative\": [true, ", "$.features[0].numeric.ks_reference.cumulative")]
    [InlineData("\"edges\": [", "\"edges\": [1e999, ", "features[0] ('x').numeric.psi_bins")]
    public void A_wrongly_typed_number_in_a_list_is_named_by_its_path(string field, string replacement, string path)
    {
        var json = Encoding.UTF8.GetString(DriftJson.Serialize(SampleBaseline()));
        var changed = json.Replace(field, replacement, StringComparison.Ordinal);
        Assert.NotEqual(json, changed);

        var error = Assert.Throws<InvalidDataException>(() => DriftJson.ReadBaseline(Encoding.UTF8.GetBytes(changed), "b.json"));

        Assert.StartsWith("b.json", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_large_baseline_has_its_features_read_in_parallel_to_the_same_profile()
    {
        var random = new Random(5);
        var numeric = Enumerable.Range(0, 6).ToDictionary(i => "x" + i, _ => TestData.Normal(random, 20_000));
        var bytes = DriftJson.Serialize(TestData.Baseline(numeric, new() { ["c"] = Enumerable.Range(0, 500).Select(i => "k" + (i % 7)).ToArray<string?>() }));
        Assert.True(bytes.Length >= DriftJson.ParallelReadFrom, $"{bytes.Length} bytes: too small to take the parallel read by default");

        var parallel = BaselineFeaturesReader.TryRead(bytes, DriftJson.ReadOptions, BaselineProfile.CurrentSchemaVersion);

        Assert.NotNull(parallel);
        Assert.Equal(["x0", "x1", "x2", "x3", "x4", "x5", "c"], parallel.Features.Select(f => f.Name));
        Assert.Equal(bytes, DriftJson.Serialize(parallel));
        Assert.Equal(bytes, DriftJson.Serialize(DriftJson.ReadBaseline(bytes, "b.json")));
    }

    [Fact]
    public void Strings_with_brackets_quotes_and_escapes_do_not_confuse_the_parallel_read()
    {
        string?[] categories = ["plain", "a \"quoted\" {value}", "ends with a backslash \\", "[", "}", "]\",\"", "\\\""];
        var baseline = TestData.Baseline(new() { ["x"] = TestData.Normal(new Random(2), 300) }, new() { ["c\"}"] = Enumerable.Range(0, 300).Select(i => categories[i % categories.Length]).ToArray() });
        var bytes = DriftJson.Serialize(baseline);

        var parallel = BaselineFeaturesReader.TryRead(bytes, DriftJson.ReadOptions, BaselineProfile.CurrentSchemaVersion);

        Assert.NotNull(parallel);
        Assert.Equal(bytes, DriftJson.Serialize(parallel));
    }

    /// <summary>What the parallel read does not take whole it leaves to the one-thread read, which names the problem as before.</summary>
    [Theory]
    [InlineData("\"values\": [", "\"values\": [1, \"2\", ")]
    [InlineData("\"name\": \"x\",", "\"name\": \"x\", \"name\": \"y\",")]
    [InlineData("\"features\": [", "\"features\": [null, ")]
    [InlineData("\"features\": [", "\"features\": [[], ")]
    [InlineData("\"features\": [", "\"features\": [{}, ")]
    [InlineData("\"schema_version\": 1", "\"schema_version\": 2")]
    [InlineData("\"schema_version\": 1,", "\"schema_version\": 1, \"features\": [],")]
    [InlineData("\"model_name\": \"test-model\",", "\"model_name\": \"test-model\", \"model_name\": \"n\",")]
    [InlineData("\"missing\": ", "\"missing\": -1")]
    [InlineData("\"kind\": \"numeric\",", "\"kind\": \"numeric\" ")]
    public void What_the_parallel_read_cannot_take_gets_the_one_thread_reads_error(string find, string replace)
    {
        var json = Encoding.UTF8.GetString(DriftJson.Serialize(SampleBaseline()));
        var changed = ReplaceFirst(json, find, replace);
        AssertSameErrorBothWays(changed);
    }

    [Theory]
    [InlineData("\\udc00abcd")]
    [InlineData("\\ud800abcd")]
    [InlineData("\\udc00abcdefghij")]
    public void A_field_name_escaping_a_lone_surrogate_is_malformed_input_both_ways(string name)
    {
        var json = Encoding.UTF8.GetString(DriftJson.Serialize(SampleBaseline()));
        var changed = "{\"" + name + "\": 1," + json[1..];
        AssertSameErrorBothWays(changed);
        Assert.Contains("malformed JSON", Assert.Throws<InvalidDataException>(() => DriftJson.ReadBaseline(Encoding.UTF8.GetBytes(changed), "b.json")).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("},\n    {", "}\n    {")]
    [InlineData("},\n    {", "}, ,\n    {")]
    [InlineData("},\n    {", "} x\n    {")]
    public void Separators_between_features_are_checked_as_strictly_as_in_one_read(string find, string replace)
    {
        var json = Encoding.UTF8.GetString(DriftJson.Serialize(SampleBaseline()));
        AssertSameErrorBothWays(ReplaceFirst(json, find, replace));
    }

    [Fact]
    public void A_trailing_comma_or_a_cut_document_gets_the_one_thread_reads_error()
    {
        var json = Encoding.UTF8.GetString(DriftJson.Serialize(SampleBaseline()));
        var lastFeatureEnd = json.LastIndexOf(']');
        AssertSameErrorBothWays(json[..lastFeatureEnd].TrimEnd() + ",\n  ]\n}");
        AssertSameErrorBothWays(json[..(json.Length / 2)]);
        AssertSameErrorBothWays(json[..^3]);
    }

    private static string ReplaceFirst(string json, string find, string replace)
    {
        var at = json.IndexOf(find, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{find}' is not in the sample baseline");
        return json[..at] + replace + json[(at + find.Length)..];
    }

    private static void AssertSameErrorBothWays(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        Assert.Null(BaselineFeaturesReader.TryRead(bytes, DriftJson.ReadOptions, BaselineProfile.CurrentSchemaVersion) is { } read ? TryValidate(read) : null);
        var oneThread = Assert.Throws<InvalidDataException>(() => DriftJson.ReadBaseline(bytes, "b.json", parallelFrom: int.MaxValue));
        var parallel = Assert.Throws<InvalidDataException>(() => DriftJson.ReadBaseline(bytes, "b.json", parallelFrom: 0));
        Assert.Equal(oneThread.Message, parallel.Message);
        Assert.StartsWith("b.json", parallel.Message, StringComparison.Ordinal);
    }

    // A document valid as JSON but not as a baseline passes the parallel read and fails the same validation after it.
    private static BaselineProfile? TryValidate(BaselineProfile read)
    {
        try
        {
            BaselineValidation.Validate(read, "b.json");
            return read;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    [Theory]
    [InlineData("\"features\": [", "\"features\": [null, ", "field features[0]: a feature cannot be null")]
    [InlineData("\"categories\": [", "\"categories\": [null, ", "field features[1] ('c').categorical.categories: a category cannot be null")]
    [InlineData("\"description\": \"unit test\",\n    \"rows\": 300", "\"description\": \"unit test\",\n    \"rows\": -300", "field source.rows: the training rows cannot be negative")]
    public void A_null_feature_or_category_or_negative_training_rows_are_named(string find, string replace, string expected)
    {
        var json = ReplaceFirst(Encoding.UTF8.GetString(DriftJson.Serialize(SampleBaseline())), find, replace);

        var error = Assert.Throws<InvalidDataException>(() => DriftJson.ReadBaseline(Encoding.UTF8.GetBytes(json), "b.json"));

        Assert.Equal($"b.json: {expected}.", error.Message);
    }

    [Theory]
    [InlineData("\"edges\": [", "\"edges\": [-1e6, -1e6, ", "\"expected\": [", "\"expected\": [0, 0, ", "features[0] ('x').numeric.psi_bins.edges: edges must be strictly increasing")]
    [InlineData("\"edges\": [", "\"edges\": [1e6, ", "\"expected\": [", "\"expected\": [0, ", "features[0] ('x').numeric.psi_bins.edges: edges must be strictly increasing")]
    [InlineData("\"values\": [", "\"values\": [-1e6, -1e6, ", "\"cumulative\": [", "\"cumulative\": [0.001, 0.001, ", "features[0] ('x').numeric.ks_reference.values: values must be strictly increasing")]
    [InlineData("\"values\": [", "\"values\": [-1e6, ", "\"cumulative\": [", "\"cumulative\": [0, ", "features[0] ('x').numeric.ks_reference.cumulative: shares must rise within (0, 1]")]
    [InlineData("\"values\": [", "\"values\": [-1e6, ", "\"cumulative\": [", "\"cumulative\": [1.5, ", "features[0] ('x').numeric.ks_reference.cumulative: shares must rise within (0, 1]")]
    [InlineData("\"values\": [", "\"values\": [-1e6, ", "\"cumulative\": [", "\"cumulative\": [0.9999, ", "features[0] ('x').numeric.ks_reference.cumulative: shares must rise within (0, 1]")]
    [InlineData("\"values\": [", "\"values\": [-1e6, ", "\"cumulative\": [", "\"cumulative\": [-0.5, ", "features[0] ('x').numeric.ks_reference.cumulative: shares must rise within (0, 1]")]
    public void Boundaries_out_of_order_and_shares_outside_their_range_are_named(string find, string replace, string findToo, string replaceToo, string expected)
    {
        var valid = Encoding.UTF8.GetString(DriftJson.Serialize(SampleBaseline()));
        var json = ReplaceFirst(ReplaceFirst(valid, find, replace), findToo, replaceToo);

        var error = Assert.Throws<InvalidDataException>(() => DriftJson.ReadBaseline(Encoding.UTF8.GetBytes(json), "b.json"));

        Assert.Equal($"b.json: field {expected}.", error.Message);
        // The same lists grown the same way, in order, are accepted: the error is the one value put out of place.
        var ordered = ReplaceFirst(ReplaceFirst(valid, find, find.Contains("edges", StringComparison.Ordinal) ? "\"edges\": [-1e7, " : "\"values\": [-1e7, "),
            findToo, findToo.Contains("expected", StringComparison.Ordinal) ? "\"expected\": [0, " : "\"cumulative\": [1e-9, ");
        Assert.NotNull(DriftJson.ReadBaseline(Encoding.UTF8.GetBytes(ordered), "b.json"));
    }

    [Fact]
    public void A_null_list_is_named()
    {
        var json = Encoding.UTF8.GetString(DriftJson.Serialize(SampleBaseline()));
        var start = json.IndexOf("\"values\": [", StringComparison.Ordinal);
        var end = json.IndexOf(']', start);
        var changed = json[..start] + "\"values\": null" + json[(end + 1)..];

        var error = Assert.Throws<InvalidDataException>(() => DriftJson.ReadBaseline(Encoding.UTF8.GetBytes(changed), "b.json"));

        Assert.StartsWith("b.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("$.features[0].numeric.ks_reference.values", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Baselines_and_reports_use_the_generated_metadata_and_no_type_falls_back_to_reflection()
    {
        // Reflection-built metadata cost the detector's every run ~0.1 s, and finds trimmed types in the published
        // (ahead-of-time compiled) detector: a type outside the context must fail here, not only there.
        Assert.Same(DriftJsonContext.Default, DriftJson.Options.GetTypeInfo(typeof(BaselineProfile)).OriginatingResolver);
        Assert.Same(DriftJsonContext.Default, DriftJson.Options.GetTypeInfo(typeof(DriftReport)).OriginatingResolver);

        Assert.Throws<NotSupportedException>(() => DriftJson.Options.GetTypeInfo(typeof(Dictionary<string, DateTimeOffset>)));
    }
}
