namespace DriftJobs.Core.Tests.Performance;

/// <summary>Reference/calibration.json, written by tools/reference/make_calibration_reference.py (sklearn).</summary>
public sealed record CalibrationReference(CalibrationCase[] Calibration)
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

