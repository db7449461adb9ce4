using System.Globalization;
using DriftJobs.Core.Performance;

namespace DriftJobs.Core.Tests.Performance;

/// <summary>The task decision, the positive class, and the builder's metrics against sklearn's (Reference/performance.json).</summary>
public sealed class ReferencePerformanceBuilderTests
{
    private static ReferencePerformance Numbers(IEnumerable<(double Label, double Prediction)> rows, PerformanceTask? task = null)
    {
        var builder = new ReferencePerformanceBuilder(task, null);
        foreach (var (label, prediction) in rows)
        {
            builder.Add(label, prediction);
        }

        return builder.Build("s", out _);
    }

    [Theory]
    [InlineData(new[] { 0.0, 1, 1, 0 }, new[] { 0.0, 1, 0, 0 }, true)]
    [InlineData(new[] { -1.0, 3, 7 }, new[] { 3.0, 3, 3 }, true)]
    [InlineData(new[] { 0.0, 1, 1, 0 }, new[] { 0.1, 0.9, 0.2, 0.3 }, false)]
    [InlineData(new[] { 1.5, 2, 3 }, new[] { 1.0, 2, 3 }, false)]
    public void Integer_labels_and_predictions_are_classes_anything_else_numeric_a_regression(double[] labels, double[] predictions, bool classes)
    {
        var expected = classes ? PerformanceTask.Classification : PerformanceTask.Regression;
        var performance = Numbers(labels.Zip(predictions));
        Assert.Equal(expected, performance.Task);
        Assert.Equal(expected == PerformanceTask.Classification, performance.Classification is not null);
        Assert.Equal(expected == PerformanceTask.Regression, performance.Regression is not null);
    }

    [Theory]
    [InlineData(PerformanceTaskRule.MaxIntegerClasses, true)]
    [InlineData(PerformanceTaskRule.MaxIntegerClasses + 1, false)]
    public void Up_to_twenty_distinct_integers_labels_and_predictions_together_are_classes(int distinct, bool classes)
    {
        var expected = classes ? PerformanceTask.Classification : PerformanceTask.Regression;
        // Labels 0..distinct−2, and one prediction that is a value no label has: the predictions count too.
        var rows = Enumerable.Range(0, distinct - 1).Select(i => ((double)i, (double)i)).Append((0.0, distinct - 1.0));
        var performance = Numbers(rows);
        Assert.Equal(expected, performance.Task);
        Assert.Equal(distinct, (long)performance.Rows);
    }

    [Fact]
    public void The_rule_itself()
    {
        Assert.Equal(PerformanceTask.Classification, PerformanceTaskRule.Decide(anyText: true, integersOnly: false, 1000));
        Assert.Equal(PerformanceTask.Classification, PerformanceTaskRule.Decide(anyText: false, integersOnly: true, 20));
        Assert.Equal(PerformanceTask.Regression, PerformanceTaskRule.Decide(anyText: false, integersOnly: true, 21));
        Assert.Equal(PerformanceTask.Regression, PerformanceTaskRule.Decide(anyText: false, integersOnly: false, 2));
    }

    [Fact]
    public void Text_makes_a_classification_and_its_numbers_match_text_of_the_same_integers()
    {
        var builder = new ReferencePerformanceBuilder(null, null);
        builder.Add(1.0, 1.0);
        builder.Add(0.0, 1.0);
        builder.Add("1", "0");
        builder.Add(null, "1");
        builder.Add(double.NaN, 1.0);
        builder.Add(1.0, double.PositiveInfinity);
        var performance = builder.Build("s", out _);

        Assert.Equal(PerformanceTask.Classification, performance.Task);
        Assert.Equal((6L, 3L), (performance.Rows, performance.Unlabelled));
        var c = performance.Classification!;
        Assert.Equal(["0", "1"], c.Classes);
        Assert.Equal([[0L, 1L], [1L, 1L]], c.ConfusionMatrix);
        Assert.Equal("1", performance.PositiveClass);
    }

    [Fact]
    public void A_forced_task_overrides_the_rule_and_a_regression_refuses_text()
    {
        var regression = Numbers([(0, 0), (1, 1), (1, 0)], PerformanceTask.Regression);
        Assert.Equal(PerformanceTask.Regression, regression.Task);
        Assert.Equal(3, regression.Regression!.Count);

        var classes = Numbers([(0.5, 0.5), (1.25, 0.5)], PerformanceTask.Classification);
        Assert.Equal(["0.5", "1.25"], classes.Classification!.Classes);

        Assert.Throws<InvalidOperationException>(() => new ReferencePerformanceBuilder(PerformanceTask.Regression, null).Add("a", "b"));
        var decided = new ReferencePerformanceBuilder(null, null);
        decided.Add(0.5, 0.25);
        Assert.Throws<InvalidOperationException>(() => decided.Add("a", "b"));
    }

