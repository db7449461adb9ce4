namespace DriftJobs.Core.Performance;

/// <summary>
/// How well a binary model's <c>prediction_score</c> matched the observed positive rate on the validation data: the
/// expected calibration error over equal-width score bins, and the bins themselves. Confidence-based estimation of a
/// window's performance is only as good as this calibration; the detector estimates nothing when the error is above
/// its setting.
/// </summary>
internal sealed record CalibrationSummary
{
    /// <summary>Σ over bins of (bin count / n) · |mean score − positive rate|.</summary>
    public required double Ece { get; init; }

    public required long Count { get; init; }

    public required IReadOnlyList<CalibrationBin> Bins { get; init; }
}

/// <summary>One score bin (Lower, Upper] of the calibration check (the first also holds 0), as sklearn's calibration_curve bins.</summary>
internal sealed record CalibrationBin(double Lower, double Upper, long Count, double MeanScore, double PositiveRate);
