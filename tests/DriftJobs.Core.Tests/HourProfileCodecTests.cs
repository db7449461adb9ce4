using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using DriftJobs.Core.Performance;
using DriftJobs.Core.Profiles;
using DriftJobs.Core.Reports;
using DriftJobs.Core.Serialization;
using DriftJobs.Testing;

namespace DriftJobs.Core.Tests;

public class HourProfileCodecTests
{
    private static readonly DateTimeOffset Hour = new(2026, 3, 1, 7, 0, 0, TimeSpan.Zero);

    private static (BaselineProfile Baseline, Dictionary<string, double[]> Numeric, Dictionary<string, string?[]> Categorical) Data(Random random, int n)
    {
        var baseline = TestData.Baseline(
            new Dictionary<string, double[]> { ["x"] = TestData.Normal(random, 3000), ["y"] = Enumerable.Range(0, 3000).Select(_ => (double)random.Next(20)).ToArray() },
            new Dictionary<string, string?[]> { ["c"] = Enumerable.Range(0, 3000).Select(_ => "k" + random.Next(8)).ToArray() });
        var numeric = new Dictionary<string, double[]>
        {
            // Missing (NaN), invalid (±∞), negative zero and values outside the training range.
            ["x"] = TestData.Normal(random, n, 0.3, 2).Select((v, i) => i % 97 == 0 ? double.NaN : i % 101 == 0 ? double.PositiveInfinity : i % 103 == 0 ? -0.0 : v).ToArray(),
            ["y"] = Enumerable.Range(0, n).Select(_ => (double)random.Next(25)).ToArray(),
        };
        var categorical = new Dictionary<string, string?[]>
        {
            ["c"] = Enumerable.Range(0, n).Select(i => i % 50 == 0 ? null : "k" + random.Next(12) + (i % 7 == 0 ? "\"ü/\n" : "")).ToArray(),
        };
        return (baseline, numeric, categorical);
    }

    private static HourProfile Profile(WindowProfile window, int filesRead = 1, bool segmented = false) =>
        new(HourProfileKey.For(window.Baseline, new string('a', 64), Hour, segmented),
            Enumerable.Range(0, filesRead + 1).Select(i => new HourFile($"inference-logs/f{i}.parquet", 100 + i, $"\"0x{i}\"")).ToArray(),
            window, filesRead, 7, [new SkippedFile($"inference-logs/f{filesRead}.parquet", "not Parquet")]);

    [Fact]
    public void Windows_summed_from_stored_parts_give_the_report_of_one_pass_byte_for_byte()
    {
        var random = new Random(31);
        for (var trial = 0; trial < 10; trial++)
        {
            var (baseline, numeric, categorical) = Data(random, 500 + random.Next(3000));
            var onePass = WindowProfileTests.Report(TestData.Window(baseline, numeric, categorical));
            var n = numeric["x"].Length;
            var cuts = Enumerable.Range(0, random.Next(1, 6)).Select(_ => random.Next(1, n)).Append(0).Append(n).Distinct().Order().ToArray();
            var merged = new WindowProfile(baseline);
            for (var i = 0; i + 1 < cuts.Length; i++)
            {
                var part = TestData.Window(
                    baseline,
                    numeric.ToDictionary(kv => kv.Key, kv => kv.Value[cuts[i]..cuts[i + 1]]),
                    categorical.ToDictionary(kv => kv.Key, kv => kv.Value[cuts[i]..cuts[i + 1]]));
                var stored = HourProfileCodec.Serialize(Profile(part));

                var read = HourProfileCodec.Read(stored, baseline, "p");

                // Stored again, the same bytes: nothing was lost or reordered.
                Assert.Equal(stored, HourProfileCodec.Serialize(read));
                merged.Merge(read.Window);
            }

            Assert.Equal(Encoding.UTF8.GetString(onePass), Encoding.UTF8.GetString(WindowProfileTests.Report(merged)));
        }
    }

