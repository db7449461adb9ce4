namespace DriftJobs.Core.Performance;

/// <summary>
/// What <see cref="ClassificationAccumulator.Compute"/> returns. Classes are the union of labels and predictions in
/// ordinal string order (sklearn's <c>unique_labels</c> order for text labels); <see cref="ConfusionMatrix"/> rows are
/// labels, columns predictions, in that order, as sklearn's <c>confusion_matrix</c>.
/// </summary>
internal sealed record ClassificationMetrics
{
    public required long Count { get; init; }

    /// <summary>Share of pairs whose prediction equals the label; NaN without pairs.</summary>
    public required double Accuracy { get; init; }

    public required IReadOnlyList<string> Classes { get; init; }

    /// <summary>One entry per class of <see cref="Classes"/>, in that order.</summary>
    public required IReadOnlyList<ClassMetrics> PerClass { get; init; }

    /// <summary>Unweighted means over <see cref="PerClass"/>, a class never seen as label or prediction not counted.</summary>
    public required double MacroPrecision { get; init; }

    public required double MacroRecall { get; init; }

    public required double MacroF1 { get; init; }

    /// <summary>The declared positive class's metrics (sklearn's <c>average='binary', pos_label=…</c>); null without one.</summary>
    public ClassMetrics? Positive { get; init; }

    public required long[][] ConfusionMatrix { get; init; }

    /// <summary>Pairs that came with a score for the positive class.</summary>
    public long ScoredCount { get; init; }

    /// <summary>
    /// sklearn's <c>roc_auc_score</c> over the scored pairs; null unless both the positive class and another label
    /// were scored. Exact (up to rounding) while <see cref="RocAucMaxError"/> is 0.
    /// </summary>
    public double? RocAuc { get; init; }

    /// <summary>
    /// A bound on |<see cref="RocAuc"/> − the AUC of the unrounded scores|: 0 while the accumulator keeps every
    /// distinct score, otherwise half the share of (positive, negative) pairs whose scores share a bin.
    /// </summary>
    public double RocAucMaxError { get; init; }

    /// <summary>sklearn's <c>log_loss</c> over the scored pairs (see <see cref="ClassificationAccumulator.LogLossEpsilon"/>).</summary>
    public double? LogLoss { get; init; }
}
