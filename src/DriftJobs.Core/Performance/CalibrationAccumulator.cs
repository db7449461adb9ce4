using DriftJobs.Core.Statistics;

namespace DriftJobs.Core.Performance;

/// <summary>
/// The calibration check of a binary model's <c>prediction_score</c>, accumulated (score, label) by (score, label) and
/// mergeable: equal-width score bins, and in each the mean score against the observed positive rate.
/// <para>
/// The bins are sklearn's <c>calibration_curve(strategy='uniform')</c>, edges and all, so its values are the
/// reference: edges as <c>numpy.linspace(0, 1, n + 1)</c> makes them (k · (1/n), so the fourth of ten is
/// 0.30000000000000004, not 0.3; the last exactly 1), and a score goes where <c>numpy.searchsorted(edges[1:-1], score)</c>
/// puts it: a score equal to an inner edge falls in the bin <em>below</em> it. Each bin is therefore (Lower, Upper],
/// the first also holding 0.
/// </para>
/// <para>
/// <see cref="Compute"/> lists only the non-empty bins, as calibration_curve returns them: an empty bin has no mean
/// score or positive rate, and NaN has no JSON spelling. Score sums are exact (<see cref="ExactSum"/>), so merged
/// accumulators give one pass's summary bit for bit.
/// </para>
/// </summary>
internal sealed class CalibrationAccumulator
{
    public const int DefaultBinCount = 10;

    private readonly double[] _edges;
    private readonly long[] _counts;
    private readonly long[] _positives;
    private readonly ExactSum[] _scoreSums;

    public CalibrationAccumulator(int binCount = DefaultBinCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(binCount);
        _edges = new double[binCount + 1];
        var width = 1.0 / binCount;
        for (var k = 0; k < binCount; k++)
        {
            // numpy.linspace's arithmetic (index · step), so every edge is the same double as sklearn's.
            _edges[k] = k * width;
        }

        _edges[binCount] = 1;
        _counts = new long[binCount];
        _positives = new long[binCount];
        _scoreSums = new ExactSum[binCount];
        for (var k = 0; k < binCount; k++)
        {
            _scoreSums[k] = new ExactSum();
        }
    }

    public int BinCount => _counts.Length;

    /// <summary>The <see cref="BinCount"/> + 1 bin edges, from 0 to 1.</summary>
    public IReadOnlyList<double> Edges => _edges;

    public long Count { get; private set; }

    /// <param name="score">The model's probability of the positive class, in [0, 1].</param>
    /// <param name="positive">Whether the label was the positive class.</param>
    public void Add(double score, bool positive)
    {
        if (!(score >= 0 && score <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(score), score, "A score is a probability in [0, 1].");
        }

        var bin = BinOf(score);
        _counts[bin]++;
        _positives[bin] += positive ? 1 : 0;
        _scoreSums[bin].Add(score);
        Count++;
    }

    /// <summary>Adds <paramref name="other"/>'s bins; both must have the same number of bins.</summary>
    public void Merge(CalibrationAccumulator other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.BinCount != BinCount)
        {
            throw new ArgumentException($"Accumulators with {other.BinCount} and {BinCount} bins do not merge.", nameof(other));
        }

        for (var k = 0; k < BinCount; k++)
        {
            _counts[k] += other._counts[k];
            _positives[k] += other._positives[k];
            _scoreSums[k].Add(other._scoreSums[k]);
        }

        Count += other.Count;
    }

    /// <summary>The expected calibration error and the non-empty bins; null when nothing was added.</summary>
    public CalibrationSummary? Compute()
    {
        if (Count == 0)
        {
            return null;
        }

        var bins = new List<CalibrationBin>();
        // (n_b / n) · |S_b / n_b − P_b / n_b| is |S_b − P_b| / n: one division, and no rounding before it.
        var gaps = new ExactSum();
        for (var k = 0; k < BinCount; k++)
        {
            var count = _counts[k];
            if (count == 0)
            {
                continue;
            }

            var sum = _scoreSums[k].ToDoubleDouble();
            var gap = DoubleDouble.Subtract(sum, _positives[k]);
            gaps.Add(gap.Hi < 0 ? new DoubleDouble(-gap.Hi, -gap.Lo) : gap);
            bins.Add(new CalibrationBin(_edges[k], _edges[k + 1], count, _scoreSums[k].Value / count, (double)_positives[k] / count));
        }

        return new CalibrationSummary { Ece = gaps.Value / Count, Count = Count, Bins = bins };
    }

    /// <summary>The number of inner edges strictly below the score: numpy's searchsorted with side='left'.</summary>
    private int BinOf(double score)
    {
        int low = 0, high = BinCount - 1;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (_edges[middle + 1] < score)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }
}
