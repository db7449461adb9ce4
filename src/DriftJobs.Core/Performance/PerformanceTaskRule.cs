namespace DriftJobs.Core.Performance;

/// <summary>
/// Which metrics a model gets when nobody said (MODEL_TASK=auto): a model whose labels or predictions are text (or
/// bool) is a classifier; one whose labels and predictions are all integers with few distinct values (0/1 stored as
/// float64 is the common case) is too; anything else numeric is a regressor. Predictions count as well as labels, so a
/// model predicting 2.7 items for integer counts is judged by its errors, not as a 21-class classifier that is always
/// wrong.
/// </summary>
internal static class PerformanceTaskRule
{
    /// <summary>The most distinct integer values (labels and predictions together) still taken for classes.</summary>
    public const int MaxIntegerClasses = 20;

    /// <param name="anyText">Some label or prediction is text (or bool).</param>
    /// <param name="integersOnly">Every numeric label and prediction is an integer.</param>
    /// <param name="distinctValues">Distinct labels and predictions seen (counting may stop past <see cref="MaxIntegerClasses"/>).</param>
    public static PerformanceTask Decide(bool anyText, bool integersOnly, int distinctValues) =>
        anyText || (integersOnly && distinctValues <= MaxIntegerClasses) ? PerformanceTask.Classification : PerformanceTask.Regression;
}