    [Theory]
    [InlineData(new[] { "0", "1" }, null, "1")]
    [InlineData(new[] { "false", "true" }, null, "true")]
    [InlineData(new[] { "1", "true" }, null, "1")]
    [InlineData(new[] { "no", "yes" }, null, null)]
    [InlineData(new[] { "0", "1", "2" }, null, null)]
    [InlineData(new[] { "1" }, null, null)]
    [InlineData(new[] { "no", "yes" }, "yes", "yes")]
    public void The_positive_class_is_the_declared_one_else_1_or_true_of_exactly_two(string[] classes, string? declared, string? expected) =>
        Assert.Equal(expected, PositiveClassRule.Choose(classes, declared));

    [Fact]
    public void Scores_without_a_positive_class_are_counted_as_ignored_and_bad_scores_refused()
    {
        var builder = new ReferencePerformanceBuilder(null, null);
        builder.Add("no", "yes", 0.7);
        builder.Add("yes", "yes", 0.9);
        var performance = builder.Build("s", out var ignored);
        Assert.Null(performance.PositiveClass);
        Assert.Equal(0, performance.Classification!.ScoredCount);
        Assert.Equal(2, ignored);

        Assert.Throws<ArgumentOutOfRangeException>(() => builder.Add(1.0, 1.0, 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.Add(1.0, 1.0, double.PositiveInfinity));
        Assert.False(ReferencePerformanceBuilder.IsScore(-0.01));
        Assert.True(ReferencePerformanceBuilder.IsScore(double.NaN));
    }

    public static TheoryData<string> NumericBinaryCases() =>
        [.. PerformanceReference.Value.Classification.Where(c => c.Positive == "1" && c.Scores is not null && c.Classes.Length == 2).Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(NumericBinaryCases))]
    public void Binary_numbers_with_scores_match_sklearn_with_1_as_the_positive_class(string name)
    {
        var c = PerformanceReference.Value.Classification.Single(x => x.Name == name);
        var builder = new ReferencePerformanceBuilder(null, null);
        for (var i = 0; i < c.Labels.Length; i++)
        {
            // Stored as float64, as a CSV or a Parquet double column gives them.
            builder.Add(double.Parse(c.Labels[i], CultureInfo.InvariantCulture), double.Parse(c.Predictions[i], CultureInfo.InvariantCulture), c.Scores![i]);
        }

        var p = builder.Build("s", out var ignored);
        Assert.Equal((PerformanceTask.Classification, "1", 0L), (p.Task, p.PositiveClass, ignored));
        var s = p.Classification!;
        Assert.Equal(c.Classes, s.Classes);
        Close(c.Accuracy, s.Accuracy);
        Close(c.PositivePrecision, s.Precision);
        Close(c.PositiveRecall, s.Recall);
        Close(c.PositiveF1, s.F1);
        Close(c.MacroF1, s.MacroF1);
        Close(c.LogLoss, s.LogLoss);
        Assert.Equal(c.RocAuc is null, s.RocAuc is null);
        if (c.RocAuc is not null && s.RocAucMaxError == 0)
        {
            Close(c.RocAuc, s.RocAuc);
        }

        Assert.Equal(c.Labels.Length, s.ScoredCount);
    }

    [Fact]
    public void Integer_classes_of_doubles_match_sklearn_on_the_same_labels_as_text()
    {
        var c = PerformanceReference.Value.Classification.Single(x => x.Name == "integer-labels-as-text");
        var p = Numbers(c.Labels.Zip(c.Predictions, (l, q) => (double.Parse(l, CultureInfo.InvariantCulture), double.Parse(q, CultureInfo.InvariantCulture))));
        Assert.Null(p.PositiveClass);
        Assert.Equal(c.Classes, p.Classification!.Classes);
        Close(c.Accuracy, p.Classification.Accuracy);
        Close(c.MacroPrecision, p.Classification.Precision);
        Close(c.MacroF1, p.Classification.F1);
        Assert.Equal(c.ConfusionMatrix, p.Classification.ConfusionMatrix.Select(r => r.ToArray()));
    }

    [Fact]
    public void A_regression_matches_sklearn()
    {
        var c = PerformanceReference.Value.Regression.Single(x => x.Name == "normal-1000");
        var p = Numbers(c.Labels.Zip(c.Predictions));
        Assert.Equal(PerformanceTask.Regression, p.Task);
        var r = p.Regression!;
        Assert.Equal(c.Count, r.Count);
        Close(c.Mae, r.Mae);
        Close(c.Rmse, r.Rmse);
        Close(c.Bias, r.MeanError);
        Close(c.R2, r.R2);
    }

