using System.Runtime.CompilerServices;

namespace DriftJobs.Core.Statistics;

/// <summary>
/// <c>scipy.special.smirnov(n, x)</c>: survival function of the one-sided statistic D_n+, summed in double-double
/// arithmetic (SciPy's cephes kolmogorov.c after van Mulbregt, arXiv:1802.06966).
/// </summary>
internal static class Smirnov
{
    // Above this n the Smirnov sum takes too long and SciPy switches to an asymptotic approximation.
    private const long MaxComputeN = 1_000_000;
    private const int UpperSumMaxTerms = 3;
    private const int UpperSumMinN = 10;

    // cephes MINLOG: log(2^-1075).
    private const double MinLog = -7.451332191019412076235E2;
    private const int MaxExponent = 960;
    private const double Ln2 = 0.693147180559945309417232121458176568;

    // Above this n (and up to MaxComputeN) the lower sum is evaluated by SmoothLowerSum instead of term by term. Not
    // 10^5: segment drift puts thousands of (segment, feature) tests at effective sizes of 10^4 to 10^5, where the
    // term-by-term sums of those with small p-values were a tenth of a segmented run's CPU (1.1 s at 1M rows).
    internal const long SmoothSumMinN = 10_000;

    /// <param name="n">Sample size.</param>
    /// <param name="x">The statistic.</param>
    /// <param name="termByTerm">Always sum SciPy's series term by term (O(n)); tests compare the fast path with it.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Survival(long n, double x, bool termByTerm = false)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }

        if (!(n > 0 && x >= 0.0 && x <= 1.0))
        {
            return double.NaN;
        }

        if (n == 1)
        {
            return 1 - x;
        }

        if (x == 0.0)
        {
            return 1.0;
        }

        if (x == 1.0)
        {
            return 0.0;
        }

        var alpha = ModNX(n, x, out var nxfl, out _);
        var n1mxfl = n - nxfl - (alpha == 0 ? 0 : 1);
        var n1mxceil = n - nxfl;
        // When alpha is 0 the last term belongs to neither the lower nor the upper summation.
        if (alpha == 0)
        {
            n1mxfl -= 1;
            n1mxceil += 1;
        }

        // x <= 1/n.
        if (nxfl == 0 || (nxfl == 1 && alpha == 0))
        {
            var t = Pow2(1, x, n - 1);
            var cdf = x * t;
            return 1 - cdf;
        }

        // The survival function underflows.
        if (-2 * n * x * x < MinLog)
        {
            return 0;
        }

        // x >= 1 - 1/n.
        if (nxfl >= n - 1)
        {
            return Pow2(1, -x, n);
        }

        if (n > MaxComputeN)
        {
            // p ~ e^(-(6nx+1)^2 / 18n)
            var logp = -Math.Pow(6.0 * n * x + 1, 2) / 18.0 / n;
            if (logp < -Ln2)
            {
                return Math.Exp(logp);
            }

            var cdf = -ExpM1(logp);
            return 1 - cdf;
        }

        // The upper sum alternates in sign with terms much larger than 1, so it is only used for a few terms.
        var nUpperTerms = n - n1mxceil + 1;
        var useUpperSum = nUpperTerms <= 1 && x < 0.5;
        useUpperSum = useUpperSum
            || (n >= UpperSumMinN && nUpperTerms <= UpperSumMaxTerms && x <= 0.5 / Math.Sqrt(n));

        if (!useUpperSum && n > SmoothSumMinN && !termByTerm)
        {
            return SmoothLowerSum(n, x, n1mxfl);
        }

        long start = 0, step = 1, nTerms = n1mxfl + 1;
        var vmid = n / 2;
        var cman = DoubleDouble.One;
        long cexpt = 0;
        DoubleDouble aj;
        var ajSum = DoubleDouble.Zero;
        if (useUpperSum)
        {
            start = n;
            step = -1;
            nTerms = n - n1mxceil + 1;
            aj = Pow4(1, x, 1, 0, n - 1);
        }
        else
        {
            var t2 = Pow4(1, -x, 1, 0, n);
            aj = DoubleDouble.Divide(t2, x);
        }

