using DriftJobs.Core.Performance;

namespace DriftJobs.Core.Tests.Performance;

public sealed class CalibrationAccumulatorTests
{
    public static TheoryData<string> CaseNames() => [.. CalibrationReference.Value.Calibration.Select(c => c.Name)];

    [Fact]
    public void Reference_data_covers_the_edge_cases()
    {
        var cases = CalibrationReference.Value.Calibration;
        Assert.Contains(cases, c => c.Scores.Any(s => c.Edges[1..^1].Contains(s)));                                  // on an inner edge
        Assert.Contains(cases, c => c.Scores.Any(s => Enumerable.Range(1, c.BinCount - 1).Any(k => s == (double)k / c.BinCount && s != c.Edges[k]))); // k/n beside linspace's edge
        Assert.Contains(cases, c => c.Bins.Length < c.BinCount);                                                     // empty bins
        Assert.Contains(cases, c => c.BinCount == 1);
        Assert.Contains(cases, c => c.Scores.Contains(0.0) && c.Scores.Contains(1.0));
        Assert.Contains(cases, c => !c.Labels.Contains(true));
        Assert.Contains(cases, c => c.Scores.Length > 1000);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Bins_and_error_match_sklearn(string name)
    {
        var c = CalibrationReference.Value.Calibration.Single(x => x.Name == name);
        var accumulator = Accumulate(c, 0, c.Scores.Length);
        // The same doubles as numpy.linspace, or scores near an edge would land in another bin.
        Assert.Equal(c.Edges, accumulator.Edges);

        var summary = accumulator.Compute()!;
        Assert.Equal(c.Count, summary.Count);
        Assert.Equal(c.Bins.Select(b => (b.Lower, b.Upper, b.Count)), summary.Bins.Select(b => (b.Lower, b.Upper, b.Count)));
        for (var k = 0; k < c.Bins.Length; k++)
        {
            Close(c.Bins[k].MeanScore, summary.Bins[k].MeanScore, $"mean score of bin {k}");
            Close(c.Bins[k].PositiveRate, summary.Bins[k].PositiveRate, $"positive rate of bin {k}");
        }

        Close(c.Ece, summary.Ece, "ECE");
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Accumulators_split_at_random_points_and_merged_equal_one_pass(string name)
    {
        var c = CalibrationReference.Value.Calibration.Single(x => x.Name == name);
        var whole = Accumulate(c, 0, c.Scores.Length).Compute()!;
        var random = new Random(name.Length);
        for (var round = 0; round < 5; round++)
        {
            var cuts = Enumerable.Range(0, random.Next(1, 6)).Select(_ => random.Next(c.Scores.Length + 1)).Append(0).Append(c.Scores.Length).Distinct().Order().ToArray();
            var parts = cuts.Zip(cuts.Skip(1), (from, to) => Accumulate(c, from, to)).ToList();
            random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(parts));
            var merged = new CalibrationAccumulator(c.BinCount);
            foreach (var part in parts)
            {
                merged.Merge(part);
            }

            var m = merged.Compute()!;
            Assert.Equal(whole.Count, m.Count);
            Assert.Equal(whole.Bins, m.Bins);
            Assert.Equal(whole.Ece, m.Ece);
        }
    }

    [Fact]
    public void A_score_on_an_inner_edge_belongs_to_the_bin_below()
    {
        var accumulator = new CalibrationAccumulator(10);
        foreach (var score in new[] { 0.0, 0.2, 0.3, 0.30000000000000004, Math.BitIncrement(0.30000000000000004), 1.0 })
        {
            accumulator.Add(score, positive: false);
        }

        // 0.2 is linspace's third edge: bin (0.1, 0.2]. 0.3 is below its fourth edge 0.30000000000000004 and shares
        // bin (0.2, 0.30000000000000004] with it; the next double up starts the next bin.
        var bins = accumulator.Compute()!.Bins;
        Assert.Equal(
            [(0.0, 0.1, 1L), (0.1, 0.2, 1L), (0.2, 0.30000000000000004, 2L), (0.30000000000000004, 0.4, 1L), (0.9, 1.0, 1L)],
            bins.Select(b => (b.Lower, b.Upper, b.Count)));
    }

    [Fact]
    public void A_calibrated_model_has_a_small_error_and_an_overconfident_one_a_large_error()
    {
        var calibrated = Calibration(SimulatedModel.Rows(seed: 11, count: 20_000));
        var overconfident = Calibration(SimulatedModel.Rows(seed: 11, count: 20_000, sharpen: 3));

        // Sampling noise alone: about Σ (n_b / n) · 0.8 · sqrt(p_b(1 − p_b) / n_b) ≈ 0.006 at 20,000 rows.
        Assert.InRange(calibrated.Ece, 0, 0.02);
        // Logits three times too large put a 0.73 probability at 0.95: gaps of 0.1–0.2 in most bins.
        Assert.InRange(overconfident.Ece, 0.08, 1);
        Assert.Equal(20_000, calibrated.Bins.Sum(b => b.Count));
    }

    [Fact]
    public void Nothing_added_gives_no_summary()
    {
        Assert.Null(new CalibrationAccumulator().Compute());
        Assert.Equal(CalibrationAccumulator.DefaultBinCount, new CalibrationAccumulator().BinCount);
    }

    [Fact]
    public void Scores_must_be_probabilities_and_bins_must_agree()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CalibrationAccumulator(0));
        var accumulator = new CalibrationAccumulator();
        Assert.Throws<ArgumentOutOfRangeException>(() => accumulator.Add(double.NaN, true));
        Assert.Throws<ArgumentOutOfRangeException>(() => accumulator.Add(-1e-300, true));
        Assert.Throws<ArgumentOutOfRangeException>(() => accumulator.Add(Math.BitIncrement(1.0), true));
        Assert.Throws<ArgumentException>(() => accumulator.Merge(new CalibrationAccumulator(5)));
        Assert.Equal(0, accumulator.Count);
    }

    private static CalibrationSummary Calibration((double Score, bool Label)[] rows)
    {
        var accumulator = new CalibrationAccumulator();
        foreach (var (score, label) in rows)
        {
            accumulator.Add(score, label);
        }

        return accumulator.Compute()!;
    }

    private static CalibrationAccumulator Accumulate(CalibrationCase c, int from, int to)
    {
        var accumulator = new CalibrationAccumulator(c.BinCount);
        for (var i = from; i < to; i++)
        {
            accumulator.Add(c.Scores[i], c.Labels[i]);
        }

        return accumulator;
    }

    // numpy sums each bin in row order and divides; the engine sums exactly. ~1e-13 is far above that difference and
    // far below any difference in definition.
    private static void Close(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-13 * Math.Max(1, Math.Abs(expected)), $"{what}: {actual:R} vs sklearn {expected:R}");
}
