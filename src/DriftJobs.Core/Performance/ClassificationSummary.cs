namespace DriftJobs.Core.Performance;

/// <summary>
/// A classifier's metrics over one set of (label, prediction) pairs as stored in baseline.json and in reports
/// (docs/formats.md). <see cref="Precision"/>, <see cref="Recall"/> and <see cref="F1"/> are the positive class's for
/// a binary model with a declared positive class, else the macro averages (which are always in the Macro… fields).
/// Metrics are null where undefined (no pairs; AUC without both classes scored).
/// </summary>
internal sealed record ClassificationSummary
{
    public required long Count { get; init; }

    /// <summary>Pairs whose prediction differs from the label: what the accuracy test counts.</summary>
    public required long Errors { get; init; }

    public required double? Accuracy { get; init; }

    public required double? Precision { get; init; }

    public required double? Recall { get; init; }

    public required double? F1 { get; init; }

    public required double? MacroPrecision { get; init; }

    public required double? MacroRecall { get; init; }

    public required double? MacroF1 { get; init; }

    public string? PositiveClass { get; init; }

    /// <summary>Union of labels and predictions, ordinal order; the confusion matrix's rows (labels) and columns (predictions).</summary>
    public required IReadOnlyList<string> Classes { get; init; }

    public required IReadOnlyList<ClassMetrics> PerClass { get; init; }

    public required IReadOnlyList<IReadOnlyList<long>> ConfusionMatrix { get; init; }

    /// <summary>Pairs that came with a <c>prediction_score</c>.</summary>
    public long ScoredCount { get; init; }

    public double? RocAuc { get; init; }

    /// <summary>Non-zero when the AUC came from binned scores: a bound on its error.</summary>
    public double RocAucMaxError { get; init; }

    public double? LogLoss { get; init; }

    public static ClassificationSummary From(ClassificationMetrics m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var binary = m.Positive is not null;
        long correct = 0;
        for (var i = 0; i < m.Classes.Count; i++)
        {
            correct += m.ConfusionMatrix[i][i];
        }

        return new ClassificationSummary
        {
            Count = m.Count,
            Errors = m.Count - correct,
            Accuracy = Defined(m.Accuracy),
            Precision = m.Count == 0 ? null : binary ? m.Positive!.Precision : Defined(m.MacroPrecision),
            Recall = m.Count == 0 ? null : binary ? m.Positive!.Recall : Defined(m.MacroRecall),
            F1 = m.Count == 0 ? null : binary ? m.Positive!.F1 : Defined(m.MacroF1),
            MacroPrecision = Defined(m.MacroPrecision),
            MacroRecall = Defined(m.MacroRecall),
            MacroF1 = Defined(m.MacroF1),
            PositiveClass = m.Positive?.Class,
            Classes = m.Classes,
            PerClass = m.PerClass,
            ConfusionMatrix = m.ConfusionMatrix,
            ScoredCount = m.ScoredCount,
            RocAuc = m.RocAuc,
            RocAucMaxError = m.RocAucMaxError,
            LogLoss = m.LogLoss,
        };
    }

    private static double? Defined(double value) => double.IsFinite(value) ? value : null;
}
