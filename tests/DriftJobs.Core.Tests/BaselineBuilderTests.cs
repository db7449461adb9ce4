using DriftJobs.Core.Profiles;

namespace DriftJobs.Core.Tests;

public class BaselineBuilderTests
{
    [Fact]
    public void Counts_missing_and_invalid_and_keeps_them_out_of_the_statistics()
    {
        var baseline = TestData.Baseline(new Dictionary<string, double[]>
        {
            ["x"] = [1, 2, double.NaN, 3, double.PositiveInfinity, 4, double.NegativeInfinity],
        });
        var x = baseline.Features.Single();
        Assert.Equal(7, x.Rows);
        Assert.Equal(1, x.Missing);
        Assert.Equal(2, x.Invalid);
        Assert.Equal(4, x.Valid);
        Assert.Equal(2.5, x.Numeric!.Mean);
        Assert.Equal(Math.Sqrt(5.0 / 3), x.Numeric.Std!.Value, 14);
        Assert.Equal(1, x.Numeric.Min);
        Assert.Equal(4, x.Numeric.Max);
        Assert.Equal(4, x.Numeric.KsReference.Count);
    }

    [Fact]
    public void Quantiles_use_linear_interpolation()
    {
        // numpy.quantile([1..10], q): p25 = 3.25, p50 = 5.5, p99 = 9.91 (q·(n−1) positions).
        var baseline = TestData.Baseline(new Dictionary<string, double[]> { ["x"] = Enumerable.Range(1, 10).Select(i => (double)i).ToArray() });
        var q = baseline.Features[0].Numeric!.Quantiles!;
        Assert.Equal(3.25, q.P25, 12);
        Assert.Equal(5.5, q.P50, 12);
        Assert.Equal(9.91, q.P99, 12);
        Assert.Equal(1.09, q.P01, 12);
    }

    [Fact]
    public void Psi_bins_are_quantile_bins_with_expected_shares()
    {
        var values = Enumerable.Range(1, 100).Select(i => (double)i).ToArray();
        var bins = TestData.Baseline(new Dictionary<string, double[]> { ["x"] = values }).Features[0].Numeric!.PsiBins;
        Assert.Equal([10, 20, 30, 40, 50, 60, 70, 80, 90], bins.Edges);
        Assert.All(bins.Expected, e => Assert.Equal(0.1, e, 12));
    }

    [Fact]
    public void Ties_collapse_edges_and_no_bin_is_empty()
    {
        // 70 % zeros, then a few values: a zero-inflated feature.
        var values = Enumerable.Repeat(0.0, 70).Concat(Enumerable.Range(1, 30).Select(i => (double)(i % 5))).ToArray();
        var bins = TestData.Baseline(new Dictionary<string, double[]> { ["x"] = values }).Features[0].Numeric!.PsiBins;
        Assert.True(bins.Edges.Count < 9);
        Assert.Equal(bins.Edges.Count + 1, bins.Expected.Count);
        Assert.All(bins.Expected, e => Assert.True(e > 0));
        Assert.Equal(1.0, bins.Expected.Sum(), 12);
        Assert.Equal(bins.Edges.Distinct().Count(), bins.Edges.Count);
    }

    [Fact]
    public void A_constant_feature_has_one_bin_and_one_reference_point()
    {
        var x = TestData.Baseline(new Dictionary<string, double[]> { ["x"] = Enumerable.Repeat(3.5, 50).ToArray() }).Features[0];
        Assert.Empty(x.Numeric!.PsiBins.Edges);
        Assert.Equal([1.0], x.Numeric.PsiBins.Expected);
        Assert.Equal([3.5], x.Numeric.KsReference.Values);
        Assert.Equal([1.0], x.Numeric.KsReference.Cumulative);
        Assert.Equal(0, x.Numeric.Std);
    }

    [Fact]
    public void A_two_valued_feature_has_two_bins()
    {
        var values = Enumerable.Range(0, 100).Select(i => i < 30 ? 0.0 : 1.0).ToArray();
        var bins = TestData.Baseline(new Dictionary<string, double[]> { ["x"] = values }).Features[0].Numeric!.PsiBins;
        Assert.Equal([0.0], bins.Edges);
        Assert.Equal(0.3, bins.Expected[0], 12);
        Assert.Equal(0.7, bins.Expected[1], 12);
    }

    [Fact]
    public void Every_value_missing_gives_an_empty_profile_without_statistics()
    {
        var x = TestData.Baseline(new Dictionary<string, double[]> { ["x"] = [double.NaN, double.NaN] }).Features[0];
        Assert.Equal(2, x.Missing);
        Assert.Null(x.Numeric!.Mean);
        Assert.Null(x.Numeric.Quantiles);
        Assert.Empty(x.Numeric.PsiBins.Expected);
        Assert.Equal(0, x.Numeric.KsReference.Count);
    }