    [Fact]
    public void Segmented_windows_summed_from_stored_parts_give_the_report_of_one_pass_byte_for_byte()
    {
        var random = new Random(37);
        var (whole, numeric, categorical) = Data(random, 4000);
        string? Country(int i) => i % 13 == 0 ? null : (i % 5) switch { 0 => "DE", 1 => "FR", 2 => "IT", 3 => "NL", _ => "ES" };
        var training = Enumerable.Range(0, 3000).Select(Country).ToArray();
        var baseline = Segmented.Baseline(
            whole.Features.Where(f => f.Kind == FeatureKind.Numeric).ToDictionary(f => f.Name, f => TestData.Normal(random, 3000)),
            training, maxSegments: 3, categorical: new() { ["c"] = Enumerable.Range(0, 3000).Select(_ => "k" + random.Next(8)).ToArray() });
        // Some window rows in segments the training data never had.
        var segments = Enumerable.Range(0, 4000).Select(i => i % 31 == 0 ? "PL" + (i % 3) : Country(i + 1)).ToArray();
        var onePass = WindowProfileTests.Report(Segmented.Window(baseline, numeric, segments, categorical));
        Assert.Contains("\"segments\"", Encoding.UTF8.GetString(onePass), StringComparison.Ordinal);
        var cuts = new[] { 0, 900, 1000, 2500, 4000 };
        var merged = new WindowProfile(baseline, segmented: true);
        for (var i = 0; i + 1 < cuts.Length; i++)
        {
            var part = Segmented.Window(
                baseline,
                numeric.ToDictionary(kv => kv.Key, kv => kv.Value[cuts[i]..cuts[i + 1]]),
                segments[cuts[i]..cuts[i + 1]],
                categorical.ToDictionary(kv => kv.Key, kv => kv.Value[cuts[i]..cuts[i + 1]]));
            var stored = HourProfileCodec.Serialize(Profile(part, segmented: true));

            var read = HourProfileCodec.Read(stored, baseline, "p", new WindowProfile(baseline, segmented: true));

            Assert.Equal(stored, HourProfileCodec.Serialize(read));
            merged.Merge(read.Window);
        }

        Assert.Equal(Encoding.UTF8.GetString(onePass), Encoding.UTF8.GetString(WindowProfileTests.Report(merged)));

        // An unsplit window's profile has the header it had before segments (only its format changed).
        var (plain, _) = StoredProfile.Unpack(HourProfileCodec.Serialize(Profile(TestData.Window(whole, numeric, categorical))));
        Assert.False(plain.AsObject().ContainsKey("segment_columns") || plain.AsObject().ContainsKey("segments"));

        // A profile split by segments never stands for an unsplit window, nor the other way round.
        var segmented = HourProfileCodec.Serialize(Profile(merged, segmented: true));
        Assert.Contains("it has segments, this window has none", Assert.Throws<InvalidDataException>(() => HourProfileCodec.Read(segmented, baseline, "p")).Message, StringComparison.Ordinal);
        Assert.Equal("it was split by segment columns 'country', this run by ''",
            HourProfileCodec.Read(segmented, baseline, "p", new WindowProfile(baseline, segmented: true)).Key.Mismatch(HourProfileKey.For(baseline, new string('a', 64), Hour)));
    }

    [Fact]
    public void The_key_the_files_and_the_bounds_come_back_exactly()
    {
        var (baseline, numeric, categorical) = Data(new Random(2), 400);
        numeric["x"][0] = -0.0;
        var window = TestData.Window(baseline, numeric, categorical);
        var profile = Profile(window, filesRead: 3);

        var read = HourProfileCodec.Read(HourProfileCodec.Serialize(profile), baseline, "p");

        Assert.Equal(profile.Key, read.Key);
        Assert.Equal(profile.Files, read.Files);
        Assert.Equal(profile.Skipped, read.Skipped);
        Assert.Equal((3, 7L), (read.FilesRead, read.RowsOfOtherModels));
        var (x, readX) = ((NumericWindow)window.Features["x"], (NumericWindow)read.Window.Features["x"]);
        Assert.Equal(BitConverter.DoubleToInt64Bits(x.Min), BitConverter.DoubleToInt64Bits(readX.Min));
        Assert.Equal(x.Max, readX.Max);
        Assert.Equal((x.Rows, x.Missing, x.Invalid), (readX.Rows, readX.Missing, readX.Invalid));
    }

