namespace DriftJobs.Core.Tests.Performance;

/// <summary>Reference/calibration.json, written by tools/reference/make_calibration_reference.py (sklearn, fractions).</summary>
public sealed record CalibrationReference(CalibrationCase[] Calibration, EstimationCase[] Estimation)
{
    private static readonly Lazy<CalibrationReference> Loaded = new(() => ReferenceData.Load<CalibrationReference>("calibration.json"));

    public static CalibrationReference Value => Loaded.Value;
}

/// <summary>sklearn's calibration_curve(strategy='uniform') over the scores: its non-empty bins, and numpy's ECE.</summary>
public sealed record CalibrationCase(
    string Name,
    int BinCount,
    double[] Scores,
    bool[] Labels,
    double[] Edges,
    long Count,
    double Ece,
    ReferenceCalibrationBin[] Bins);

public sealed record ReferenceCalibrationBin(double Lower, double Upper, long Count, double MeanScore, double PositiveRate);

/// <summary>The expected confusion matrix and its metrics in exact rational arithmetic over the float64 scores.</summary>
public sealed record EstimationCase(
    string Name,
    bool[] PredictedPositive,
    double[] Scores,
    long Count,
    double ExpectedTruePositives,
    double ExpectedFalsePositives,
    double ExpectedFalseNegatives,
    double ExpectedTrueNegatives,
    double Accuracy,
    double Precision,
    double Recall,
    double F1,
    double AccuracyStdError,
    double PrecisionStdError,
    double RecallStdError,
    double F1StdError);
