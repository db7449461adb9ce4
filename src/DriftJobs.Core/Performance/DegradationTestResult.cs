namespace DriftJobs.Core.Performance;

/// <summary>
/// One degradation test's outcome: <see cref="Test"/> names it (<see cref="DegradationTest.TwoProportionZ"/>,
/// <see cref="DegradationTest.WelchT"/>, <see cref="DegradationTest.Bootstrap"/>), <see cref="Statistic"/> is its z, its
/// t, or for the bootstrap the observed F1 difference window − reference; <see cref="PValue"/> is one-sided, small
/// when the window is worse. Both NaN when a side lacks what the test needs.
/// </summary>
internal sealed record DegradationTestResult(string Test, double Statistic, double PValue);