    [Fact]
    public void An_hours_performance_estimate_comes_back_exact_and_sums_to_one_pass()
    {
        var random = new Random(8);
        var (baseline, numeric, categorical) = Data(random, 100);
        var onePass = new EstimatedPerformanceAccumulator();
        var merged = new EstimatedPerformanceAccumulator();
        for (var hour = 0; hour < 5; hour++)
        {
            var estimate = new EstimatedPerformanceAccumulator();
            for (var i = 0; i < 300; i++)
            {
                var (positive, score) = (random.Next(3) == 0, random.NextDouble() * (i % 11 == 0 ? 1e-9 : 1));
                estimate.Add(positive, score);
                onePass.Add(positive, score);
            }

            var stored = HourProfileCodec.Serialize(Profile(TestData.Window(baseline, numeric, categorical)) with { Estimate = estimate });
            var read = HourProfileCodec.Read(stored, baseline, "p");

            // The same exact sums (their partials may be split differently once added again).
            Assert.Equal(estimate.Compute(), read.Estimate!.Compute());
            merged.Merge(read.Estimate!);
        }

        Assert.Equal(onePass.Compute(), merged.Compute());
        Assert.Null(HourProfileCodec.Read(HourProfileCodec.Serialize(Profile(TestData.Window(baseline, numeric, categorical))), baseline, "p").Estimate);
    }