        ajSum = DoubleDouble.Add(ajSum, aj);
        UpdateBinomial(ref cman, ref cexpt, n, 0);

        for (long j = 1; j < nTerms; j++)
        {
            var v = start + j * step;
            aj = ComputeAv(n, x, v, cman, cexpt);
            if (aj.IsFinite && !aj.IsZero)
            {
                ajSum = DoubleDouble.Add(ajSum, aj);
            }

            // Safe to stop early once the remaining terms cannot change the sum.
            if (!aj.IsZero)
            {
                if (4 * (nTerms - j) * Math.Abs(aj.Hi) < DblEpsilon * ajSum.Hi
                    && j != nTerms - 1)
                {
                    break;
                }
            }
            else if (j > vmid)
            {
                break;
            }

            UpdateBinomial(ref cman, ref cexpt, n, j);
        }

        var prob = DoubleDouble.Multiply(x, ajSum).Hi;
        var sf = step < 0 ? 1 - prob : prob;
        return Math.Clamp(sf, 0, 1);
    }

    private const double DblEpsilon = 2.220446049250313e-16;

    /// <summary>
    /// SciPy's lower sum x·Σ_{j=0..last} A_j, A_j = C(n,j) (x + j/n)^(j−1) (1 − x − j/n)^(n−j), without visiting
    /// every j. For n above 10^4 SciPy adds up to 10^6 terms in double-double arithmetic (about a second per
    /// p-value); here the terms are a smooth bell in j (thousands of terms wide) whose ends are negligible, so
    /// the sum over every integer j equals its trapezoid sums over coarser steps up to an aliasing error that falls
    /// like exp(−2π²(width/step)²). The step starts near an eighth of the bell's width and is halved until two
    /// successive sums agree to 1e-10 (each halving squares the error many times over, so the finer sum is then
    /// accurate far beyond that), at worst down to step 1, which is the series itself. Each term is computed in
    /// log space, in a form without large cancellations (binomial coefficient by Stirling with the powers folded
    /// into log1p deviances), to about 1e-11 relative. The result therefore agrees with the term-by-term series
    /// to far better than the 1e-4 absolute / 1 % relative that asymptotic p-values are held to.
    /// </summary>
    private static double SmoothLowerSum(long n, double x, long last)
    {
        var nx = n * x;
        var width = Math.Sqrt(n) / (4 * x);
        // A power of two, so that halving keeps every earlier sample.
        var step = 1L << Math.Clamp(Math.ILogB(width / 8), 0, 40);

        // Log-sum-exp against the largest coarse term, so terms far below 1e-308 still add up correctly.
        var peak = double.NegativeInfinity;
        for (long j = 0; j <= last; j += step)
        {
            peak = Math.Max(peak, LogTerm(n, x, nx, j));
        }

        var coarse = 0.0;
        for (long j = 0; j <= last; j += step)
        {
            coarse += Math.Exp(LogTerm(n, x, nx, j) - peak);
        }

        var sum = coarse * step;
        while (step > 1)
        {
            var half = step / 2;
            var middles = 0.0;
            for (var j = half; j <= last; j += step)
            {
                middles += Math.Exp(LogTerm(n, x, nx, j) - peak);
            }

            coarse += middles;
            var finer = coarse * half;
            var agree = Math.Abs(finer - sum) <= 1e-10 * finer;
            sum = finer;
            step = half;
            if (agree)
            {
                break;
            }
        }

        // The trapezoid sums leave out end corrections; the series' end terms are vanishingly small in this regime
        // (n·x > 300), which this confirms. Otherwise: the series itself.
        if (step > 1 && Math.Max(LogTerm(n, x, nx, 0), LogTerm(n, x, nx, last)) - peak > -60)
        {
            return Survival(n, x, termByTerm: true);
        }

        return Math.Clamp(Math.Exp(Math.Log(x) + peak + Math.Log(sum)), 0, 1);
    }

    // log A_j. A_0 = (1 − x)^n / x; otherwise, with m = n − j and ln k! = k ln k − k + ½ ln 2πk + s(k):
    // j·log1p(nx/j) + m·log1p(−nx/m) − ln(x + j/n) + ½ ln(n / 2πjm) + s(n) − s(j) − s(m).
    private static double LogTerm(long n, double x, double nx, long j)
    {
        if (j == 0)
        {
            return (n * Log1P(-x)) - Math.Log(x);
        }

        double m = n - j;
        double jd = j;
        return (jd * Log1P(nx / jd)) + (m * Log1P(-nx / m)) - Math.Log(x + (jd / n))
            + (0.5 * (Math.Log(n) - KolmogorovSmirnov.Log2Pi - Math.Log(jd) - Math.Log(m)))
            + StirlingRemainder(n) - StirlingRemainder(jd) - StirlingRemainder(m);
    }

    // ln k! − (k ln k − k + ½ ln 2πk): accurate to 1e-16 from k = 20; only negligible terms have smaller k.
    private static double StirlingRemainder(double k)
    {
        var r = 1 / k;
        var r2 = r * r;
        return r * ((1.0 / 12) - (r2 * ((1.0 / 360) - (r2 * ((1.0 / 1260) - (r2 / 1680))))));
    }

    // floor(n*x) and the remainder, computed exactly.
    private static double ModNX(long n, double x, out long nxFloor, out double nx)
    {
        var nxD = DoubleDouble.Multiply((double)n, x);
        var nxFloorD = DoubleDouble.Floor(nxD);
        var alphaD = DoubleDouble.Subtract(nxD, nxFloorD);
        var alpha = alphaD.Hi;
        nxFloor = (long)nxFloorD.Hi;
        if (alpha == 1)
        {
            nxFloor += 1;
            alpha = 0;
        }

        nx = nxD.Hi;
        return alpha;
    }

    // The binomial coefficient overflows a double, so it is carried as a mantissa in [0.5, 1) and an exponent.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void UpdateBinomial(ref DoubleDouble cman, ref long cexpt, long n, long j)
    {
        var rat = DoubleDouble.Divide((double)(n - j), j + 1.0);
        var man2 = DoubleDouble.Multiply(cman, rat);
        man2 = DoubleDouble.Frexp(man2, out var expt);
        cexpt += expt;
        cman = man2;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static DoubleDouble PowD(DoubleDouble a, long m)
    {
        // dd_npwr would be slower; SciPy trades a little accuracy for time by correcting pow() to first order.
        if (m <= 0)
        {
            if (m == 0)
            {
                return DoubleDouble.One;
            }

            return DoubleDouble.Inverse(PowD(a, -m));
        }

        if (a.IsZero)
        {
            return DoubleDouble.Zero;
        }

        var ans = Math.Pow(a.Hi, m);
        var r = a.Lo / a.Hi;
        var adj = m * r;
        if (Math.Abs(adj) > 1e-8)
        {
            if (Math.Abs(adj) < 1e-4)
            {
                adj += m * r * ((m - 1) / 2.0 * r);
            }
            else
            {
                adj = ExpM1(m * Log1P(r));
            }
        }

        return DoubleDouble.Add(ans, ans * adj);
    }

    private static double Pow2(double a, double b, long m) => PowD(DoubleDouble.Add(a, b), m).Hi;

    private static double NextPowerOf2(double x)
    {
        var q = Math.ScaleB(x, 1 - 53);
        var l = Math.Abs(q + x);
        if (l == 0)
        {
            l = Math.Abs(x);
        }
        else
        {
            var lInt = (int)l;
            if (lInt == l)
            {
                l = lInt;
            }
        }

        return l;
    }

    // a^m as (significand, exponent), splitting the power so intermediate results never leave double range.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static DoubleDouble Pow2Scaled(DoubleDouble a, long m, out long exponent)
    {
        if (m <= 0)
        {
            if (m == 0)
            {
                exponent = 0;
                return DoubleDouble.One;
            }

            var inverse = Pow2Scaled(a, -m, out var aE1);
            var result = DoubleDouble.Frexp(DoubleDouble.Inverse(inverse), out var aE2);
            exponent = -aE1 + aE2;
            return result;
        }

        var y = DoubleDouble.Frexp(a, out var yE);
        if (m == 1)
        {
            exponent = yE;
            return y;
        }

        long maxExpt = MaxExponent;
        if (m * (y.Hi - 1) / y.Hi < -MaxExponent * Ln2)
        {
            var lg2y = Math.Log(y.Hi) / Ln2;
            var lgAns = m * lg2y;
            if (lgAns <= -MaxExponent)
            {
                maxExpt = (int)(NextPowerOf2(-MaxExponent / lg2y + 1) / 2);
            }
        }

        if (m <= maxExpt)
        {
            var ans1 = PowD(y, m);
            var ans = DoubleDouble.Frexp(ans1, out var ansE);
            exponent = ansE + m * yE;
            return ans;
        }

        var q = m / maxExpt;
        var r = m % maxExpt;
        // y^m = (y^maxExpt)^q * y^r
        var y2r = Pow2Scaled(y, r, out var y2rE);
        var y2m = Pow2Scaled(y, maxExpt, out var y2mE);
        var y2mq = Pow2Scaled(y2m, q, out var y2mqE);
        var product = DoubleDouble.Frexp(DoubleDouble.Multiply(y2r, y2mq), out var productE);
        y2mqE += y2mE * q;
        exponent = productE + y2mqE + y2rE + m * yE;
        return product;
    }

    // ((a+b)/(c+d))^m
    private static DoubleDouble Pow4(double a, double b, double c, double d, long m)
    {
        if (m <= 0)
        {
            if (m == 0)
            {
                return DoubleDouble.One;
            }

            return Pow4(c, d, a, b, -m);
        }

        var numerator = DoubleDouble.Add(a, b);
        var denominator = DoubleDouble.Add(c, d);
        if (numerator.IsZero)
        {
            return denominator.IsZero ? new DoubleDouble(double.NaN, double.NaN) : DoubleDouble.Zero;
        }

        if (denominator.IsZero)
        {
            return new DoubleDouble(numerator.Hi < 0 ? double.NegativeInfinity : double.PositiveInfinity, 0);
        }

        return PowD(DoubleDouble.Divide(numerator, denominator), m);
    }

    // A_v(n, x) = Binomial(n, v) * (1-x-v/n)^(n-v) * (x+v/n)^(v-1)
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static DoubleDouble ComputeAv(long n, double x, long v, DoubleDouble cman, long cexpt)
    {
        var t2x = DoubleDouble.Subtract(DoubleDouble.Divide((double)(n - v), n), x);
        var t2 = Pow2Scaled(t2x, n - v, out var t2E);
        var t1x = DoubleDouble.Add(DoubleDouble.Divide((double)v, n), x);
        var t1 = Pow2Scaled(t1x, v - 1, out var t1E);
        var ans = DoubleDouble.Multiply(t1, t2);
        ans = DoubleDouble.Multiply(ans, cman);
        var ansE = cexpt + t1E + t2E;
        return DoubleDouble.ScaleB(ans, ansE);
    }

    // expm1 and log1p accurate to a few ulps (Kahan's tricks); .NET's double.ExpM1/LogP1 simply compute exp(x)-1 and
    // log(x+1).
    private static double ExpM1(double x)
    {
        var u = Math.Exp(x);
        if (u == 1.0)
        {
            return x;
        }

        var um1 = u - 1.0;
        if (um1 == -1.0)
        {
            return -1.0;
        }

        return um1 * x / Math.Log(u);
    }

    private static double Log1P(double x)
    {
        var u = 1.0 + x;
        if (u == 1.0)
        {
            return x;
        }

        return Math.Log(u) * x / (u - 1.0);
    }
}