    public static TheoryData<string> TenBinCalibrationCases() =>
        [.. CalibrationReference.Value.Calibration.Where(c => c.BinCount == CalibrationAccumulator.DefaultBinCount).Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(TenBinCalibrationCases))]
    public void The_calibration_of_text_classes_with_a_declared_positive_class_matches_sklearn(string name)
    {
        var c = CalibrationReference.Value.Calibration.Single(x => x.Name == name);
        var builder = new ReferencePerformanceBuilder(null, "yes");
        for (var i = 0; i < c.Scores.Length; i++)
        {
            builder.Add(c.Labels[i] ? "yes" : "no", c.Scores[i] >= 0.5 ? "yes" : "no", c.Scores[i]);
        }

        var p = builder.Build("s", out var ignored);
        Assert.Equal(("yes", 0L, (long)c.Scores.Length), (p.PositiveClass, ignored, p.Classification!.ScoredCount));
        var calibration = p.Calibration!;
        Assert.Equal(c.Count, calibration.Count);
        Assert.Equal(c.Bins.Select(b => (b.Lower, b.Upper, b.Count)), calibration.Bins.Select(b => (b.Lower, b.Upper, b.Count)));
        for (var k = 0; k < c.Bins.Length; k++)
        {
            Close(c.Bins[k].MeanScore, calibration.Bins[k].MeanScore);
            Close(c.Bins[k].PositiveRate, calibration.Bins[k].PositiveRate);
        }

        Close(c.Ece, calibration.Ece);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("true")]
    public void The_calibration_of_a_conventional_positive_class_takes_every_scored_labelled_row_and_nothing_else(string positive)
    {
        // sharpen: an overconfident model, so a wrong outcome (the other class, or an unscored row) would move the ECE.
        var rows = SimulatedModel.Rows(seed: 5, count: 3000, sharpen: 2);
        var builder = new ReferencePerformanceBuilder(null, null);
        var direct = new CalibrationAccumulator();
        for (var i = 0; i < rows.Length; i++)
        {
            var (score, label) = rows[i];
            var withScore = i % 9 == 0 ? double.NaN : score;
            var unlabelled = i % 13 == 0;
            if (positive == "1")
            {
                builder.Add(unlabelled ? double.NaN : label ? 1 : 0, score >= 0.5 ? 1 : 0, withScore);
            }
            else
            {
                builder.Add(unlabelled ? null : label ? "true" : "false", score >= 0.5 ? "true" : "false", withScore);
            }

            if (!unlabelled && !double.IsNaN(withScore))
            {
                direct.Add(score, label);
            }
        }

        var p = builder.Build("s", out _);
        Assert.Equal(positive, p.PositiveClass);
        // The accumulator itself is checked against sklearn (CalibrationAccumulatorTests); here only what reaches it.
        var expected = direct.Compute()!;
        var calibration = p.Calibration!;
        Assert.Equal((expected.Count, expected.Ece), (calibration.Count, calibration.Ece));
        Assert.Equal(expected.Bins, calibration.Bins);
        Assert.Equal(p.Classification!.ScoredCount, calibration.Count);
        Assert.InRange(calibration.Ece, 0.05, 1);
    }

    [Fact]
    public void There_is_no_calibration_without_scores_or_without_a_positive_class()
    {
        var unscored = new ReferencePerformanceBuilder(null, null);
        unscored.Add(1.0, 1.0);
        unscored.Add(0.0, 1.0);
        var u = unscored.Build("s", out _);
        Assert.Equal(("1", (CalibrationSummary?)null), (u.PositiveClass, u.Calibration));

        var multiclass = new ReferencePerformanceBuilder(null, null);
        multiclass.Add(0.0, 1.0, 0.4);
        multiclass.Add(1.0, 1.0, 0.9);
        multiclass.Add(2.0, 1.0, 0.1);
        var m = multiclass.Build("s", out var ignored);
        Assert.Equal((null, 3L), (m.PositiveClass, ignored));
        Assert.Null(m.Calibration);

        // Scored rows first, then a fraction rules classification out: the scores' calibration goes with it.
        var regression = new ReferencePerformanceBuilder(null, null);
        regression.Add(1.0, 1.0, 0.9);
        regression.Add(0.0, 0.0, 0.2);
        regression.Add(0.5, 0.25, 0.3);
        var r = regression.Build("s", out ignored);
        Assert.Equal((PerformanceTask.Regression, 3L), (r.Task, ignored));
        Assert.Null(r.Calibration);
    }

    private static void Close(double? expected, double? actual)
    {
        Assert.NotNull(expected);
        Assert.NotNull(actual);
        Assert.True(Math.Abs(expected.Value - actual.Value) <= 1e-12 * Math.Max(1, Math.Abs(expected.Value)), $"expected {expected}, got {actual}");
    }
}
