namespace DriftJobs.Cli.Simulation;

/// <summary>A label as the simulator delivers it: for which request, which class, when predicted, when it arrives.</summary>
internal readonly record struct GroundTruthLabel(string RequestId, string Label, DateTimeOffset PredictedAt, DateTimeOffset ArrivesAt);
