namespace DriftJobs.Core.Performance;

/// <summary>
/// The model's output columns, named as the inference logger writes them, so that validation data exported from the
/// same model reads like its logs.
/// </summary>
internal static class PerformanceColumns
{
    public const string Prediction = "prediction";

    /// <summary>The probability of the positive class (binary classification), in [0, 1].</summary>
    public const string PredictionScore = "prediction_score";
}
