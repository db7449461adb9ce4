namespace DriftJobs.Core.Tests.Performance;

/// <summary>Reference/significance.json, written by tools/reference/make_significance_reference.py (scipy, mpmath, numpy).</summary>
public sealed record SignificanceReference(
    WelchCase[] Welch,
    StudentTCase[] StudentTSf,
    RegressionTestCase[] Regression,
    BootstrapCase[] Bootstrap)
{
    private static readonly Lazy<SignificanceReference> Loaded = new(() => ReferenceData.Load<SignificanceReference>("significance.json"));

    public static SignificanceReference Value => Loaded.Value;
}

/// <summary>scipy's result; <see cref="T"/> is null when not finite, and <see cref="TLimit"/> then says what it was ("inf", "-inf", "nan").</summary>
public sealed record WelchExpected(double? T, string? TLimit, double? Df, double? P);

public sealed record WelchCase(
    string Name,
    double WindowMean,
    double WindowVariance,
    long WindowCount,
    double ReferenceMean,
    double ReferenceVariance,
    long ReferenceCount,
    double? T,
    string? TLimit,
    double? Df,
    double? P);

/// <summary>Sf is mpmath's 50-digit value; Scipy is scipy.stats.t.sf for comparison.</summary>
public sealed record StudentTCase(double T, double Df, double Sf, double Scipy);

public sealed record RegressionSide(long Count, double Mae, double Rmse, double AbsoluteErrorVariance, double SquaredErrorVariance);

public sealed record RegressionTestCase(string Name, RegressionSide Window, RegressionSide Reference, WelchExpected Mae, WelchExpected Rmse);

public sealed record BootstrapCase(
    string Name,
    long[][] Window,
    long[][] Reference,
    int? Positive,
    double WindowF1,
    double ReferenceF1,
    int Draws,
    double P);
