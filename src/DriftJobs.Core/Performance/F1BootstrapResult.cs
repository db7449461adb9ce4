namespace DriftJobs.Core.Performance;

/// <summary>The observed F1 of each side and the bootstrap's one-sided p-value; NaN where a side has no pairs.</summary>
internal readonly record struct F1BootstrapResult(double WindowF1, double ReferenceF1, double PValue);
