using DriftJobs.Core.Profiles;
using DriftJobs.Core.Reports;
using DriftJobs.Core.Statistics;

namespace DriftJobs.Core.Tests;

public class DriftAnalyzerTests
{
    private static readonly ReportWindow Range = new()
    {
        Start = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero),
        End = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero),
        Hours = 24,
    };

    private static DriftReport Analyze(BaselineProfile baseline, Dictionary<string, double[]> numeric, Dictionary<string, string?[]>? categorical = null, DriftThresholds? settings = null) =>
        DriftAnalyzer.Analyze(TestData.Window(baseline, numeric, categorical), Range, settings ?? new DriftThresholds());

    [Fact]
    public void Identical_data_gives_zero_psi_zero_d_and_no_drift()
    {
        var random = new Random(2);
        var x = TestData.Normal(random, 2000);
        var c = Enumerable.Range(0, 2000).Select(i => "v" + (i % 7)).ToArray<string?>();
        var baseline = TestData.Baseline(new() { ["x"] = x }, new() { ["c"] = c });

        var report = Analyze(baseline, new() { ["x"] = x }, new() { ["c"] = c });

        Assert.Equal(ReportStatus.Ok, report.Status);
        Assert.False(report.DriftDetected);
        Assert.Equal(0, report.DriftScore);
        foreach (var f in report.Features)
        {
            Assert.Equal(0, f.Psi!.Value, 15);
            Assert.Equal(0, f.JsDistance!.Value, 7);
            Assert.Equal(DriftSeverity.None, f.Severity);
        }

        Assert.Equal(0, report.Features[0].Ks!.Statistic);
        Assert.Equal(1, report.Features[0].Ks!.PValue, 12);
        Assert.Equal(0, report.Features[0].WassersteinNormed!.Value, 12);
        Assert.Equal(0, report.Features[1].ChiSquare!.Statistic, 9);
        Assert.Empty(report.Alerts);
    }

    [Fact]
    public void A_mean_shift_is_detected_by_psi_and_ks()
    {
        var random = new Random(4);
        var baseline = TestData.Baseline(new() { ["x"] = TestData.Normal(random, 5000), ["steady"] = TestData.Normal(random, 5000) });

        var report = Analyze(baseline, new() { ["x"] = TestData.Normal(random, 2000, mean: 1.0), ["steady"] = TestData.Normal(random, 2000) });

        var x = report.Features.Single(f => f.Name == "x");
        Assert.True(x.Drifted);
        Assert.Equal(DriftSeverity.Significant, x.Severity);
        Assert.Contains("psi", x.Reasons);
        Assert.Contains("ks", x.Reasons);
        Assert.True(x.Ks!.Statistic > 0.3);
        // W1 of a one-σ shift of a normal is σ: normed ≈ 1.
        Assert.InRange(x.WassersteinNormed!.Value, 0.85, 1.15);
        Assert.False(report.Features.Single(f => f.Name == "steady").Drifted);
        Assert.Equal(["x"], report.DriftedFeatures);
        Assert.Equal(0.5, report.DriftScore);
        Assert.Contains(report.Alerts, a => a is { Severity: AlertSeverity.Critical, Code: AlertCodes.DriftCritical });
        Assert.Contains(report.Alerts, a => a is { Severity: AlertSeverity.Warning, Code: AlertCodes.FeatureDrift, Feature: "x" });
    }

    [Fact]
    public void Wasserstein_of_a_few_valued_feature_is_exact_after_features_with_many_points()
    {
        // A feature of five values keeps every one as a KS reference point, so the grid W1 is the exact W1:
        // Σ |F_training(i) − F_window(i)| over the unit steps = |.2−.1| + |.4−.2| + |.6−.3| + |.8−.6| = 0.8.
        // The continuous features before it (thousands of points each) leave their values in the pooled scratch
        // arrays the analysis reuses: anything of theirs read past this feature's own five points changes the result.
        var random = new Random(8);
        var numeric = Enumerable.Range(0, 6).ToDictionary(i => "wide" + i, _ => TestData.Normal(random, 20_000));
        numeric["steps"] = Enumerable.Range(0, 5000).Select(i => (double)(i % 5)).ToArray();
        var baseline = TestData.Baseline(numeric);
        var steps = baseline.Features.Single(f => f.Name == "steps").Numeric!;
        Assert.True(steps.KsReference.Exact);
        Assert.Equal([0.0, 1, 2, 3, 4], steps.KsReference.Values);

        double[] window = [.. Enumerable.Repeat(0.0, 100), .. Enumerable.Repeat(1.0, 100), .. Enumerable.Repeat(2.0, 100), .. Enumerable.Repeat(3.0, 300), .. Enumerable.Repeat(4.0, 400)];
        var windows = numeric.Keys.Where(k => k != "steps").ToDictionary(k => k, _ => TestData.Normal(random, 3000));
        windows["steps"] = window;

        for (var run = 0; run < 3; run++)
        {
            var w1 = Analyze(baseline, windows).Features.Single(f => f.Name == "steps").WassersteinNormed!.Value * steps.Std!.Value;
            Assert.Equal(0.8, w1, 12);
        }
    }

    [Fact]
    public void A_trivial_shift_in_a_huge_window_is_significant_but_not_drift()
    {
        // 0.02σ on 200k rows: KS rejects with a tiny p, but D is far below DRIFT_KS_MIN_STATISTIC.
        var random = new Random(8);
        var baseline = TestData.Baseline(new() { ["x"] = TestData.Normal(random, 200_000) });
        var report = Analyze(baseline, new() { ["x"] = TestData.Normal(random, 200_000, mean: 0.03) });
        var x = report.Features[0];
        Assert.True(x.Ks!.PValueAdjusted < 0.05);
        Assert.True(x.Ks.Statistic < 0.05);
        Assert.False(x.Drifted);
    }

    [Fact]
    public void Category_mix_change_is_detected_by_chi_square_and_psi()
    {
        var random = new Random(6);
        string? Pick(double[] weights)
        {
            var u = random.NextDouble();
            for (var i = 0; i < weights.Length; i++)
            {
                if ((u -= weights[i]) < 0)
                {
                    return "k" + i;
                }
            }

            return "k" + (weights.Length - 1);
        }

        var baseline = TestData.Baseline(new(), new() { ["c"] = Enumerable.Range(0, 5000).Select(_ => Pick([0.5, 0.3, 0.2])).ToArray() });
        var report = Analyze(baseline, new(), new() { ["c"] = Enumerable.Range(0, 3000).Select(_ => Pick([0.2, 0.3, 0.5])).ToArray() });

        var c = report.Features[0];
        Assert.True(c.Drifted);
        Assert.Contains("chi_square", c.Reasons);
        Assert.Contains("psi", c.Reasons);
        Assert.InRange(c.ChiSquare!.Linf, 0.25, 0.35);
        Assert.Equal(2, c.ChiSquare.DegreesOfFreedom);
        Assert.True(c.ChiSquare.PValue < 1e-10);
    }

    [Fact]
    public void A_category_never_seen_in_training_lands_in_other_and_is_reported()
    {
        var baseline = TestData.Baseline(new(), new() { ["c"] = Enumerable.Range(0, 1000).Select(i => i % 2 == 0 ? "a" : "b").ToArray<string?>() });
        var current = Enumerable.Range(0, 1000).Select(i => i % 10 == 0 ? "brand-new" : i % 2 == 0 ? "a" : "b").ToArray<string?>();

        var c = Analyze(baseline, new(), new() { ["c"] = current }).Features[0];

        Assert.Equal(["a", "b", "__other__"], c.Distribution.Labels);
        Assert.Equal(0.1, c.Distribution.Actual[2], 12);
        Assert.Equal(0.1, c.Unseen!.Share, 12);
        Assert.Equal("brand-new", c.Unseen.Top.Single().Value);
        Assert.True(double.IsFinite(c.ChiSquare!.Statistic));
        Assert.True(c.Drifted);
    }

    [Fact]
    public void Rare_training_categories_are_not_reported_as_unseen()
    {
        var training = Enumerable.Range(0, 1000).Select(i => i < 990 ? "k" + (i % 3) : "rare" + (i % 10)).ToArray<string?>();
        var baseline = TestData.Baseline(new(), new() { ["c"] = training }, new BaselineBuildOptions { MaxCategories = 3 });
        var c = Analyze(baseline, new(), new() { ["c"] = training }).Features[0];
        Assert.Equal(0, c.Unseen!.Count);
        Assert.False(c.Drifted);
    }

    [Fact]
    public void Below_min_samples_the_report_gives_no_verdict_and_an_info_alert()
    {
        var random = new Random(1);
        var baseline = TestData.Baseline(new() { ["x"] = TestData.Normal(random, 1000) });

        var report = Analyze(baseline, new() { ["x"] = TestData.Normal(random, 50, mean: 5) });

        Assert.Equal(ReportStatus.InsufficientData, report.Status);
        Assert.False(report.DriftDetected);
        Assert.Null(report.DriftScore);
        Assert.False(report.Features[0].Judged);
        Assert.True(report.Features[0].Psi > 1, "statistics are still shown");
        Assert.Contains(report.Alerts, a => a is { Severity: AlertSeverity.Info, Code: AlertCodes.InsufficientData });
    }

    [Fact]
    public void An_empty_window_has_no_statistics_and_no_verdict()
    {
        var baseline = TestData.Baseline(new() { ["x"] = [1, 2, 3] }, new() { ["c"] = ["a", "b", null] });
        var report = DriftAnalyzer.Analyze(new WindowProfile(baseline), Range, new DriftThresholds());
        Assert.Equal(0, report.Samples);
        Assert.Equal(ReportStatus.InsufficientData, report.Status);
        Assert.All(report.Features, f =>
        {
            Assert.Null(f.Psi);
            Assert.False(f.Drifted);
        });
    }

    [Fact]
    public void A_window_with_one_row_is_measured_but_not_judged()
    {
        var baseline = TestData.Baseline(new() { ["x"] = [1, 2, 3, 4] });
        var f = Analyze(baseline, new() { ["x"] = [2.5] }).Features[0];
        Assert.Equal(1, f.Valid);
        Assert.Equal(0.5, f.Ks!.Statistic, 12);
        Assert.True(f.Psi > 1);
        Assert.False(f.Judged);
        Assert.False(f.Drifted);
    }

    [Fact]
    public void Every_window_value_missing_is_a_data_quality_finding_not_a_crash()
    {
        var random = new Random(3);
        var baseline = TestData.Baseline(new() { ["x"] = TestData.Normal(random, 500), ["y"] = TestData.Normal(random, 500) });
        var report = Analyze(baseline, new() { ["x"] = Enumerable.Repeat(double.NaN, 500).ToArray(), ["y"] = TestData.Normal(random, 500) });
        var x = report.Features[0];
        Assert.Equal(1.0, x.MissingRate);
        Assert.Null(x.Psi);
        Assert.False(x.Drifted);
        Assert.Contains(report.Alerts, a => a is { Code: AlertCodes.MissingRateIncrease, Feature: "x" });
    }

    [Fact]
    public void A_feature_without_training_values_is_said_to_have_none_not_to_lie_outside_the_training_range()
    {
        // The training column was all missing or infinite (numeric) or all missing (categorical): the window's values
        // have nothing to be compared with. Today's "100.0% of amount lies outside the training range" (and "100.0%
        // of channel are categories never seen") in every window said the wrong thing.
        var random = new Random(5);
        var empty = Enumerable.Range(0, 1000).Select(i => i % 10 == 0 ? double.PositiveInfinity : double.NaN).ToArray();
        var baseline = TestData.Baseline(
            new() { ["amount"] = empty, ["x"] = TestData.Normal(random, 1000), ["blank"] = Enumerable.Repeat(double.NaN, 1000).ToArray() },
            new() { ["channel"] = new string?[1000] });

        // "blank" has no values in the window either: nothing to compare, nothing to say.
        var report = Analyze(baseline,
            new() { ["amount"] = TestData.Normal(random, 800, mean: 50), ["x"] = TestData.Normal(random, 800), ["blank"] = Enumerable.Repeat(double.NaN, 800).ToArray() },
            new() { ["channel"] = Enumerable.Range(0, 800).Select(i => i % 2 == 0 ? "web" : "app").ToArray() });

        var amount = report.Features.Single(f => f.Name == "amount");
        var channel = report.Features.Single(f => f.Name == "channel");
        Assert.Equal((false, false, 800L), (amount.Judged, amount.Drifted, amount.Valid));
        Assert.Null(amount.OutOfRangeShare);
        Assert.Equal((false, false), (channel.Judged, channel.Drifted));
        Assert.False(report.DriftDetected);
        Assert.Equal(
            [
                ("INFO", "no_training_values", "amount", "amount had no values in the training data; its 800 window values cannot be compared."),
                ("INFO", "no_training_values", "channel", "channel had no values in the training data; its 800 window values cannot be compared."),
            ],
            report.Alerts.Select(a => (a.Severity.ToString().ToUpperInvariant(), a.Code, a.Feature, a.Message)));
    }

    [Fact]
    public void A_constant_feature_that_stays_constant_does_not_drift_and_one_that_moves_does()
    {
        var baseline = TestData.Baseline(new() { ["k"] = Enumerable.Repeat(7.0, 500).ToArray() });
        var same = Analyze(baseline, new() { ["k"] = Enumerable.Repeat(7.0, 500).ToArray() }).Features[0];
        Assert.Equal(0, same.Psi);
        Assert.False(same.Drifted);
        Assert.Null(same.WassersteinNormed); // std 0: undefined, not infinite

        var moved = Analyze(baseline, new() { ["k"] = Enumerable.Repeat(8.0, 500).ToArray() }).Features[0];
        Assert.True(moved.Drifted);
        Assert.Equal(1, moved.Ks!.Statistic);
        Assert.Equal(1.0, moved.OutOfRangeShare);
    }

    [Fact]
    public void Infinite_values_are_counted_invalid_and_kept_out_of_the_statistics()
    {
        var random = new Random(12);
        var x = TestData.Normal(random, 1000);
        var baseline = TestData.Baseline(new() { ["x"] = x });
        var current = x.Select((v, i) => i % 10 == 0 ? double.PositiveInfinity : i % 10 == 1 ? double.NegativeInfinity : v).ToArray();
        var report = Analyze(baseline, new() { ["x"] = current });
        var f = report.Features[0];
        Assert.Equal(200, f.Invalid);
        Assert.Equal(800, f.Valid);
        Assert.Contains(report.Alerts, a => a is { Code: AlertCodes.InvalidValues, Feature: "x" });
        Assert.True(f.Ks!.Statistic < 0.05);
    }

    [Fact]
    public void Magnitudes_near_double_max_do_not_overflow_into_nonsense()
    {
        var training = Enumerable.Range(0, 400).Select(i => (i % 2 == 0 ? 1 : -1) * (1e308 - (i * 1e305))).ToArray();
        var baseline = TestData.Baseline(new() { ["x"] = training });
        var numeric = baseline.Features[0].Numeric!;
        Assert.Equal(training.Min(), numeric.Min);
        Assert.Equal(1e308, numeric.Max);
        Assert.Null(numeric.Std); // the variance overflows: reported as unknown rather than infinite

        var report = Analyze(baseline, new() { ["x"] = training });
        var f = report.Features[0];
        Assert.Equal(0, f.Psi);
        Assert.Equal(0, f.Ks!.Statistic);
        Assert.False(f.Drifted);
        Assert.All(new[] { f.Psi, f.JsDistance, f.Ks.PValue }, v => Assert.True(double.IsFinite(v!.Value)));
    }

    [Fact]
    public void Unicode_feature_names_survive_the_report()
    {
        var random = new Random(2);
        var baseline = TestData.Baseline(new() { ["température_°C"] = TestData.Normal(random, 300) }, new() { ["类别"] = Enumerable.Repeat<string?>("é", 300).ToArray() });
        var report = Analyze(baseline, new() { ["température_°C"] = TestData.Normal(random, 300) }, new() { ["类别"] = Enumerable.Repeat<string?>("é", 300).ToArray() });
        var json = System.Text.Encoding.UTF8.GetString(Serialization.DriftJson.Serialize(report));
        Assert.Contains("\"température_°C\"", json, StringComparison.Ordinal);
        Assert.Contains("\"类别\"", json, StringComparison.Ordinal);
        Assert.Equal(["température_°C", "类别"], Serialization.DriftJson.ReadReport(System.Text.Encoding.UTF8.GetBytes(json), "r.json").Features.Select(f => f.Name));
    }

    [Fact]
    public void Rows_of_files_without_the_column_count_missing_and_are_reported()
    {
        var random = new Random(2);
        var baseline = TestData.Baseline(new() { ["x"] = TestData.Normal(random, 500), ["gone"] = TestData.Normal(random, 500) });
        var window = new WindowProfile(baseline);
        window.AddNumeric("x", TestData.Normal(random, 400));
        window.AddAbsent("gone", 400);
        window.AddRows(400);
        var report = DriftAnalyzer.Analyze(window, Range, new DriftThresholds());
        var gone = report.Features.Single(f => f.Name == "gone");
        Assert.Equal(400, gone.AbsentRows);
        Assert.Equal(1.0, gone.MissingRate);
        var alert = Assert.Single(report.Alerts, a => a.Feature == "gone");
        Assert.Equal(AlertCodes.FeatureAbsent, alert.Code);
    }

    [Fact]
    public void The_prediction_is_compared_with_the_training_label_outside_the_drift_score()
    {
        var random = new Random(5);
        var builder = new BaselineBuilder(new BaselineBuildOptions { TargetColumn = "label" });
        builder.AddNumeric("x", TestData.Normal(random, 1000));
        builder.AddCategorical("label", Enumerable.Range(0, 1000).Select(i => i % 4 == 0 ? "spam" : "ham").ToArray());
        builder.AddRows(1000);
        var baseline = builder.Build("m", "1", "s", TestData.Created);

        var window = new WindowProfile(baseline);
        window.AddNumeric("x", TestData.Normal(random, 1000));
        window.AddCategorical("label", Enumerable.Range(0, 1000).Select(i => i % 4 == 0 ? "ham" : "spam").ToArray());
        window.AddRows(1000);
        var report = DriftAnalyzer.Analyze(window, Range, new DriftThresholds());

        Assert.Equal(1, report.FeaturesMonitored);
        Assert.Equal(0, report.DriftScore);
        Assert.True(report.Prediction!.Drifted);
        Assert.Equal("prediction", report.Prediction.Name);
        Assert.True(report.DriftDetected);
        Assert.Contains(report.Alerts, a => a.Code == AlertCodes.PredictionDrift);
    }

    [Theory]
    [InlineData("bh", 0.0, 0.15)]
    [InlineData("none", 0.6, 1.0)]
    public void Fifty_unchanged_features_rarely_raise_a_false_alarm_once_p_values_are_adjusted(string correction, double low, double high)
    {
        var method = correction == "bh" ? MultipleTestingMethod.BenjaminiHochberg : MultipleTestingMethod.None;
        // With no effect-size floor and no PSI route, only the test's false-positive rate is left. Uncorrected, some
        // feature of 50 passes α = 0.05 in ~92 % of runs; BH keeps the family-wise rate near α.
        var settings = new DriftThresholds { MultipleTesting = method, KsMinStatistic = 0, PsiThreshold = 10 };
        var random = new Random(42);
        const int features = 50, runs = 40;
        var alarms = 0;
        for (var run = 0; run < runs; run++)
        {
            // A fresh baseline per run: runs against one fixed training sample would share its quirks and not be
            // independent trials.
            var baseline = TestData.Baseline(Enumerable.Range(0, features).ToDictionary(i => "f" + i, _ => TestData.Normal(random, 400)));
            var report = Analyze(baseline, Enumerable.Range(0, features).ToDictionary(i => "f" + i, _ => TestData.Normal(random, 400)), settings: settings);
            alarms += report.DriftDetected ? 1 : 0;
        }

        Assert.InRange((double)alarms / runs, low, high);
    }

    [Fact]
    public void Severity_follows_the_psi_bands()
    {
        var baseline = TestData.Baseline(new() { ["x"] = Enumerable.Range(0, 1000).Select(i => (double)i).ToArray() });
        DriftSeverity SeverityFor(double shift) =>
            Analyze(baseline, new() { ["x"] = Enumerable.Range(0, 1000).Select(i => i + shift).ToArray() }).Features[0].Severity;

        Assert.Equal(DriftSeverity.None, SeverityFor(10));
        Assert.Equal(DriftSeverity.Minor, SeverityFor(70));
        Assert.Equal(DriftSeverity.Significant, SeverityFor(300));
    }

    [Theory]
    [InlineData(nameof(DriftThresholds.PsiThreshold))]
    [InlineData(nameof(DriftThresholds.MinSamples))]
    [InlineData(nameof(DriftThresholds.KsPValueThreshold))]
    public void Out_of_range_settings_name_the_field(string field)
    {
        var settings = field switch
        {
            nameof(DriftThresholds.PsiThreshold) => new DriftThresholds { PsiThreshold = -1 },
            nameof(DriftThresholds.MinSamples) => new DriftThresholds { MinSamples = 0 },
            _ => new DriftThresholds { KsPValueThreshold = 1.5 },
        };
        var error = Assert.Throws<ArgumentOutOfRangeException>(settings.Validate);
        Assert.Equal(field, error.ParamName);
    }
}
