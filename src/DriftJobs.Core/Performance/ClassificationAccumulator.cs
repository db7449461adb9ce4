using DriftJobs.Core.Statistics;

namespace DriftJobs.Core.Performance;

/// <summary>
/// Classification performance of one window, accumulated pair by pair and mergeable like window profiles.
/// <para>
/// Feed (label, prediction) pairs as text (integer labels as their invariant text), optionally with the model's score
/// (probability) for <see cref="PositiveClass"/>; merge partial accumulators with <see cref="Merge"/>; then
/// <see cref="Compute"/> gives accuracy, per-class and macro precision/recall/F1 (sklearn's <c>zero_division=0</c>),
/// the positive class's metrics, the confusion matrix, the label shares, and from the scores ROC AUC and log loss.
/// </para>
/// <para>
/// Counts merge exactly. ROC AUC comes from a bounded <see cref="ScoreHistogram"/> (exact up to 10,000 distinct scores,
/// binned beyond, with the error bound reported). Log loss is an exact sum of the per-pair terms, so merged and
/// one-pass results are identical too.
/// </para>
/// </summary>
internal sealed class ClassificationAccumulator
{
    /// <summary>
    /// Scores are clipped to [ε, 1 − ε] for log loss, ε the float64 machine epsilon (2^-52): sklearn 1.2's
    /// <c>eps="auto"</c> (before 1.2 the default was 1e-15, so a score of exactly 0 or 1 costs −log(2^-52) ≈ 36.04 here
    /// where older sklearn reports −log(1e-15) ≈ 34.54).
    /// </summary>
    public const double LogLossEpsilon = 2.220446049250313e-16;

    private readonly Dictionary<(string Actual, string Predicted), long> _pairs = [];
    private readonly ScoreHistogram _scores = new();
    private readonly ExactSum _logLoss = new();

    /// <param name="positiveClass">The class scores are the probability of; required to add scores.</param>
    public ClassificationAccumulator(string? positiveClass = null) => PositiveClass = positiveClass;

    public string? PositiveClass { get; }

    public long Count { get; private set; }

    public void Add(string actual, string predicted)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(predicted);
        var key = (actual, predicted);
        _pairs[key] = _pairs.GetValueOrDefault(key) + 1;
        Count++;
    }

    /// <param name="positiveScore">The model's probability of <see cref="PositiveClass"/>, in [0, 1].</param>
    public void Add(string actual, string predicted, double positiveScore)
    {
        var positive = PositiveClass ?? throw new InvalidOperationException("Scores need a declared positive class.");
        if (!(positiveScore >= 0 && positiveScore <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(positiveScore), positiveScore, "A score is a probability in [0, 1].");
        }

        Add(actual, predicted);
        var isPositive = string.Equals(actual, positive, StringComparison.Ordinal);
        _scores.Add(positiveScore, isPositive);
        _logLoss.Add(LogLossTerm(positiveScore, isPositive));
    }

    /// <summary>Adds <paramref name="other"/>'s pairs; both must declare the same positive class.</summary>
    public void Merge(ClassificationAccumulator other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!string.Equals(PositiveClass, other.PositiveClass, StringComparison.Ordinal))
        {
            throw new ArgumentException("Accumulators with different positive classes do not merge.", nameof(other));
        }

        foreach (var (key, count) in other._pairs)
        {
            _pairs[key] = _pairs.GetValueOrDefault(key) + count;
        }

        Count += other.Count;
        _scores.Merge(other._scores);
        _logLoss.Add(other._logLoss);
    }

    public ClassificationMetrics Compute()
    {
        var classes = _pairs.Keys.SelectMany(k => new[] { k.Actual, k.Predicted }).Distinct().Order(StringComparer.Ordinal).ToArray();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < classes.Length; i++)
        {
            index[classes[i]] = i;
        }

        var matrix = new long[classes.Length][];
        for (var i = 0; i < classes.Length; i++)
        {
            matrix[i] = new long[classes.Length];
        }

        foreach (var ((actual, predicted), count) in _pairs)
        {
            matrix[index[actual]][index[predicted]] += count;
        }

        long correct = 0;
        var perClass = new ClassMetrics[classes.Length];
        for (var k = 0; k < classes.Length; k++)
        {
            long support = 0, predicted = 0;
            for (var j = 0; j < classes.Length; j++)
            {
                support += matrix[k][j];
                predicted += matrix[j][k];
            }

            var truePositives = matrix[k][k];
            correct += truePositives;
            // F1 from counts, 2·TP / (2·TP + FP + FN): equal to 2PR/(P+R) and 0 whenever TP is 0, as with zero_division=0.
            perClass[k] = new ClassMetrics(
                classes[k],
                Ratio(truePositives, predicted),
                Ratio(truePositives, support),
                Ratio(2 * truePositives, support + predicted),
                support,
                predicted,
                Count == 0 ? 0 : (double)support / Count);
        }

        var positive = PositiveClass is null ? null
            : index.TryGetValue(PositiveClass, out var p) ? perClass[p]
            : new ClassMetrics(PositiveClass, 0, 0, 0, 0, 0, 0);
        var auc = _scores.RocAuc();
        var scored = _scores.Positives + _scores.Negatives;
        return new ClassificationMetrics
        {
            Count = Count,
            Accuracy = Count == 0 ? double.NaN : (double)correct / Count,
            Classes = classes,
            PerClass = perClass,
            MacroPrecision = Mean(perClass, c => c.Precision),
            MacroRecall = Mean(perClass, c => c.Recall),
            MacroF1 = Mean(perClass, c => c.F1),
            Positive = positive,
            ConfusionMatrix = matrix,
            ScoredCount = scored,
            RocAuc = auc?.Auc,
            RocAucMaxError = auc?.MaxError ?? 0,
            LogLoss = scored == 0 ? null : _logLoss.Value / scored,
        };
    }

    /// <summary>
    /// One pair's log loss exactly as sklearn 1.2 computes it: clip, make the two-column row [1 − q, q], divide it by
    /// its sum (1 up to one rounding), take −log of the label's column.
    /// </summary>
    private static double LogLossTerm(double score, bool positive)
    {
        var q = Math.Clamp(score, LogLossEpsilon, 1 - LogLossEpsilon);
        var complement = 1 - q;
        var sum = complement + q;
        return -Math.Log((positive ? q : complement) / sum);
    }

    private static double Ratio(long numerator, long denominator) => denominator == 0 ? 0 : (double)numerator / denominator;

    private static double Mean(ClassMetrics[] perClass, Func<ClassMetrics, double> metric) =>
        perClass.Length == 0 ? double.NaN : perClass.Sum(metric) / perClass.Length;
}
