namespace DriftJobs.Core.Performance;

/// <summary>
/// What a window's realized performance is judged by. Floors are relative to the reference value: with the default
/// 0.05 an accuracy of 0.90 is degraded from 0.855 down, an RMSE of 10 from 10.5 up; past the critical floor (0.15: accuracy
/// 0.765, RMSE 11.5) the alert is CRITICAL. Both need the one-sided test to be significant at <see cref="Alpha"/>.
/// </summary>
internal sealed record PerformanceThresholds
{
    public static ValueRange FloorRange { get; } = new(0, 1, ExcludesMin: true);

    public static ValueRange AlphaRange { get; } = new(0, 0.5, ExcludesMin: true);

    public static ValueRange ShareRange { get; } = new(0, 1);

    public static PerformanceThresholds Defaults { get; } = new();

    /// <summary>Null: accuracy for classification, RMSE for regression.</summary>
    public PerformanceMetric? Metric { get; init; }

    public double EffectFloor { get; init; } = 0.05;

    public double CriticalFloor { get; init; } = 0.15;

    public double Alpha { get; init; } = 0.01;

    /// <summary>Labelled predictions below which no verdict is given.</summary>
    public long MinLabels { get; init; } = 200;

    /// <summary>Label coverage below which an INFO alert says the verdict rests on few labels.</summary>
    public double MinLabelCoverage { get; init; } = 0.5;

    /// <summary>Expected calibration error above which the scores are not trusted for an estimate.</summary>
    public double MaxCalibrationError { get; init; } = 0.05;

    /// <summary>The change detector on the hourly error series.</summary>
    public PageHinkleyParameters Trend { get; init; } = new(Delta: 0.005, Lambda: 0.5, MinInstances: 6);

    public PerformanceMetric MetricFor(PerformanceTask task) =>
        Metric ?? (task == PerformanceTask.Classification ? PerformanceMetric.Accuracy : PerformanceMetric.Rmse);
}
