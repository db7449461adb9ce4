namespace DriftJobs.Core.Tests.Performance;

/// <summary>Reference/performance.json, written by tools/reference/make_performance_reference.py (sklearn, statsmodels).</summary>
public sealed record PerformanceReference(ClassificationCase[] Classification, RegressionCase[] Regression, ZTestCase[] Ztest)
{
    private static readonly Lazy<PerformanceReference> Loaded = new(() => ReferenceData.Load<PerformanceReference>("performance.json"));

    public static PerformanceReference Value => Loaded.Value;
}

public sealed record ClassificationCase(
    string Name,
    string[] Labels,
    string[] Predictions,
    string? Positive,
    double[]? Scores,
    string[] Classes,
    double Accuracy,
    double[] Precision,
    double[] Recall,
    double[] F1,
    long[] Support,
    double MacroPrecision,
    double MacroRecall,
    double MacroF1,
    long[][] ConfusionMatrix,
    double? PositivePrecision,
    double? PositiveRecall,
    double? PositiveF1,
    double? RocAuc,
    double? LogLoss);

public sealed record RegressionCase(
    string Name,
    double[] Labels,
    double[] Predictions,
    long Count,
    double Mae,
    double Rmse,
    double Bias,
    double? R2,
    double? AbsoluteErrorVariance,
    double? SquaredErrorVariance,
    ExactRegression? Exact);

/// <summary>The same metrics in exact rational arithmetic (Python's fractions) over the float64 inputs.</summary>
public sealed record ExactRegression(double Mae, double Mse, double Bias, double? R2);

public sealed record ZTestCase(string Name, long WindowErrors, long WindowCount, long ReferenceErrors, long ReferenceCount, double? Z, double? P);
