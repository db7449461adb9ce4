namespace DriftJobs.Core.Performance;

/// <summary>
/// δ (<see cref="Delta"/>): the rise per step tolerated as noise; λ (<see cref="Lambda"/>): how far the cumulative
/// sum may climb above its minimum before an alarm, in the values' units (for hourly error rates a λ of a few tenths
/// alarms on a rise of 0.1 within a handful of hours); no alarm before <see cref="MinInstances"/> values.
/// </summary>
internal sealed record PageHinkleyParameters(double Delta, double Lambda, long MinInstances = 1)
{
    // The hourly values fed are error rates (0–1) or RMSE ratios (around 1): these bounds leave room and catch typos.
    public static ValueRange DeltaRange { get; } = new(0, 10);

    public static ValueRange LambdaRange { get; } = new(0, 1000, ExcludesMin: true);

    public void Validate()
    {
        if (!DeltaRange.Contains(Delta))
        {
            throw new ArgumentOutOfRangeException(nameof(Delta), Delta, $"Delta must be {DeltaRange}.");
        }

        if (!LambdaRange.Contains(Lambda))
        {
            throw new ArgumentOutOfRangeException(nameof(Lambda), Lambda, $"Lambda must be {LambdaRange}.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MinInstances, 1, nameof(MinInstances));
    }
}
