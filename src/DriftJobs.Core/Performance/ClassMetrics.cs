namespace DriftJobs.Core.Performance;

/// <summary>
/// One class's precision, recall and F1 (sklearn's <c>zero_division=0</c>: a ratio whose denominator is 0 is 0), how
/// often it was the label (<see cref="Support"/>) and the prediction, and its share of the labels.
/// </summary>
internal sealed record ClassMetrics(
    string Class,
    double Precision,
    double Recall,
    double F1,
    long Support,
    long Predicted,
    double LabelShare);