    [Fact]
    public void Ks_reference_keeps_every_distinct_value_up_to_K_and_is_exact()
    {
        var values = Enumerable.Range(0, 5000).Select(i => (double)(i % 1234)).ToArray();
        var reference = TestData.Baseline(new Dictionary<string, double[]> { ["x"] = values }).Features[0].Numeric!.KsReference;
        Assert.True(reference.Exact);
        Assert.Equal(1234, reference.Values.Count);
        Assert.Equal(5000, reference.Count);
        Assert.Equal(1.0, reference.Cumulative[^1]);
    }

    [Fact]
    public void Ks_reference_above_K_keeps_K_order_statistics_within_one_over_K()
    {
        var random = new Random(3);
        var values = TestData.Normal(random, 20_000);
        var options = new BaselineBuildOptions { KsReferencePoints = 500 };
        var reference = TestData.Baseline(new Dictionary<string, double[]> { ["x"] = values }, options: options).Features[0].Numeric!.KsReference;
        Assert.False(reference.Exact);
        Assert.Equal(500, reference.Values.Count);
        Assert.Equal(20_000, reference.Count);
        // Each kept point's share is the true ECDF there, and consecutive points are at most about 1/K apart.
        var sorted = values.Order().ToArray();
        for (var i = 0; i < reference.Values.Count; i++)
        {
            var trueShare = (double)sorted.Count(v => v <= reference.Values[i]) / sorted.Length;
            Assert.Equal(trueShare, reference.Cumulative[i], 12);
            var previous = i == 0 ? 0 : reference.Cumulative[i - 1];
            Assert.True(reference.Cumulative[i] - previous <= (1.0 / 500) + 1e-12);
        }
    }

    [Fact]
    public void Above_the_sample_size_a_deterministic_uniform_sample_is_kept()
    {
        var options = new BaselineBuildOptions { SampleSize = 10_000, KsReferencePoints = 1000 };
        var values = Enumerable.Range(0, 200_000).Select(i => (double)i).ToArray();
        var first = TestData.Baseline(new Dictionary<string, double[]> { ["x"] = values }, options: options).Features[0].Numeric!;
        var second = TestData.Baseline(new Dictionary<string, double[]> { ["x"] = values }, options: options).Features[0].Numeric!;
        Assert.Equal(first.KsReference.Values, second.KsReference.Values);
        Assert.False(first.KsReference.Exact);
        Assert.Equal(200_000, first.KsReference.Count);
        // Exact moments and range; sampled quantiles close to the truth (median 99,999.5; a 10,000 sample's
        // median has a standard error of about 0.005 in rank, i.e. ~1,000 here).
        Assert.Equal(99_999.5, first.Mean!.Value, 6);
        Assert.Equal(0, first.Min);
        Assert.Equal(199_999, first.Max);
        Assert.InRange(first.Quantiles!.P50, 96_000, 104_000);
        Assert.InRange(first.Quantiles.P95, 186_000, 194_000);
    }

    [Fact]
    public void Batches_in_any_split_give_the_same_baseline()
    {
        var random = new Random(11);
        var values = TestData.Normal(random, 3000);
        var options = new BaselineBuildOptions { SampleSize = 1000, KsReferencePoints = 500 };
        var whole = new BaselineBuilder(options);
        whole.AddNumeric("x", values);
        var split = new BaselineBuilder(options);
        for (var offset = 0; offset < values.Length;)
        {
            var size = Math.Min(random.Next(1, 400), values.Length - offset);
            split.AddNumeric("x", values.AsSpan(offset, size));
            offset += size;
        }

        Assert.Equal(
            Serialization.DriftJson.Serialize(whole.Build("m", "1", "s", TestData.Created)),
            Serialization.DriftJson.Serialize(split.Build("m", "1", "s", TestData.Created)));
    }

