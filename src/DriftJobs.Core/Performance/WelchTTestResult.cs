namespace DriftJobs.Core.Performance;

/// <summary>Welch's t, its (Welch–Satterthwaite) degrees of freedom and the one-sided p-value; NaN where undefined.</summary>
internal readonly record struct WelchTTestResult(double T, double DegreesOfFreedom, double PValue);
