using DriftJobs.Core.Profiles;

namespace DriftJobs.Core.Tests;

/// <summary>
/// The window's lookup grid must count exactly what two binary searches count (PSI edges and KS points, as the
/// engine did before the grid), whatever the baseline and the values: ties, values equal to boundaries and their
/// neighbours, ±0.0, subnormals, ±1e308, ±∞, NaN, heavy tails, ranges too wide for a double.
/// </summary>
public sealed class NumericBoundariesTests
{
    private static readonly double[] Extremes =
    [
        0.0, -0.0, double.Epsilon, -double.Epsilon, 2.2250738585072014e-308, -2.2250738585072014e-308, 1e-300, -1e-300,
        1e308, -1e308, double.MaxValue, double.MinValue, 1, -1, 0.1, 1e15, 1e16 + 1,
    ];

    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        for (var seed = 0; seed < 60; seed++)
        {
            data.Add(seed);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Grid_counts_equal_binary_search_counts_on_adversarial_data(int seed)
    {
        var random = new Random(seed);
        var points = Boundaries(random, random.Next(6) switch
        {
            0 => random.Next(0, 4),
            1 => random.Next(4, 60),
            _ => random.Next(60, 10_001),
        });
        var edges = Boundaries(random, random.Next(0, 12));
        double? min = null, max = null;
        if (points.Length + edges.Length > 0 && random.Next(5) > 0)
        {
            var all = points.Concat(edges).ToArray();
            min = random.Next(3) == 0 ? all.Min() : Math.Min(all.Min(), Pick(random));
            max = random.Next(3) == 0 ? all.Max() : Math.Max(all.Max(), Pick(random));
        }

        var window = new WindowProfile(Baseline(points, edges, min, max));
        var values = Values(random, points.Concat(edges).Concat(min is { } a ? [a, max!.Value] : []).ToArray());
        // Fed in uneven batches, the way row groups arrive.
        var fed = 0;
        while (fed < values.Length)
        {
            var take = Math.Min(values.Length - fed, random.Next(1, 700));
            window.AddNumeric("x", values.AsSpan(fed, take));
            fed += take;
        }

        var expected = Reference(points, edges, min, max, values);
        var actual = (NumericWindow)window.Features["x"];
        Assert.Equal(expected.Bins, actual.BinCounts);
        Assert.Equal(expected.Gaps, actual.GapCounts);
        Assert.Equal(expected.Equal, actual.EqualCounts);
        Assert.Equal(expected.OutOfRange, actual.OutOfRange);
        Assert.Equal(expected.Missing, actual.Missing);
        Assert.Equal(expected.Invalid, actual.Invalid);
        Assert.Equal(expected.Min, actual.Min);
        Assert.Equal(expected.Max, actual.Max);
        Assert.Equal(values.Length, actual.Rows);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(500)]
    public void Counts_spilled_from_the_32_bit_slots_equal_counts_kept_in_them(int spillAfter)
    {
        var random = new Random(spillAfter);
        var points = Boundaries(random, 300);
        var edges = Boundaries(random, 9);
        var feature = Baseline(points, edges, points.Min(), points.Max()).Features[0];
        var values = Values(random, points);
        var kept = new NumericWindow(feature);
        var spilled = new NumericWindow(feature, spillAfter);
        var other = new NumericWindow(feature, spillAfter);
        var fed = 0;
        while (fed < values.Length)
        {
            var take = Math.Min(values.Length - fed, random.Next(1, 40));
            kept.Add(values.AsSpan(fed, take));
            // Every third batch goes through another window merged in later, some counts read in between: the totals
            // must include what is still in 32 bits at every read and merge.
            (fed % 3 == 0 ? other : spilled).Add(values.AsSpan(fed, take));
            if (random.Next(10) == 0)
            {
                Assert.Equal(spilled.BinCounts.Sum() + other.BinCounts.Sum(), kept.BinCounts.Sum());
            }

            fed += take;
        }

        spilled.Merge(other, emptyOther: true);
        Assert.Equal(kept.BinCounts, spilled.BinCounts);
        Assert.Equal(kept.GapCounts, spilled.GapCounts);
        Assert.Equal(kept.EqualCounts, spilled.EqualCounts);
        Assert.Equal(kept.OutOfRange, spilled.OutOfRange);
        Assert.Equal(kept.Missing, spilled.Missing);
        Assert.Equal(values.Length, spilled.Rows);
        Assert.All(other.GapCounts, count => Assert.Equal(0, count));

        spilled.Add(values);
        Assert.Equal(kept.GapCounts.Select(c => 2 * c), spilled.GapCounts);
    }

    [Theory]
    [InlineData("uniform", false)]
    [InlineData("heavy tail", true)]
    [InlineData("one decade per point", true)]
    [InlineData("evenly spaced", false)]
    public void The_grid_keeps_the_cell_function_that_spreads_the_boundaries_more_evenly(string shape, bool log)
    {
        var random = new Random(7);
        var points = shape switch
        {
            "uniform" => Boundaries(() => random.NextDouble() * 100, 10_000),
            "heavy tail" => Boundaries(() => Math.Exp(TestData.Normal(random, 1, 0, 6)[0]), 10_000),
            "one decade per point" => [.. Enumerable.Range(-50, 100).Select(e => Math.Pow(10, e))],
            _ => [.. Enumerable.Range(0, 5_000).Select(i => i * 0.5)],
        };
        var profile = Baseline(points, [], null, null).Features[0].Numeric!;

        Assert.Equal(log, NumericBoundaries.For("x", profile).UsesLogCells);

        static double[] Boundaries(Func<double> draw, int count)
        {
            var set = new SortedSet<double>();
            while (set.Count < count)
            {
                set.Add(draw());
            }

            return [.. set];
        }
    }

    [Fact]
    public void Negative_zero_is_the_same_boundary_and_the_same_value_as_zero()
    {
        var window = new WindowProfile(Baseline([-1, -0.0, 2], [0.0], -1, 2));
        window.AddNumeric("x", [0.0, -0.0, -1e-320, 1e-320]);
        var w = (NumericWindow)window.Features["x"];
        Assert.Equal([0, 1, 1, 0], w.GapCounts);
        Assert.Equal([0, 2, 0], w.EqualCounts);
        Assert.Equal([3, 1], w.BinCounts);
    }

    [Fact]
    public void A_baseline_whose_points_are_not_increasing_is_rejected_naming_the_feature()
    {
        var e = Assert.Throws<InvalidDataException>(() => new WindowProfile(Baseline([1, 1, 2], [], 1, 2)));
        Assert.Contains("'x'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Absorb_adds_like_merge_and_leaves_the_other_empty_for_reuse()
    {
        var random = new Random(3);
        var baseline = TestData.Baseline(
            new Dictionary<string, double[]> { ["x"] = TestData.Normal(random, 3000) },
            new Dictionary<string, string?[]> { ["c"] = Enumerable.Range(0, 3000).Select(_ => "k" + random.Next(5)).ToArray() });
        var parts = Enumerable.Range(0, 3).Select(_ => TestData.Window(baseline,
            new Dictionary<string, double[]> { ["x"] = TestData.Normal(random, 500, 0.3).Append(double.NaN).Append(double.PositiveInfinity).ToArray() },
            new Dictionary<string, string?[]> { ["c"] = Enumerable.Range(0, 502).Select(i => i % 9 == 0 ? null : "k" + random.Next(8)).ToArray() })).ToList();

        var merged = new WindowProfile(baseline);
        var absorbed = new WindowProfile(baseline);
        var reused = new WindowProfile(baseline);
        foreach (var part in parts)
        {
            merged.Merge(part);
            // Refill one reused partial with the part's data, then absorb it.
            reused.Merge(part);
            absorbed.Absorb(reused);
            Assert.Equal(WindowProfileTests.Report(new WindowProfile(baseline)), WindowProfileTests.Report(reused));
        }

        Assert.Equal(WindowProfileTests.Report(merged), WindowProfileTests.Report(absorbed));

        merged.Clear();
        Assert.Equal(WindowProfileTests.Report(new WindowProfile(baseline)), WindowProfileTests.Report(merged));
    }

    private static BaselineProfile Baseline(double[] points, double[] edges, double? min, double? max) => new()
    {
        SchemaVersion = BaselineProfile.CurrentSchemaVersion,
        ModelName = "m",
        ModelVersion = "1",
        CreatedAt = TestData.Created,
        Source = new BaselineSource { Description = "test", Rows = 1 },
        Settings = new ProfileParameters { PsiBins = edges.Length + 1, KsReferencePoints = Math.Max(points.Length, 1), MaxCategories = 10, SampleSize = 10 },
        Features =
        [
            new FeatureProfile
            {
                Name = "x",
                Kind = FeatureKind.Numeric,
                Role = FeatureRole.Feature,
                Rows = 1,
                Missing = 0,
                Invalid = 0,
                Numeric = new NumericProfile
                {
                    Mean = null,
                    Std = null,
                    Min = min,
                    Max = max,
                    Quantiles = null,
                    PsiBins = new PsiBins { Edges = edges, Expected = edges.Length == 0 ? [] : [.. Enumerable.Repeat(1.0 / (edges.Length + 1), edges.Length + 1)] },
                    KsReference = new KsReference
                    {
                        Values = points,
                        Cumulative = [.. points.Select((_, i) => (i + 1.0) / points.Length)],
                        Count = points.Length,
                        Exact = false,
                    },
                },
            },
        ],
    };

    /// <summary>Strictly increasing finite boundaries from one of several shapes, extremes mixed in.</summary>
    private static double[] Boundaries(Random random, int count)
    {
        var shape = random.Next(6);
        var set = new SortedSet<double>();
        var attempts = 0;
        while (set.Count < count && attempts++ < count * 20)
        {
            var v = shape switch
            {
                0 => random.NextDouble() * 100,
                1 => Math.Exp(TestData.Normal(random, 1, 0, 6)[0]),              // heavy tail over many decades
                2 => random.Next(-20, 20),                                         // integers: ties in the values
                3 => random.Next(4) == 0 ? Pick(random) : random.NextDouble(),    // extremes among ordinary values
                4 => (random.NextDouble() - 0.5) * 1e-310,                         // subnormals around zero
                _ => TestData.Normal(random, 1, 1e6, 1e-3)[0],                    // narrow range far from zero
            };
            // A set keeps one of 0.0 and -0.0 (they compare equal); either spelling may be the boundary.
            set.Add(v == 0 && random.Next(2) == 0 ? -0.0 : v);
        }

        return [.. set];
    }

    private static double Pick(Random random) => Extremes[random.Next(Extremes.Length)];

    /// <summary>Every boundary, its neighbours, extremes, non-finite values, and random values over the range.</summary>
    private static double[] Values(Random random, double[] boundaries)
    {
        var values = new List<double>();
        foreach (var b in boundaries)
        {
            values.AddRange([b, b, Math.BitDecrement(b), Math.BitIncrement(b)]);
            if (b == 0)
            {
                values.AddRange([0.0, -0.0]);
            }
        }

        values.AddRange(Extremes);
        values.AddRange([double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.NaN]);
        var finite = boundaries.Length > 0 ? boundaries : [0.0, 1.0];
        for (var i = 0; i < 3000; i++)
        {
            var a = finite[random.Next(finite.Length)];
            var b = finite[random.Next(finite.Length)];
            var t = random.NextDouble();
            var v = random.Next(10) == 0 ? a : a + ((b - a) * t);
            values.Add(double.IsFinite(v) ? v : a);
        }

        return [.. values.OrderBy(_ => random.Next())];
    }

    private sealed record Expected(long[] Bins, long[] Gaps, long[] Equal, long OutOfRange, long Missing, long Invalid, double Min, double Max);

    /// <summary>The engine's counting before the grid: two binary searches per value.</summary>
    private static Expected Reference(double[] points, double[] edges, double? min, double? max, double[] values)
    {
        var bins = new long[edges.Length + 1];
        var gaps = new long[points.Length + 1];
        var equals = new long[points.Length];
        long outOfRange = 0, missing = 0, invalid = 0;
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        var baselineMin = min ?? double.PositiveInfinity;
        var baselineMax = max ?? double.NegativeInfinity;
        foreach (var x in values)
        {
            if (double.IsNaN(x))
            {
                missing++;
                continue;
            }

            if (double.IsInfinity(x))
            {
                invalid++;
                continue;
            }

            bins[LowerBound(edges, x)]++;
            var j = LowerBound(points, x);
            if (j < points.Length && points[j] == x)
            {
                equals[j]++;
            }
            else
            {
                gaps[j]++;
            }

            if (x < baselineMin || x > baselineMax)
            {
                outOfRange++;
            }

            if (x < lo)
            {
                lo = x;
            }

            if (x > hi)
            {
                hi = x;
            }
        }

        return new Expected(bins, gaps, equals, outOfRange, missing, invalid, lo, hi);
    }

    private static int LowerBound(double[] sorted, double x)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] < x)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