    [Fact]
    public void Missing_and_invalid_values_anywhere_in_a_batch_give_the_same_baseline_as_one_value_at_a_time()
    {
        var random = new Random(12);
        var values = TestData.Normal(random, 30_000, mean: 1e6, std: 3);
        for (var i = 0; i < values.Length; i += random.Next(1, 40))
        {
            values[i] = random.Next(3) switch { 0 => double.PositiveInfinity, 1 => double.NegativeInfinity, _ => double.NaN };
        }

        values[0] = double.NaN;
        values[^1] = double.PositiveInfinity;
        var options = new BaselineBuildOptions { SampleSize = 10_000, KsReferencePoints = 500 };
        var whole = new BaselineBuilder(options);
        whole.AddNumeric("x", values);
        var single = new BaselineBuilder(options);
        foreach (var value in values)
        {
            single.AddNumeric("x", [value]);
        }

        Assert.Equal(
            Serialization.DriftJson.Serialize(single.Build("m", "1", "s", TestData.Created)),
            Serialization.DriftJson.Serialize(whole.Build("m", "1", "s", TestData.Created)));
    }

    [Fact]
    public void Declared_features_keep_the_declared_order_and_are_filled_from_threads_in_parallel()
    {
        var random = new Random(13);
        var columns = Enumerable.Range(0, 8).Select(i => TestData.Normal(random, 50_000, mean: i)).ToArray();
        var options = new BaselineBuildOptions { SampleSize = 20_000, KsReferencePoints = 1000 };
        var sequential = new BaselineBuilder(options);
        var parallel = new BaselineBuilder(options);
        foreach (var i in new[] { 7, 0, 3, 1, 2, 6, 5, 4 })
        {
            parallel.Declare($"f{i}", FeatureKind.Numeric);
            sequential.Declare($"f{i}", FeatureKind.Numeric);
        }

        for (var offset = 0; offset < 50_000; offset += 5_000)
        {
            for (var i = 0; i < columns.Length; i++)
            {
                sequential.AddNumeric($"f{i}", columns[i].AsSpan(offset, 5_000));
            }
        }

        Parallel.For(0, columns.Length, i =>
        {
            for (var offset = 0; offset < 50_000; offset += 5_000)
            {
                parallel.AddNumeric($"f{i}", columns[i].AsSpan(offset, 5_000));
            }
        });

        var built = parallel.Build("m", "1", "s", TestData.Created);
        Assert.Equal(["f7", "f0", "f3", "f1", "f2", "f6", "f5", "f4"], built.Features.Select(f => f.Name));
        Assert.Equal(
            Serialization.DriftJson.Serialize(sequential.Build("m", "1", "s", TestData.Created)),
            Serialization.DriftJson.Serialize(built));
    }

    [Fact]
    public void Categorical_keeps_the_top_categories_and_an_other_bucket()
    {
        var values = new List<string?>();
        for (var c = 0; c < 150; c++)
        {
            values.AddRange(Enumerable.Repeat($"c{c:000}", 200 - c));
        }

        values.Add(null);
        var feature = TestData.Baseline(new Dictionary<string, double[]>(), new Dictionary<string, string?[]> { ["cat"] = [.. values] }).Features[0];
        var profile = feature.Categorical!;
        Assert.Equal(1, feature.Missing);
        Assert.Equal(150, profile.Distinct);
        Assert.Equal(100, profile.Categories.Count);
        Assert.Equal("c000", profile.Categories[0].Value);
        Assert.Equal(200, profile.Categories[0].Count);
        var valid = values.Count - 1;
        var otherCount = Enumerable.Range(100, 50).Sum(c => 200 - c);
        Assert.Equal((double)otherCount / valid, profile.OtherShare, 12);
        Assert.Equal(1.0, profile.Categories.Sum(c => c.Share) + profile.OtherShare, 12);
        Assert.Equal(50, profile.OtherValues.Count);
    }

    [Fact]
    public void Target_column_is_profiled_with_the_target_role()
    {
        var builder = new BaselineBuilder(new BaselineBuildOptions { TargetColumn = "label" });
        builder.AddNumeric("x", [1, 2]);
        builder.AddCategorical("label", ["a", "b"]);
        var baseline = builder.Build("m", "1", "s", TestData.Created);
        Assert.Equal(FeatureRole.Target, baseline.Target!.Role);
        Assert.Equal("label", baseline.Target.Name);
        Assert.Equal(["x"], baseline.MonitoredFeatures.Select(f => f.Name));
    }

    [Fact]
    public void A_feature_read_with_two_types_is_an_error_naming_it()
    {
        var builder = new BaselineBuilder(new BaselineBuildOptions());
        builder.AddNumeric("age", [1]);
        var error = Assert.Throws<InvalidDataException>(() => builder.AddCategorical("age", ["x"]));
        Assert.Contains("'age'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(101)]
    public void Bad_bin_count_is_rejected_naming_the_setting(int bins)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new BaselineBuilder(new BaselineBuildOptions { PsiBins = bins }));
        Assert.Contains("DRIFT_PSI_BINS", error.Message, StringComparison.Ordinal);
    }
}
