using DriftJobs.Core.Statistics;

namespace DriftJobs.Core.Performance;

/// <summary>
/// Confidence-based performance estimation (NannyML's CBPE) for a binary classifier, accumulated row by row and
/// mergeable like the realized metrics' accumulators.
/// <para>
/// When the score s of the positive class is a calibrated probability, a row predicted positive is a true positive
/// with probability s and a false positive with probability 1 − s; a row predicted negative a false negative with
/// probability s, a true negative with 1 − s. Summing gives the expected confusion matrix, and from it accuracy,
/// precision, recall and F1 (<see cref="EstimatedPerformance"/>), the hour the predictions are logged. Only as good as
/// the calibration: check the reference's expected calibration error first (<see cref="CalibrationAccumulator"/>).
/// </para>
/// <para>
/// The prediction is taken as logged, not re-derived from the score: a model thresholded at 0.3 is estimated as it
/// decided. Sums of s and of s² (as exact products) are exact (<see cref="ExactSum"/>), so merged accumulators give
/// one pass's estimate bit for bit, and Σ s(1 − s) = Σ s − Σ s² loses nothing to cancellation.
/// </para>
/// </summary>
internal sealed class EstimatedPerformanceAccumulator
{
    private readonly ClassSums _predictedPositive = new();
    private readonly ClassSums _predictedNegative = new();

    public long Count => _predictedPositive.Count + _predictedNegative.Count;

    /// <param name="predictedPositive">Whether the model predicted the positive class.</param>
    /// <param name="positiveScore">The model's calibrated probability of the positive class, in [0, 1].</param>
    public void Add(bool predictedPositive, double positiveScore)
    {
        if (!(positiveScore >= 0 && positiveScore <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(positiveScore), positiveScore, "A score is a probability in [0, 1].");
        }

        (predictedPositive ? _predictedPositive : _predictedNegative).Add(positiveScore);
    }

    /// <summary>The rows predicted positive (or negative): their count and the exact partials of Σ s and Σ s², for a stored hour profile.</summary>
    internal (long Count, IReadOnlyList<double> Scores, IReadOnlyList<double> SquaredScores) Sums(bool predictedPositive)
    {
        var sums = predictedPositive ? _predictedPositive : _predictedNegative;
        return (sums.Count, sums.Scores.Partials, sums.SquaredScores.Partials);
    }

    /// <summary>Adds stored sums (<see cref="Sums"/>) of one predicted class; throws when they cannot be the sums of scores in [0, 1].</summary>
    internal void AddSums(bool predictedPositive, long count, IEnumerable<double> scores, IEnumerable<double> squaredScores)
    {
        var sums = new ClassSums();
        foreach (var partial in scores)
        {
            sums.Scores.Add(Finite(partial));
        }

        foreach (var partial in squaredScores)
        {
            sums.SquaredScores.Add(Finite(partial));
        }

        sums.AddCount(count);
        double total = sums.Scores.Value, squares = sums.SquaredScores.Value;
        if (count < 0 || total < 0 || total > count || squares < 0 || squares > total)
        {
            throw new InvalidDataException($"the estimate's sums ({count} rows, Σ s = {total}, Σ s² = {squares}) are not those of scores in [0, 1]");
        }

        (predictedPositive ? _predictedPositive : _predictedNegative).Merge(sums);

        static double Finite(double value) => double.IsFinite(value) ? value : throw new InvalidDataException($"the estimate has a partial sum of {value}");
    }

    public void Merge(EstimatedPerformanceAccumulator other)
    {
        ArgumentNullException.ThrowIfNull(other);
        _predictedPositive.Merge(other._predictedPositive);
        _predictedNegative.Merge(other._predictedNegative);
    }

    public EstimatedPerformance Compute()
    {
        if (Count == 0)
        {
            return new EstimatedPerformance
            {
                Count = 0,
                PredictedPositives = 0,
                ExpectedTruePositives = 0,
                ExpectedFalsePositives = 0,
                ExpectedFalseNegatives = 0,
                ExpectedTrueNegatives = 0,
                Accuracy = null,
                Precision = null,
                Recall = null,
                F1 = null,
                AccuracyStdError = null,
                PrecisionStdError = null,
                RecallStdError = null,
                F1StdError = null,
            };
        }

        double positives = _predictedPositive.Count, negatives = _predictedNegative.Count, n = Count;
        // TP and FN are the sums of the labels of rows predicted positive and negative; everything else follows from
        // them and the fixed counts of predictions.
        var tp = _predictedPositive.Scores.ToDoubleDouble();
        var fn = _predictedNegative.Scores.ToDoubleDouble();
        var fp = DoubleDouble.Subtract(new DoubleDouble(positives, 0), tp);
        var tn = DoubleDouble.Subtract(new DoubleDouble(negatives, 0), fn);
        var labelled = DoubleDouble.Add(tp, fn);
        var f1Denominator = DoubleDouble.Add(labelled, positives);

        // Var[TP] and Var[FN] under independent Bernoulli(s) labels; the delta method's derivatives for recall
        // TP / (TP + FN) and F1 2TP / (TP + FN + predicted positives), taken at the expected counts.
        var varTp = _predictedPositive.Variance();
        var varFn = _predictedNegative.Variance();
        double a = Value(tp), b = Value(fn), t = Value(labelled), d = Value(f1Denominator);
        return new EstimatedPerformance
        {
            Count = Count,
            PredictedPositives = _predictedPositive.Count,
            ExpectedTruePositives = a,
            ExpectedFalsePositives = Value(fp),
            ExpectedFalseNegatives = b,
            ExpectedTrueNegatives = Value(tn),
            Accuracy = Value(DoubleDouble.Divide(DoubleDouble.Add(tp, tn), n)),
            Precision = positives == 0 ? 0 : Value(DoubleDouble.Divide(tp, positives)),
            Recall = labelled.IsZero ? 0 : Value(DoubleDouble.Divide(tp, labelled)),
            F1 = f1Denominator.IsZero ? 0 : Value(DoubleDouble.Divide(DoubleDouble.Multiply(tp, 2.0), f1Denominator)),
            AccuracyStdError = Math.Sqrt(varTp + varFn) / n,
            PrecisionStdError = positives == 0 ? 0 : Math.Sqrt(varTp) / positives,
            RecallStdError = t == 0 ? 0 : Math.Sqrt((b * b * varTp) + (a * a * varFn)) / (t * t),
            F1StdError = d == 0 ? 0 : 2 * Math.Sqrt(((positives + b) * (positives + b) * varTp) + (a * a * varFn)) / (d * d),
        };
    }

    private static double Value(DoubleDouble x) => x.Hi + x.Lo;

    /// <summary>The rows of one predicted class: their count, Σ s and Σ s².</summary>
    private sealed class ClassSums
    {
        public long Count { get; private set; }

        public ExactSum Scores { get; } = new();

        public ExactSum SquaredScores { get; } = new();

        public void Add(double score)
        {
            Scores.Add(score);
            SquaredScores.Add(DoubleDouble.Multiply(score, score));
            Count++;
        }

        public void AddCount(long count) => Count += count;

        public void Merge(ClassSums other)
        {
            Scores.Add(other.Scores);
            SquaredScores.Add(other.SquaredScores);
            Count += other.Count;
        }

        /// <summary>Σ s(1 − s) = Σ s − Σ s², never below 0.</summary>
        public double Variance()
        {
            var difference = DoubleDouble.Subtract(Scores.ToDoubleDouble(), SquaredScores.ToDoubleDouble());
            return Math.Max(0, difference.Hi + difference.Lo);
        }
    }
}
