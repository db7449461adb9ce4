using DriftJobs.Core.Performance;

namespace DriftJobs.Core.Tests.Performance;

public sealed class EstimatedPerformanceAccumulatorTests
{
    public static TheoryData<string> CaseNames() => [.. CalibrationReference.Value.Estimation.Select(c => c.Name)];

    [Fact]
    public void Reference_data_covers_the_edge_cases()
    {
        var cases = CalibrationReference.Value.Estimation;
        Assert.Contains(cases, c => !c.PredictedPositive.Contains(true));                           // precision 0/0
        Assert.Contains(cases, c => c.Scores.All(s => s == 0));                                     // recall 0/0
        Assert.Contains(cases, c => c.Scores.All(s => s is 0 or 1) && c.Scores.Contains(1));        // certain outcomes
        // Predictions that are not the score thresholded at 0.5.
        Assert.Contains(cases, c => c.Scores.Zip(c.PredictedPositive).Any(x => x.First < 0.5 && x.Second));
        Assert.Contains(cases, c => c.Scores.Length == 1);
        Assert.Contains(cases, c => c.Scores.Length >= 1000);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Estimate_matches_the_exact_expected_confusion_matrix(string name)
    {
        var c = CalibrationReference.Value.Estimation.Single(x => x.Name == name);
        var e = Accumulate(c, 0, c.Scores.Length).Compute();

        Assert.Equal(c.Count, e.Count);
        Assert.Equal(c.PredictedPositive.Count(p => p), e.PredictedPositives);
        Close(c.ExpectedTruePositives, e.ExpectedTruePositives, "E[TP]");
        Close(c.ExpectedFalsePositives, e.ExpectedFalsePositives, "E[FP]");
        Close(c.ExpectedFalseNegatives, e.ExpectedFalseNegatives, "E[FN]");
        Close(c.ExpectedTrueNegatives, e.ExpectedTrueNegatives, "E[TN]");
        Close(c.Accuracy, e.Accuracy!.Value, "accuracy");
        Close(c.Precision, e.Precision!.Value, "precision");
        Close(c.Recall, e.Recall!.Value, "recall");
        Close(c.F1, e.F1!.Value, "F1");
        // Square roots of exactly computed variances on one side, of double arithmetic on the other.
        Close(c.AccuracyStdError, e.AccuracyStdError!.Value, "accuracy std error", 1e-12);
        Close(c.PrecisionStdError, e.PrecisionStdError!.Value, "precision std error", 1e-12);
        Close(c.RecallStdError, e.RecallStdError!.Value, "recall std error", 1e-12);
        Close(c.F1StdError, e.F1StdError!.Value, "F1 std error", 1e-12);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Accumulators_split_at_random_points_and_merged_equal_one_pass(string name)
    {
        var c = CalibrationReference.Value.Estimation.Single(x => x.Name == name);
        var whole = Accumulate(c, 0, c.Scores.Length).Compute();
        var random = new Random(name.Length);
        for (var round = 0; round < 5; round++)
        {
            var cuts = Enumerable.Range(0, random.Next(1, 6)).Select(_ => random.Next(c.Scores.Length + 1)).Append(0).Append(c.Scores.Length).Distinct().Order().ToArray();
            var parts = cuts.Zip(cuts.Skip(1), (from, to) => Accumulate(c, from, to)).ToList();
            random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(parts));
            var merged = new EstimatedPerformanceAccumulator();
            foreach (var part in parts)
            {
                merged.Merge(part);
            }

            // Record equality: every field bit for bit.
            Assert.Equal(whole, merged.Compute());
        }
    }

    [Fact]
    public void On_a_calibrated_model_the_estimate_is_within_a_few_standard_errors_of_the_realized_metrics()
    {
        var rows = SimulatedModel.Rows(seed: 7, count: 20_000);
        var (estimated, realized) = EstimateAndRealize(rows);

        // About ±0.003 for accuracy at 20,000 rows: small enough to say something, and the realized value inside it.
        Assert.InRange(estimated.AccuracyStdError!.Value, 0.001, 0.005);
        Within(realized.Accuracy, estimated.Accuracy!.Value, estimated.AccuracyStdError.Value, "accuracy");
        Within(realized.Positive!.Precision, estimated.Precision!.Value, estimated.PrecisionStdError!.Value, "precision");
        Within(realized.Positive.Recall, estimated.Recall!.Value, estimated.RecallStdError!.Value, "recall");
        Within(realized.Positive.F1, estimated.F1!.Value, estimated.F1StdError!.Value, "F1");
    }

    [Fact]
    public void The_standard_errors_describe_the_spread_of_realized_around_estimated()
    {
        // 400 windows of 500 rows: (realized − estimated) / std error should be close to a standard normal.
        const int windows = 400;
        var accuracy = new double[windows];
        var f1 = new double[windows];
        for (var w = 0; w < windows; w++)
        {
            var (estimated, realized) = EstimateAndRealize(SimulatedModel.Rows(seed: 1000 + w, count: 500));
            accuracy[w] = (realized.Accuracy - estimated.Accuracy!.Value) / estimated.AccuracyStdError!.Value;
            f1[w] = (realized.Positive!.F1 - estimated.F1!.Value) / estimated.F1StdError!.Value;
        }

        foreach (var (z, what) in new[] { (accuracy, "accuracy"), (f1, "F1") })
        {
            var mean = z.Average();
            var sd = Math.Sqrt(z.Sum(x => (x - mean) * (x - mean)) / (windows - 1));
            // The mean's own standard error is 1/√400 = 0.05 and the SD's ≈ 0.035: these bounds are 4 of them.
            Assert.True(Math.Abs(mean) <= 0.2, $"{what}: mean z {mean}");
            Assert.True(Math.Abs(sd - 1) <= 0.15, $"{what}: sd of z {sd}");
        }
    }

    [Fact]
    public void An_overconfident_model_is_estimated_too_well_and_its_calibration_check_says_so()
    {
        var rows = SimulatedModel.Rows(seed: 7, count: 20_000, sharpen: 3);
        var (estimated, realized) = EstimateAndRealize(rows);
        var calibration = new CalibrationAccumulator();
        foreach (var (score, label) in rows)
        {
            calibration.Add(score, label);
        }

        // The predictions are those of the calibrated model (same logit sign), but every score claims more certainty:
        // the estimate overshoots by many standard errors, which is why the detector checks the ECE first.
        Assert.True(estimated.Accuracy - realized.Accuracy > 10 * estimated.AccuracyStdError, $"estimated {estimated.Accuracy}, realized {realized.Accuracy}");
        Assert.True(calibration.Compute()!.Ece > 0.08);
    }

    [Fact]
    public void Nothing_added_estimates_nothing()
    {
        var e = new EstimatedPerformanceAccumulator().Compute();
        Assert.Equal((0L, 0L, 0.0, 0.0), (e.Count, e.PredictedPositives, e.ExpectedTruePositives, e.ExpectedTrueNegatives));
        Assert.Null(e.Accuracy);
        Assert.Null(e.F1);
        Assert.Null(e.AccuracyStdError);
        Assert.Null(e.F1StdError);
    }

    [Fact]
    public void Scores_must_be_probabilities()
    {
        var accumulator = new EstimatedPerformanceAccumulator();
        Assert.Throws<ArgumentOutOfRangeException>(() => accumulator.Add(true, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => accumulator.Add(false, -0.01));
        Assert.Throws<ArgumentOutOfRangeException>(() => accumulator.Add(true, 1.5));
        Assert.Equal(0, accumulator.Count);
    }

    private static (EstimatedPerformance Estimated, ClassificationMetrics Realized) EstimateAndRealize((double Score, bool Label)[] rows)
    {
        var estimator = new EstimatedPerformanceAccumulator();
        var realized = new ClassificationAccumulator("1");
        foreach (var (score, label) in rows)
        {
            var predicted = score >= 0.5;
            estimator.Add(predicted, score);
            realized.Add(label ? "1" : "0", predicted ? "1" : "0");
        }

        return (estimator.Compute(), realized.Compute());
    }

    private static void Within(double realized, double estimated, double stdError, string what) =>
        Assert.True(Math.Abs(realized - estimated) <= 4 * stdError, $"{what}: realized {realized}, estimated {estimated} ± {stdError}");

    private static EstimatedPerformanceAccumulator Accumulate(EstimationCase c, int from, int to)
    {
        var accumulator = new EstimatedPerformanceAccumulator();
        for (var i = from; i < to; i++)
        {
            accumulator.Add(c.PredictedPositive[i], c.Scores[i]);
        }

        return accumulator;
    }

    private static void Close(double expected, double actual, string what, double tolerance = 1e-13) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"{what}: {actual:R} vs exact {expected:R}");
}