    [Theory]
    [InlineData("count", -1, "'count' is negative")]
    [InlineData("count", 0, "are not those of scores in [0, 1]")]
    [InlineData("score_partials", -5.0, "are not those of scores in [0, 1]")]
    public void An_estimate_whose_sums_cannot_be_of_probabilities_is_refused(string field, double value, string expected)
    {
        var (baseline, numeric, categorical) = Data(new Random(9), 100);
        var estimate = new EstimatedPerformanceAccumulator();
        estimate.Add(true, 0.75);
        estimate.Add(true, 0.5);
        var (json, counts) = StoredProfile.Unpack(HourProfileCodec.Serialize(Profile(TestData.Window(baseline, numeric, categorical)) with { Estimate = estimate }));
        var sums = json["estimate"]!["predicted_positive"]!;
        sums[field] = field == "count" ? JsonValue.Create((long)value) : new JsonArray(JsonValue.Create(value));

        var e = Assert.Throws<InvalidDataException>(() => HourProfileCodec.Read(StoredProfile.Pack(json, counts), baseline, "p"));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_feature_without_valid_values_keeps_its_bounds_unset()
    {
        var (baseline, _, categorical) = Data(new Random(3), 100);
        var window = TestData.Window(baseline, new Dictionary<string, double[]> { ["x"] = Enumerable.Repeat(double.NaN, 100).ToArray(), ["y"] = new double[100] }, categorical);

        var read = (NumericWindow)HourProfileCodec.Read(HourProfileCodec.Serialize(Profile(window)), baseline, "p").Window.Features["x"];

        Assert.Equal((double.PositiveInfinity, double.NegativeInfinity, 100L), (read.Min, read.Max, read.Missing));
    }

    [Fact]
    public void An_hour_of_a_fine_grid_is_stored_sparse_and_compressed()
    {
        var random = new Random(4);
        var baseline = TestData.Baseline(new Dictionary<string, double[]> { ["x"] = TestData.Normal(random, 100_000) });
        var window = TestData.Window(baseline, new Dictionary<string, double[]> { ["x"] = TestData.Normal(random, 50) });
        var slots = ((NumericWindow)window.Features["x"]).SlotCount;

        var stored = HourProfileCodec.Serialize(Profile(window));

        // 50 values in thousands of slots: a dense array of counts would take at least two bytes a slot before compression.
        Assert.True(slots > 1000, $"{slots} slots");
        Assert.InRange(stored.Length, 1, 1500);
    }

    public static TheoryData<string, string> Damages => new()
    {
        { "features[0].rows = 1", "feature 'x' counts 1 rows" },
        { "features[0].invalid = 1", "feature 'x' has slot counts or bounds that do not match its" },
        { "features[0].slot_count = 3", "has 3 slots; its baseline gives" },
        { "features[0].slot_count = \"a\"", "'slot_count' is not a whole number" },
        { "features[0].missing = -1", "'missing' is negative" },
        { "features[0].min = null", "feature 'x' has slot counts or bounds that do not match" },
        { "features[2].unseen_count = 0", "feature 'c' has category counts that do not match" },
        { "features[2].other = 0", "feature 'c' has category counts that do not match" },
        { "features[2].category_count = 50", "feature 'c' has 50 category counts; its baseline lists" },
        { "files_read = 5", "5 files read and 1 skipped do not add up to the 2 listed" },
        { "rows = \"600\"", "'rows' is not a whole number" },
        { "baseline_sha256 = 7", "'baseline_sha256' is not a string" },
        { "features[1].name = \"z\"", "feature 'z' is not in the baseline" },
        { "features[1].name = \"x\"", "feature 'x' is there twice" },
        { "format = 1", "format 1 is not this detector's (2)" },
    };

    [Theory]
    [MemberData(nameof(Damages))]
    public void A_profile_that_fails_its_own_checks_is_refused_naming_the_blob_and_the_field(string damage, string expected)
    {
        var (baseline, numeric, categorical) = Data(new Random(6), 600);
        var stored = HourProfileCodec.Serialize(Profile(TestData.Window(baseline, numeric, categorical)));
        var (json, counts) = StoredProfile.Unpack(stored);
        var (path, value) = (damage.Split(" = ")[0], JsonNode.Parse(damage.Split(" = ")[1]));
        var node = json;
        var steps = path.Split('.');
        foreach (var step in steps[..^1])
        {
            node = step.EndsWith(']') ? node[step[..step.IndexOf('[')]]![int.Parse(step[(step.IndexOf('[') + 1)..^1])]! : node[step]!;
        }

        var last = steps[^1];
        if (last.EndsWith(']'))
        {
            node[last[..last.IndexOf('[')]]![int.Parse(last[(last.IndexOf('[') + 1)..^1])] = value;
        }
        else
        {
            node[last] = value;
        }

        var e = Assert.Throws<InvalidDataException>(() => HourProfileCodec.Read(StoredProfile.Pack(json, counts), baseline, "drift-profiles/m/1/x.profile.json.gz"));

        Assert.Contains("Hour profile drift-profiles/m/1/x.profile.json.gz is not usable", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_that_are_not_a_gzipped_profile_are_refused_naming_the_blob()
    {
        var (baseline, numeric, categorical) = Data(new Random(7), 100);
        var stored = HourProfileCodec.Serialize(Profile(TestData.Window(baseline, numeric, categorical)));

        var (json, counts) = StoredProfile.Unpack(stored);
        foreach (var bytes in new[]
        {
            stored[..(stored.Length / 2)], Encoding.UTF8.GetBytes("{}"), Gzip("[1, 2"), Gzip("DJHP\u0010\0\0\0{}"),
            StoredProfile.Pack(json, counts[..^1]), StoredProfile.Pack(json, [.. counts, 0]), StoredProfile.Pack(json, counts.Select(b => (byte)(b | 0x80)).ToArray()),
        })
        {
            var e = Assert.Throws<InvalidDataException>(() => HourProfileCodec.Read(bytes, baseline, "the-blob"));
            Assert.StartsWith("Hour profile the-blob is not usable", e.Message, StringComparison.Ordinal);
        }
    }

    private static byte[] Gzip(string text)
    {
        using var bytes = new MemoryStream();
        using (var gzip = new GZipStream(bytes, CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return bytes.ToArray();
    }

    [Fact]
    public void Counts_cut_short_or_followed_by_more_name_what_is_wrong()
    {
        var (baseline, numeric, categorical) = Data(new Random(10), 300);
        var (json, counts) = StoredProfile.Unpack(HourProfileCodec.Serialize(Profile(TestData.Window(baseline, numeric, categorical))));

        Assert.Contains("counts are cut short", Assert.Throws<InvalidDataException>(() => HourProfileCodec.Read(StoredProfile.Pack(json, counts[..^1]), baseline, "p")).Message, StringComparison.Ordinal);
        Assert.Contains("there are counts after the last feature's", Assert.Throws<InvalidDataException>(() => HourProfileCodec.Read(StoredProfile.Pack(json, [.. counts, 0]), baseline, "p")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_refused_profile_leaves_the_profile_it_was_read_into_empty()
    {
        var (baseline, numeric, categorical) = Data(new Random(11), 300);
        var (json, counts) = StoredProfile.Unpack(HourProfileCodec.Serialize(Profile(TestData.Window(baseline, numeric, categorical))));
        json["files_read"] = 0;
        var into = TestData.Window(baseline, numeric, categorical);

        Assert.Throws<InvalidDataException>(() => HourProfileCodec.Read(StoredProfile.Pack(json, counts), baseline, "p", into));

        Assert.Equal(0, into.Rows);
        Assert.All(into.Features.Values, f => Assert.Equal(0, f.Rows));
        Assert.Equal(0, ((NumericWindow)into.Features["x"]).BinCounts.Sum());
    }
}
