namespace DriftJobs.Cli.Simulation;

/// <summary>
/// How the simulated ground truth arrives: <see cref="Share"/> of the predictions get a label, each
/// <see cref="DelayHours"/> plus a uniform part of <see cref="SpreadHours"/> after its prediction, so one hour's
/// labels land in several later arrival hours; <see cref="DuplicateShare"/> of the labels are delivered a second time,
/// an hour later, as a retrying source would.
/// </summary>
internal sealed record LabelArrival(double Share = LabelArrival.DefaultShare, int DelayHours = LabelArrival.DefaultDelayHours, int SpreadHours = LabelArrival.DefaultSpreadHours, double DuplicateShare = 0)
{
    public const double DefaultShare = 0.8;
    public const int DefaultDelayHours = 2;
    public const int DefaultSpreadHours = 3;

    /// <summary>A month: labels later than that are not "delayed ground truth" any more but a different process.</summary>
    public const int MaxHours = 31 * 24;

    /// <summary>The earliest a prediction's label can arrive, relative to the prediction.</summary>
    public TimeSpan Delay => TimeSpan.FromHours(DelayHours);
}
