namespace DriftJobs.Core.Performance;

/// <summary>One hour's predictions, how many found a label, and the accumulated pairs.</summary>
internal sealed class HourPerformance(PerformanceTask task, string? positiveClass)
{
    public long Predictions { get; internal set; }

    /// <summary>Predictions that found their label (scorable or not).</summary>
    public long Labelled { get; internal set; }

    /// <summary>Labelled predictions whose prediction was missing: counted in the coverage, not in the metrics.</summary>
    public long Unscorable { get; internal set; }

    public ClassificationAccumulator? Classification { get; } = task == PerformanceTask.Classification ? new ClassificationAccumulator(positiveClass) : null;

    public RegressionAccumulator? Regression { get; } = task == PerformanceTask.Regression ? new RegressionAccumulator() : null;

    public double? Coverage => Predictions == 0 ? null : (double)Labelled / Predictions;

    public void Merge(HourPerformance other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Predictions += other.Predictions;
        Labelled += other.Labelled;
        Unscorable += other.Unscorable;
        Classification?.Merge(other.Classification!);
        Regression?.Merge(other.Regression!);
    }
}
