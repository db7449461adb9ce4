using DriftJobs.Core.Performance;

namespace DriftJobs.Core.Tests.Performance;

public sealed class ClassificationAccumulatorTests
{
    public static TheoryData<string> CaseNames() => [.. PerformanceReference.Value.Classification.Select(c => c.Name)];

    [Fact]
    public void Reference_data_covers_the_edge_cases()
    {
        var cases = PerformanceReference.Value.Classification;
        Assert.Contains(cases, c => c.Classes.Length == 3 && c.Support.Any(s => s == 0));                      // never a label
        Assert.Contains(cases, c => c.Classes.Length == 3 && Enumerable.Range(0, 3).Any(k => c.ConfusionMatrix.Sum(row => row[k]) == 0)); // never predicted
        Assert.Contains(cases, c => c.Scores is { } s && s.Contains(0.0) && s.Contains(1.0));
        Assert.Contains(cases, c => c.Scores is { } s && s.Distinct().Count() < s.Length / 10);
        Assert.Contains(cases, c => c.Scores is { } s && s.Distinct().Count() > ScoreHistogram.MaxExactScores);
        Assert.Contains(cases, c => c.Scores is not null && c.RocAuc is null);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Metrics_match_sklearn(string name)
    {
        var c = PerformanceReference.Value.Classification.Single(x => x.Name == name);
        var metrics = Accumulate(c, 0, c.Labels.Length).Compute();

        Assert.Equal(c.Labels.Length, metrics.Count);
        Assert.Equal(c.Classes, metrics.Classes);
        Close(c.Accuracy, metrics.Accuracy, "accuracy");
        for (var k = 0; k < c.Classes.Length; k++)
        {
            var m = metrics.PerClass[k];
            Close(c.Precision[k], m.Precision, $"precision[{c.Classes[k]}]");
            Close(c.Recall[k], m.Recall, $"recall[{c.Classes[k]}]");
            Close(c.F1[k], m.F1, $"f1[{c.Classes[k]}]");
            Assert.Equal(c.Support[k], m.Support);
            Assert.Equal(c.ConfusionMatrix.Sum(row => row[k]), m.Predicted);
            Close((double)c.Support[k] / c.Labels.Length, m.LabelShare, "label share");
            Assert.Equal(c.ConfusionMatrix[k], metrics.ConfusionMatrix[k]);
        }

        Close(c.MacroPrecision, metrics.MacroPrecision, "macro precision");
        Close(c.MacroRecall, metrics.MacroRecall, "macro recall");
        Close(c.MacroF1, metrics.MacroF1, "macro f1");
        if (c.Positive is null)
        {
            Assert.Null(metrics.Positive);
        }
        else
        {
            Close(c.PositivePrecision!.Value, metrics.Positive!.Precision, "positive precision");
            Close(c.PositiveRecall!.Value, metrics.Positive.Recall, "positive recall");
            Close(c.PositiveF1!.Value, metrics.Positive.F1, "positive f1");
        }

        if (c.Scores is null)
        {
            Assert.Null(metrics.RocAuc);
            Assert.Null(metrics.LogLoss);
            return;
        }

        Assert.Equal(c.Scores.Length, metrics.ScoredCount);
        Close(c.LogLoss!.Value, metrics.LogLoss!.Value, "log loss");
        Assert.Equal(c.RocAuc is null, metrics.RocAuc is null);
        if (c.RocAuc is { } auc)
        {
            if (c.Scores.Distinct().Count() <= ScoreHistogram.MaxExactScores)
            {
                Assert.Equal(0, metrics.RocAucMaxError);
                Close(auc, metrics.RocAuc!.Value, "roc auc");
            }
            else
            {
                // Binned: within the bound the engine reports, and that bound small at 2^-16 bins.
                Assert.InRange(metrics.RocAucMaxError, 1e-9, 1e-3);
                Assert.True(Math.Abs(auc - metrics.RocAuc!.Value) <= metrics.RocAucMaxError, $"AUC {metrics.RocAuc} vs sklearn {auc}, bound {metrics.RocAucMaxError}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Accumulators_split_at_random_points_and_merged_equal_one_pass(string name)
    {
        var c = PerformanceReference.Value.Classification.Single(x => x.Name == name);
        var whole = Accumulate(c, 0, c.Labels.Length).Compute();
        var random = new Random(name.Length);
        for (var round = 0; round < 5; round++)
        {
            var cuts = Enumerable.Range(0, random.Next(1, 6)).Select(_ => random.Next(c.Labels.Length + 1)).Append(0).Append(c.Labels.Length).Distinct().Order().ToArray();
            var parts = cuts.Zip(cuts.Skip(1), (from, to) => Accumulate(c, from, to)).ToList();
            // Merge in a shuffled order: counts add, so the order must not matter.
            random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(parts));
            var merged = new ClassificationAccumulator(c.Positive);
            foreach (var part in parts)
            {
                merged.Merge(part);
            }

            var m = merged.Compute();
            Assert.Equal(whole.Count, m.Count);
            Assert.Equal(whole.Classes, m.Classes);
            Assert.Equal(whole.PerClass, m.PerClass);
            Assert.Equal(whole.ConfusionMatrix, m.ConfusionMatrix);
            Assert.Equal(whole.Accuracy, m.Accuracy);
            Assert.Equal(whole.MacroF1, m.MacroF1);
            Assert.Equal(whole.RocAuc, m.RocAuc);
            Assert.Equal(whole.RocAucMaxError, m.RocAucMaxError);
            Assert.Equal(whole.LogLoss, m.LogLoss);
        }
    }

    [Fact]
    public void A_declared_positive_class_never_seen_has_zero_metrics()
    {
        var accumulator = new ClassificationAccumulator("yes");
        accumulator.Add("no", "no");
        var positive = accumulator.Compute().Positive!;
        Assert.Equal(("yes", 0.0, 0.0, 0.0, 0L), (positive.Class, positive.Precision, positive.Recall, positive.F1, positive.Support));
    }

    [Fact]
    public void Scores_need_a_positive_class_and_a_probability()
    {
        Assert.Throws<InvalidOperationException>(() => new ClassificationAccumulator().Add("a", "a", 0.5));
        var accumulator = new ClassificationAccumulator("a");
        Assert.Throws<ArgumentOutOfRangeException>(() => accumulator.Add("a", "a", double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => accumulator.Add("a", "a", 1.5));
        Assert.Throws<ArgumentException>(() => accumulator.Merge(new ClassificationAccumulator("b")));
        Assert.Equal(0, accumulator.Count);
    }

    private static ClassificationAccumulator Accumulate(ClassificationCase c, int from, int to)
    {
        var accumulator = new ClassificationAccumulator(c.Positive);
        for (var i = from; i < to; i++)
        {
            if (c.Scores is { } scores)
            {
                accumulator.Add(c.Labels[i], c.Predictions[i], scores[i]);
            }
            else
            {
                accumulator.Add(c.Labels[i], c.Predictions[i]);
            }
        }

        return accumulator;
    }

    // sklearn's float64 arithmetic (pairwise sums, trapezoids) and ours round differently; ~1e-13 is far above that and
    // far below any difference in definition.
    private static void Close(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-13 * Math.Max(1, Math.Abs(expected)), $"{what}: {actual:R} vs sklearn {expected:R}");
}
