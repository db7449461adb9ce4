using DriftJobs.Core.Profiles;
using DriftJobs.Core.Reports;
using DriftJobs.Core.Serialization;

namespace DriftJobs.Core.Tests;

public class WindowProfileTests
{
    private static readonly ReportWindow Range = new()
    {
        Start = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero),
        End = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero),
        Hours = 24,
    };

    [Theory]
    [InlineData(1, 1, 1000)]
    [InlineData(50, 70, 1000)]
    [InlineData(500, 200, 1000)]
    [InlineData(3000, 2000, 30)]      // heavy ties
    [InlineData(2000, 5000, 1_000_000)]
    public void Ks_statistic_from_counts_equals_the_statistic_from_both_samples(int m, int n, int distinct)
    {
        var random = new Random(m + n);
        var training = Enumerable.Range(0, m).Select(_ => (double)random.Next(distinct)).ToArray();
        var current = Enumerable.Range(0, n).Select(_ => (double)random.Next(distinct) + random.Next(3) - 1).ToArray();
        var baseline = TestData.Baseline(new Dictionary<string, double[]> { ["x"] = training });
        Assert.True(baseline.Features[0].Numeric!.KsReference.Exact);
        var window = TestData.Window(baseline, new Dictionary<string, double[]> { ["x"] = current });

        var d = DriftAnalyzer.KsStatistic(baseline.Features[0].Numeric!.KsReference, (NumericWindow)window.Features["x"]);

        Assert.Equal(TestData.KsStatisticBySorting(training, current), d, 12);
    }

    [Fact]
    public void Merging_partial_windows_in_any_order_equals_one_pass_exactly()
    {
        var random = new Random(5);
        var (baseline, numeric, categorical) = MixedData(random, 4000);
        var onePass = Report(TestData.Window(baseline, numeric, categorical));

        for (var trial = 0; trial < 20; trial++)
        {
            var parts = SplitIntoParts(baseline, numeric, categorical, random);
            var order = parts.OrderBy(_ => random.Next()).ToList();
            var merged = new WindowProfile(baseline);
            foreach (var part in order)
            {
                merged.Merge(part);
            }

            Assert.Equal(onePass, Report(merged));
        }
    }

    [Fact]
    public void Merge_is_associative()
    {
        var random = new Random(9);
        var (baseline, numeric, categorical) = MixedData(random, 3000);
        var parts = SplitIntoParts(baseline, numeric, categorical, random, count: 3);

        var left = new WindowProfile(baseline);
        var ab = new WindowProfile(baseline);
        ab.Merge(parts[0]);
        ab.Merge(parts[1]);
        left.Merge(ab);
        left.Merge(parts[2]);

        var bc = new WindowProfile(baseline);
        bc.Merge(parts[1]);
        bc.Merge(parts[2]);
        var right = new WindowProfile(baseline);
        right.Merge(parts[0]);
        right.Merge(bc);

        Assert.Equal(Report(left), Report(right));
    }

    [Fact]
    public void Windows_of_another_baseline_do_not_merge()
    {
        var a = TestData.Baseline(new Dictionary<string, double[]> { ["x"] = [1, 2, 3] });
        var b = TestData.Baseline(new Dictionary<string, double[]> { ["x"] = [1, 2, 3] });
        Assert.Throws<InvalidOperationException>(() => new WindowProfile(a).Merge(new WindowProfile(b)));
    }

    [Fact]
    public void Memory_does_not_grow_with_rows()
    {
        var random = new Random(1);
        var baseline = TestData.Baseline(new Dictionary<string, double[]> { ["x"] = TestData.Normal(random, 50_000) },
            options: new BaselineBuildOptions { KsReferencePoints = 1000, SampleSize = 50_000 });
        var window = new WindowProfile(baseline);
        var batch = TestData.Normal(random, 100_000);
        window.AddNumeric("x", batch);
        GC.Collect();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 20; i++)
        {
            window.AddNumeric("x", batch);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 64 * 1024, $"Feeding 2M values allocated {allocated} bytes.");
        var w = (NumericWindow)window.Features["x"];
        Assert.Equal(1001, w.GapCounts.Length);
        Assert.Equal(2_100_000, w.Valid);
    }

    internal static byte[] Report(WindowProfile window) =>
        DriftJson.Serialize(DriftAnalyzer.Analyze(window, Range, new DriftThresholds()));

    private static (BaselineProfile, Dictionary<string, double[]>, Dictionary<string, string?[]>) MixedData(Random random, int n)
    {
        var baseline = TestData.Baseline(
            new Dictionary<string, double[]> { ["x"] = TestData.Normal(random, n), ["y"] = Enumerable.Range(0, n).Select(_ => (double)random.Next(20)).ToArray() },
            new Dictionary<string, string?[]> { ["c"] = Enumerable.Range(0, n).Select(_ => "k" + random.Next(8)).ToArray() });
        var numeric = new Dictionary<string, double[]>
        {
            ["x"] = TestData.Normal(random, n, 0.2).Select((v, i) => i % 97 == 0 ? double.NaN : v).ToArray(),
            ["y"] = Enumerable.Range(0, n).Select(_ => (double)random.Next(25)).ToArray(),
        };
        var categorical = new Dictionary<string, string?[]>
        {
            ["c"] = Enumerable.Range(0, n).Select(i => i % 50 == 0 ? null : "k" + random.Next(10)).ToArray(),
        };
        return (baseline, numeric, categorical);
    }

    private static List<WindowProfile> SplitIntoParts(BaselineProfile baseline, Dictionary<string, double[]> numeric, Dictionary<string, string?[]> categorical, Random random, int count = 0)
    {
        var n = numeric["x"].Length;
        var cuts = Enumerable.Range(0, count > 0 ? count - 1 : random.Next(1, 8)).Select(_ => random.Next(1, n)).Append(0).Append(n).Distinct().Order().ToArray();
        var parts = new List<WindowProfile>();
        for (var i = 0; i + 1 < cuts.Length; i++)
        {
            var (start, length) = (cuts[i], cuts[i + 1] - cuts[i]);
            var part = new WindowProfile(baseline);
            foreach (var (name, values) in numeric)
            {
                part.AddNumeric(name, values.AsSpan(start, length));
            }

            foreach (var (name, values) in categorical)
            {
                part.AddCategorical(name, values.AsSpan(start, length));
            }

            part.AddRows(length);
            parts.Add(part);
        }

        return parts;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Categorical_counts_do_not_depend_on_whether_equal_values_share_one_string(bool shared)
    {
        // Training: a, b, c frequent; r1..r5 rare (the "other" bucket, remembered by name).
        var training = Enumerable.Repeat("a", 400).Concat(Enumerable.Repeat("b", 300)).Concat(Enumerable.Repeat("c", 200))
            .Concat(Enumerable.Range(1, 5).Select(i => $"r{i}")).Select(v => (string?)v).ToArray();
        var baseline = TestData.Baseline([], new() { ["cat"] = training }, new BaselineBuildOptions { MaxCategories = 3 });

        // More distinct values than the window caches by reference, each row its own string unless shared.
        var random = new Random(5);
        var pool = new Dictionary<string, string>(StringComparer.Ordinal);
        var values = Enumerable.Range(0, 30_000).Select(i =>
        {
            var text = (i % 10) switch
            {
                0 or 1 or 2 => "a",
                3 or 4 => "b",
                5 => "c",
                6 => $"r{random.Next(1, 6)}",
                7 => null,
                _ => $"new-{random.Next(0, 6_000)}",
            };
            if (text is null)
            {
                return null;
            }

            var copy = new string(text.AsSpan());
            return shared ? pool.TryGetValue(text, out var existing) ? existing : pool[text] = copy : copy;
        }).ToArray();

        var window = new WindowProfile(baseline);
        foreach (var chunk in values.Chunk(1_000))
        {
            window.AddCategorical("cat", chunk);
        }

        var w = (CategoricalWindow)window.Features["cat"];
        var categories = baseline.Features[0].Categorical!.Categories.Select(c => c.Value).ToList();
        Assert.Equal(categories.Select(c => (long)values.Count(v => v == c)), w.CategoryCounts);
        Assert.Equal(values.Count(v => v is null), w.Missing);
        Assert.Equal(values.Count(v => v is not null && !categories.Contains(v)), w.OtherCount);
        var unseen = values.Where(v => v is not null && v.StartsWith("new-", StringComparison.Ordinal)).GroupBy(v => v!).ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(unseen.Values.Sum(), w.UnseenCount);
        Assert.Equal(unseen.OrderBy(u => u.Key, StringComparer.Ordinal), w.Unseen.OrderBy(u => u.Key, StringComparer.Ordinal));
    }
}
