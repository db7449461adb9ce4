using MathNet.Numerics;

namespace DriftJobs.Core.Performance;

/// <summary>
/// The Student t distribution's upper tail, precise where the degradation tests need it: p-values far below 1e-16
/// (1 − CDF would round them to 0) and the huge degrees of freedom of windows with millions of rows, where MathNet's
/// <c>BetaRegularized</c> loses digits to <c>GammaLn(a + ½) − GammaLn(a)</c> with both terms near 10⁷.
/// </summary>
/// <remarks>
/// Relative error against 50-digit mpmath: below 1e-12 up to df ≈ 10⁴, then growing as about 2e-17·df (2e-11 at
/// df = 10⁶, 4e-8 at 2·10⁹): the continued fraction needs x = df/(df + t²) as a double, and near x = 1 the incomplete
/// beta's sensitivity to x grows with df. Far finer than any verdict at α needs; a Temme-style asymptotic expansion
/// would remove it.
/// </remarks>
internal static class StudentT
{
    // Above this a, lnΓ(a + ½) − lnΓ(a) comes from the difference of Stirling series (error below 1e-18) instead of
    // the difference of two large logarithms.
    private const double StirlingFrom = 50;

    private const int MaxIterations = 10_000_000;

    /// <summary>P(T &gt; t) for T with <paramref name="degreesOfFreedom"/> (scipy's <c>t.sf</c>); NaN for NaN inputs or df ≤ 0.</summary>
    public static double UpperTail(double t, double degreesOfFreedom)
    {
        if (double.IsNaN(t) || double.IsNaN(degreesOfFreedom) || degreesOfFreedom <= 0)
        {
            return double.NaN;
        }

        if (t == 0)
        {
            return 0.5;
        }

        if (double.IsPositiveInfinity(degreesOfFreedom))
        {
            return 0.5 * SpecialFunctions.Erfc(t / Math.Sqrt(2));
        }

        if (t < 0)
        {
            // At least one half: the subtraction loses nothing that matters.
            return 1 - UpperTail(-t, degreesOfFreedom);
        }

        if (double.IsPositiveInfinity(t))
        {
            return 0;
        }

        // P(T > t) = ½·I_x(df/2, ½) with x = df/(df + t²). Both x and 1 − x are formed from ratios that cannot overflow,
        // and their logarithms through log1p, so neither loses digits when the other is near 1.
        var a = degreesOfFreedom / 2;
        const double b = 0.5;
        var r = degreesOfFreedom / t / t;
        var x = r / (1 + r);
        var lnX = -Log1P(t / degreesOfFreedom * t);
        var lnXc = -Log1P(r);
        var front = Math.Exp((a * lnX) + (b * lnXc) - LnBetaHalf(a));
        var tail = x < (a + 1) / (a + b + 2)
            ? front * ContinuedFraction(a, b, x) / a
            : 1 - (front * ContinuedFraction(b, a, 1 / (1 + r)) / b);
        return 0.5 * tail;
    }

    /// <summary>ln B(a, ½) = lnΓ(a) + lnΓ(½) − lnΓ(a + ½).</summary>
    private static double LnBetaHalf(double a)
    {
        var lnSqrtPi = 0.5 * Math.Log(Math.PI);
        if (a < StirlingFrom)
        {
            return SpecialFunctions.GammaLn(a) + lnSqrtPi - SpecialFunctions.GammaLn(a + 0.5);
        }

        // lnΓ(z) = (z − ½)ln z − z + ½ln 2π + S(z): the large terms of the difference cancel analytically, leaving
        // a·log1p(1/(2a)) − ½ + ½ln a + S(a + ½) − S(a), every term small or exact enough.
        var difference = (a * Log1P(0.5 / a)) - 0.5 + (0.5 * Math.Log(a)) + StirlingTail(a + 0.5) - StirlingTail(a);
        return lnSqrtPi - difference;
    }

    private static double StirlingTail(double z)
    {
        var z2 = z * z;
        return (1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - 1.0 / (1680 * z2)) / z2) / z2) / z;
    }

    /// <summary>
    /// The continued fraction of I_x(a, b) (modified Lentz, as Numerical Recipes' betacf); converges for
    /// x &lt; (a + 1)/(a + b + 2) in O(√max(a, b)) steps, a few thousand for windows of millions of rows.
    /// </summary>
    private static double ContinuedFraction(double a, double b, double x)
    {
        const double tiny = 1e-300;
        var c = 1.0;
        var d = 1 - ((a + b) * x / (a + 1));
        d = 1 / (Math.Abs(d) < tiny ? tiny : d);
        var h = d;
        for (var m = 1; m <= MaxIterations; m++)
        {
            var m2 = 2 * m;
            var aa = m * (b - m) * x / ((a - 1 + m2) * (a + m2));
            d = 1 + (aa * d);
            d = 1 / (Math.Abs(d) < tiny ? tiny : d);
            c = 1 + (aa / c);
            c = Math.Abs(c) < tiny ? tiny : c;
            h *= d * c;
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1 + m2));
            d = 1 + (aa * d);
            d = 1 / (Math.Abs(d) < tiny ? tiny : d);
            c = 1 + (aa / c);
            c = Math.Abs(c) < tiny ? tiny : c;
            var step = d * c;
            h *= step;
            if (Math.Abs(step - 1) < 1e-16)
            {
                break;
            }
        }

        return h;
    }

    /// <summary>ln(1 + x) to a few ulps (Goldberg's trick); .NET's <c>double.LogP1</c> is <c>Log(x + 1)</c>.</summary>
    private static double Log1P(double x)
    {
        var u = 1 + x;
        return u == 1 ? x : Math.Log(u) * x / (u - 1);
    }
}
