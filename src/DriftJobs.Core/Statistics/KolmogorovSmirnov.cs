using System.Runtime.CompilerServices;

namespace DriftJobs.Core.Statistics;

/// <summary>
/// Kolmogorov–Smirnov p-values computed the way SciPy 1.10 computes them, so that a drift verdict produced here can be
/// reproduced with <c>scipy.stats.ks_2samp</c> by anyone auditing an alert.
/// </summary>
/// <remarks>
/// This is a port of SciPy's algorithms (BSD-3-Clause, Copyright (c) 2001-2002 Enthought, Inc. and 2003-2023 SciPy
/// Developers): <c>scipy/stats/_stats_py.py</c> (<c>ks_2samp</c>, <c>_attempt_exact_2kssamp</c>,
/// <c>_compute_prob_outside_square</c>), <c>scipy/stats/_stats_pythran.py</c> (<c>_compute_outer_prob_inside_method</c>),
/// <c>scipy/stats/_ksstats.py</c> (<c>_kolmogn</c> and its Durbin/MTW, Pomeranz and Pelz–Good helpers) and
/// <c>scipy/special/cephes/kolmogorov.c</c> (<c>smirnov</c>, with the double-double arithmetic of <c>dd_real</c>).
/// Branch thresholds and evaluation order are kept so results agree with SciPy to rounding. Known differences: SciPy's
/// matrix products go through BLAS and its rescaling constant is a <c>longdouble</c>, so the Durbin and Pomeranz
/// branches can differ from SciPy in the last few bits; and for 10^4 &lt; n &lt;= 10^6 with 2.2 &lt;= n·d² &lt; 370
/// (p between about 1e-320 and 0.03), where SciPy sums its Smirnov series term by term (O(n), about a second per
/// p-value at n = 10^6, which with dozens of drifted features dominated a detector run), the same series is summed
/// over coarse steps with a convergence check (tens of microseconds), agreeing with the term-by-term sum to about
/// 1e-13 relative wherever the result is a normal double (below 1e-300 both lose precision to underflow).
/// <para>
/// Cost: the exact two-sample regime is O(n1·n2) in the worst case (tens of milliseconds for typical statistics at
/// 10,000 × 10,000, about a second when d is close to 1); <see cref="KolmogorovSurvival"/> is O(1) or O(log n), or
/// O(n) for n &lt;= 10^4 in the Smirnov branch. Above 10^6 SciPy's closed-form approximation is used.
/// </para>
/// </remarks>
internal static class KolmogorovSmirnov
{
    // ks_2samp(method='auto') is exact only while both samples have at most this many values.
    private const long MaxExactSampleSize = 10_000;

    /// <summary>
    /// Two-sided two-sample p-value as <c>scipy.stats.ks_2samp(x, y, method='auto')</c> returns it for the statistic
    /// <paramref name="d"/> and sample sizes <paramref name="n1"/> and <paramref name="n2"/>.
    /// </summary>
    /// <remarks>
    /// When both sizes are at most 10,000 the exact lattice-path probability is used, after rounding
    /// <paramref name="d"/> to the nearest multiple of 1/lcm(n1, n2) as SciPy does (falling back to the asymptotic
    /// value if the exact computation leaves [0, 1]); otherwise <c>kstwo.sf(d, round(n1*n2/(n1+n2)))</c>.
    /// Returns 1 for <paramref name="d"/> &lt;= 0, and NaN when <paramref name="d"/> is NaN or either sample is empty
    /// (SciPy raises for empty samples; a NaN p-value lets callers report "not testable" instead).
    /// </remarks>
    public static double TwoSamplePValue(double d, long n1, long n2)
    {
        if (n1 <= 0 || n2 <= 0 || double.IsNaN(d))
        {
            return double.NaN;
        }

        if (d <= 0)
        {
            return 1.0;
        }

        double probability = double.NaN;
        var exactSucceeded = false;
        if (Math.Max(n1, n2) <= MaxExactSampleSize)
        {
            (exactSucceeded, d, probability) = AttemptExactTwoSample(n1, n2, d);
        }

        if (!exactSucceeded)
        {
            // Sorted so the larger size comes first, exactly as SciPy forms the effective sample size.
            double m = Math.Max(n1, n2);
            double n = Math.Min(n1, n2);
            var effective = m * n / (m + n);
            probability = SurvivalForSampleSize(d, Math.Round(effective, MidpointRounding.ToEven));
        }

        return Math.Clamp(probability, 0.0, 1.0);
    }

    /// <summary>
    /// <c>scipy.stats.kstwo.sf(d, n)</c>: the probability that the two-sided one-sample KS statistic of a sample of
    /// size <paramref name="n"/> is at least <paramref name="d"/>.
    /// </summary>
    /// <remarks>1 for d &lt;= 0.5/n, 0 for d &gt;= 1, NaN for n &lt; 1 or NaN d.</remarks>
    public static double KolmogorovSurvival(double d, long n) => SurvivalForSampleSize(d, n);

    /// <summary>
    /// <c>scipy.special.smirnov(n, x)</c>, the one-sided survival function; with <paramref name="termByTerm"/> always
    /// by SciPy's series term by term (the reference the faster sum for 10^4 &lt; n &lt;= 10^6 is tested against).
    /// </summary>
    internal static double OneSidedSurvival(long n, double x, bool termByTerm = false) => Smirnov.Survival(n, x, termByTerm);

    // n is a double because ks_2samp passes the rounded effective size; kstwo rejects non-integral or n < 1.
    private static double SurvivalForSampleSize(double d, double n)
    {
        if (double.IsNaN(d) || double.IsNaN(n) || n < 1 || n != Math.Round(n))
        {
            return double.NaN;
        }

        // rv_continuous.sf: the support of kstwo is [0.5/n, 1].
        if (d <= 0.5 / n)
        {
            return 1.0;
        }

        if (d >= 1.0)
        {
            return 0.0;
        }

        return Math.Clamp(KolmogornSurvival((long)n, d), 0.0, 1.0);
    }

    private static (bool Success, double D, double Probability) AttemptExactTwoSample(long n1, long n2, double d)
    {
        var g = GreatestCommonDivisor(n1, n2);
        var lcm = n1 / g * n2;
        var h = (long)Math.Round(d * lcm, MidpointRounding.ToEven);
        d = h * 1.0 / lcm;
        if (h == 0)
        {
            return (true, d, 1.0);
        }

        var probability = n1 == n2
            ? ProbabilityOutsideSquare(n1, h)
            : OuterProbabilityInsideMethod(n1, n2, g, h);
        if (!(probability >= 0 && probability <= 1))
        {
            return (false, d, probability);
        }

        return (true, d, probability);
    }

    private static long GreatestCommonDivisor(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }

    // Pr(D_{n,n} >= h/n) = 2 * (1 - A1*(1 - A2*(1 - ...))) * A0, evaluated Horner-style so the alternating binomial
    // sum does not cancel.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double ProbabilityOutsideSquare(long n, long h)
    {
        var p = 0.0;
        var k = (long)Math.Floor((double)n / h);
        while (k >= 0)
        {
            var p1 = 1.0;
            for (long j = 0; j < h; j++)
            {
                p1 = (n - k * h - j) * p1 / (n + k * h + j + 1);
            }

            p = p1 * (1.0 - p);
            k--;
        }

        return 2 * p;
    }

    // Hodges' "inside method" with Viehmann's recursion for 1 - p: walks the lattice column by column keeping only the
    // sliding window of cells strictly inside |x/m - y/n| < h/lcm.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double OuterProbabilityInsideMethod(long m, long n, long g, long h)
    {
        if (m < n)
        {
            (m, n) = (n, m);
        }

        var mg = m / g;
        var ng = n / g;
        long minj = 0;
        var maxj = Math.Min((long)Math.Ceiling((double)h / mg), n + 1);
        var curlen = maxj - minj;
        var lenA = Math.Min(2 * maxj + 2, n + 1);
        var a = new double[lenA];
        Array.Fill(a, 1.0);
        Array.Fill(a, 0.0, 0, (int)Math.Min(maxj, lenA));
        for (long i = 1; i <= m; i++)
        {
            var lastminj = minj;
            var lastlen = curlen;
            minj = Math.Max((long)Math.Floor((double)(ng * i - h) / mg) + 1, 0);
            minj = Math.Min(minj, n);
            maxj = Math.Min((long)Math.Ceiling((double)(ng * i + h) / mg), n + 1);
            if (maxj <= minj)
            {
                return 1.0;
            }

            var val = minj == 0 ? 0.0 : 1.0;
            for (long jj = 0; jj < maxj - minj; jj++)
            {
                var j = jj + minj;
                val = ((a[jj + minj - lastminj] * i) + (val * j)) / (i + j);
                a[jj] = val;
            }

            curlen = maxj - minj;
            if (lastlen > curlen)
            {
                var start = (int)(maxj - minj);
                var end = (int)Math.Min(maxj - minj + (lastlen - curlen), lenA);
                Array.Fill(a, 1.0, start, end - start);
            }
        }

        return a[maxj - minj - 1];
    }

    // _kolmogn(n, x, cdf=False): Simard & L'Ecuyer's choice between exact and asymptotic methods.
    private static double KolmogornSurvival(long n, double x)
    {
        if (x >= 1.0)
        {
            return 0.0;
        }

        if (x <= 0.0)
        {
            return 1.0;
        }

        var t = n * x;
        if (t <= 1.0)
        {
            // Ruben–Gambino: 1/2n <= x <= 1/n.
            if (t <= 0.5)
            {
                return 1.0;
            }

            double cdf;
            if (n <= 140)
            {
                cdf = 1.0;
                var oneOverN = 1.0 / n;
                var factor = 2 * t - 1;
                for (long i = 1; i <= n; i++)
                {
                    cdf *= i * oneOverN * factor;
                }
            }
            else
            {
                cdf = Math.Exp(LogNFactorialDivNPowN(n) + n * Math.Log(2 * t - 1));
            }

            return Clip(1.0 - cdf);
        }

        if (t >= n - 1)
        {
            // Ruben–Gambino.
            return Clip(2 * Math.Pow(1.0 - x, n));
        }

        if (x >= 0.5)
        {
            // Exact: the one-sided tails cannot both be exceeded.
            return Clip(2 * Smirnov.Survival(n, x));
        }

        var nxSquared = t * x;
        if (n <= 140)
        {
            if (nxSquared <= 0.754693)
            {
                return Clip(1.0 - DurbinMatrixCdf(n, x));
            }

            if (nxSquared <= 4)
            {
                return Clip(1.0 - PomeranzCdf(n, x));
            }

            return Clip(2 * Smirnov.Survival(n, x));
        }

        if (nxSquared >= 370.0)
        {
            return 0.0;
        }

        if (nxSquared >= 2.2)
        {
            return Clip(2 * Smirnov.Survival(n, x));
        }

        double cdfProbability;
        if (nxSquared >= 18.0)
        {
            cdfProbability = 1.0;
        }
        else if (n <= 100_000 && n * Math.Pow(x, 1.5) <= 1.4)
        {
            cdfProbability = DurbinMatrixCdf(n, x);
        }
        else
        {
            cdfProbability = PelzGoodCdf(n, x);
        }

        return Clip(1.0 - cdfProbability);
    }

    private static double Clip(double p) => Math.Clamp(p, 0.0, 1.0);

    private const int ScaleExponent = 128;
    private static readonly double ScaleUp = Math.ScaleB(1.0, ScaleExponent);
    private static readonly double ScaleDown = Math.ScaleB(1.0, -ScaleExponent);

    // Stirling coefficients B_{2j}/(2j)/(2j-1) for j = 8, ..., 1 (from SciPy's _loggamma.pxd).
    private static readonly double[] StirlingCoefficients =
    [
        -2.955065359477124183e-2, 6.4102564102564102564e-3,
        -1.9175269175269175269e-3, 8.4175084175084175084e-4,
        -5.952380952380952381e-4, 7.9365079365079365079e-4,
        -2.7777777777777777778e-3, 8.3333333333333333333e-2,
    ];

    internal static readonly double Log2Pi = Math.Log(2 * Math.PI);

    // log(n! / n^n) by Stirling, with n*log(n) removed up front to avoid cancellation.
    private static double LogNFactorialDivNPowN(long n)
    {
        var rn = 1.0 / n;
        var x = rn / n;
        var poly = 0.0;
        foreach (var c in StirlingCoefficients)
        {
            poly = poly * x + c;
        }

        return Math.Log(n) / 2 - n + Log2Pi / 2 + rn * poly;
    }

    // Durbin's matrix algorithm as organised by Marsaglia, Tsang & Wang: Pr(D_n <= d) is the (k,k) entry of
    // (n!/n^n) H^n, with H of size (2k-1) and powers rescaled by 2^128 to stay in range.
    private static double DurbinMatrixCdf(long n, double d)
    {
        if (d >= 1.0)
        {
            return 1.0;
        }

        var nd = n * d;
        if (nd <= 0.5)
        {
            return 0.0;
        }

        var k = (int)Math.Ceiling(nd);
        var h = k - nd;
        var m = 2 * k - 1;

        var v = new double[m];
        var w = new double[m];
        var fac = 1.0;
        for (var j = 1; j <= m; j++)
        {
            v[j - 1] = 1.0 - Math.Pow(h, j);
            w[j - 1] = fac;
            fac /= j;
            v[j - 1] *= fac;
        }

        var tt = Math.Pow(Math.Max(2 * h - 1.0, 0), m) - 2 * Math.Pow(h, m);
        v[m - 1] = (1.0 + tt) * fac;

        var matrix = new double[m * m];
        for (var i = 1; i < m; i++)
        {
            for (var row = i - 1; row < m; row++)
            {
                matrix[row * m + i] = w[row - (i - 1)];
            }
        }

        for (var row = 0; row < m; row++)
        {
            matrix[row * m] = v[row];
        }

        for (var col = 0; col < m; col++)
        {
            matrix[(m - 1) * m + col] = v[m - 1 - col];
        }

        var power = new double[m * m];
        for (var i = 0; i < m; i++)
        {
            power[i * m + i] = 1.0;
        }

        var scratch = new double[m * m];
        var nn = n;
        var expnt = 0L;
        var matrixExpnt = 0L;
        while (nn > 0)
        {
            if (nn % 2 != 0)
            {
                Multiply(power, matrix, scratch, m);
                (power, scratch) = (scratch, power);
                expnt += matrixExpnt;
            }

            nn /= 2;
            if (nn == 0)
            {
                // SciPy squares once more here, but the result is never used.
                break;
            }

            Multiply(matrix, matrix, scratch, m);
            (matrix, scratch) = (scratch, matrix);
            matrixExpnt *= 2;
            if (Math.Abs(matrix[(k - 1) * m + (k - 1)]) > ScaleUp)
            {
                for (var i = 0; i < matrix.Length; i++)
                {
                    matrix[i] /= ScaleUp;
                }

                matrixExpnt += ScaleExponent;
            }
        }

        var p = power[(k - 1) * m + (k - 1)];
        for (long i = 1; i <= n; i++)
        {
            p = i * p / n;
            if (Math.Abs(p) < ScaleDown)
            {
                p *= ScaleUp;
                expnt -= ScaleExponent;
            }
        }

        if (expnt != 0)
        {
            p = Math.ScaleB(p, (int)expnt);
        }

        return Clip(p);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Multiply(double[] left, double[] right, double[] result, int m)
    {
        Array.Clear(result);
        for (var i = 0; i < m; i++)
        {
            for (var k = 0; k < m; k++)
            {
                var lik = left[i * m + k];
                if (lik == 0)
                {
                    continue;
                }

                for (var j = 0; j < m; j++)
                {
                    result[i * m + j] += lik * right[k * m + j];
                }
            }
        }
    }

    private static (int J1, int J2) PomeranzBounds(int i, int n, int ll, int ceilf, int roundf)
    {
        int j1, j2;
        if (i == 0)
        {
            j1 = -ll - ceilf - 1;
            j2 = ll + ceilf - 1;
        }
        else
        {
            var ip1div2 = (i + 1) / 2;
            var ip1mod2 = (i + 1) % 2;
            if (ip1mod2 == 0)
            {
                if (ip1div2 == n + 1)
                {
                    j1 = n - ll - ceilf - 1;
                    j2 = n + ll + ceilf - 1;
                }
                else
                {
                    j1 = ip1div2 - 1 - ll - roundf - 1;
                    j2 = ip1div2 + ll - 1 + ceilf - 1;
                }
            }
            else
            {
                j1 = ip1div2 - 1 - ll - 1;
                j2 = ip1div2 + ll + roundf - 1;
            }
        }

        return (Math.Max(j1 + 2, 0), Math.Min(j2, n));
    }

    // Pomeranz's recursion (only used for n <= 140): each row is the previous one convolved with one of three
    // truncated Poisson weight vectors; only a contiguous band of each row is non-zero.
    private static double PomeranzCdf(long nLong, double x)
    {
        var n = (int)nLong;
        var t = n * x;
        var ll = (int)Math.Floor(t);
        var f = 1.0 * (t - ll);
        var g = Math.Min(f, 1.0 - f);
        var ceilf = f > 0 ? 1 : 0;
        var roundf = f > 0.5 ? 1 : 0;
        var npwrs = 2 * (ll + 1);
        var gpower = new double[npwrs];
        var twogpower = new double[npwrs];
        var onem2gpower = new double[npwrs];
        gpower[0] = 1.0;
        twogpower[0] = 1.0;
        onem2gpower[0] = 1.0;
        var expnt = 0;
        double gOverN = g / n, twoGOverN = 2 * g / n, oneMinusTwoGOverN = (1 - 2 * g) / n;
        for (var m = 1; m < npwrs; m++)
        {
            gpower[m] = gpower[m - 1] * gOverN / m;
            twogpower[m] = twogpower[m - 1] * twoGOverN / m;
            onem2gpower[m] = onem2gpower[m - 1] * oneMinusTwoGOverN / m;
        }

        var v0 = new double[npwrs];
        var v1 = new double[npwrs];
        v1[0] = 1;
        int v0s = 0, v1s = 0;
        var (j1, j2) = PomeranzBounds(0, n, ll, ceilf, roundf);
        for (var i = 1; i < 2 * n + 2; i++)
        {
            var k1 = j1;
            (v0, v1) = (v1, v0);
            (v0s, v1s) = (v1s, v0s);
            Array.Clear(v1);
            (j1, j2) = PomeranzBounds(i, n, ll, ceilf, roundf);
            var pwrs = i == 1 || i == 2 * n + 1 ? gpower : (i % 2 != 0 ? twogpower : onem2gpower);
            var ln2 = j2 - k1 + 1;
            if (ln2 > 0)
            {
                // conv = np.convolve(V0[k1 - V0s : k1 - V0s + ln2], pwrs[:ln2]); keep conv[j1-k1 : j2-k1+1].
                var offset = k1 - v0s;
                var sourceLength = Math.Min(ln2, npwrs - offset);
                var weightLength = Math.Min(ln2, npwrs);
                var convStart = j1 - k1;
                var convLength = j2 - j1 + 1;
                var max = double.NegativeInfinity;
                for (var c = 0; c < convLength; c++)
                {
                    var index = convStart + c;
                    var sum = 0.0;
                    var lo = Math.Max(0, index - (weightLength - 1));
                    var hi = Math.Min(index, sourceLength - 1);
                    for (var s = lo; s <= hi; s++)
                    {
                        sum += v0[offset + s] * pwrs[index - s];
                    }

                    v1[c] = sum;
                    max = Math.Max(max, sum);
                }

                for (var c = convLength; c < npwrs; c++)
                {
                    max = Math.Max(max, v1[c]);
                }

                if (max > 0 && max < ScaleDown)
                {
                    for (var c = 0; c < npwrs; c++)
                    {
                        v1[c] *= ScaleUp;
                    }

                    expnt -= ScaleExponent;
                }

                v1s = v0s + j1 - k1;
            }
        }

        var ans = v1[n - v1s];
        for (var m = 1; m <= n; m++)
        {
            if (Math.Abs(ans) > ScaleUp)
            {
                ans *= ScaleDown;
                expnt += ScaleExponent;
            }

            ans *= m;
        }

        if (expnt != 0)
        {
            ans = Math.ScaleB(ans, expnt);
        }

        return Clip(ans);
    }

    private static readonly double PiSquared = Math.Pow(Math.PI, 2);
    private static readonly double PiFour = Math.Pow(Math.PI, 4);
    private static readonly double PiSix = Math.Pow(Math.PI, 6);
    private static readonly double Sqrt2Pi = Math.Sqrt(2 * Math.PI);
    private static readonly double Sqrt3 = Math.Sqrt(3);
    private const double MinLogForPelzGood = -708;

    // Pelz–Good: the Li-Chien/Korolyuk expansion K0 + K1/sqrt(n) + K2/n + K3/n^1.5, transformed with Jacobi theta
    // identities into series that converge quickly for small z = x*sqrt(n).
    private static double PelzGoodCdf(long n, double x)
    {
        if (x <= 0.0)
        {
            return 0.0;
        }

        if (x >= 1.0)
        {
            return 1.0;
        }

        var z = Math.Sqrt(n) * x;
        var zSquared = Math.Pow(z, 2);
        var zThree = Math.Pow(z, 3);
        var zFour = Math.Pow(z, 4);
        var zSix = Math.Pow(z, 6);

        var qlog = -PiSquared / 8 / zSquared;
        if (qlog < MinLogForPelzGood)
        {
            return 0.0;
        }

        var q = Math.Exp(qlog);

        var k1a = -zSquared;
        var k1b = PiSquared / 4;

        var k2a = 6 * zSix + 2 * zFour;
        var k2b = (2 * zFour - 5 * zSquared) * PiSquared / 4;
        var k2c = PiFour * (1 - 2 * zSquared) / 16;

        var k3d = PiSix * (5 - 30 * zSquared) / 64;
        var k3c = PiFour * (-60 * zSquared + 212 * zFour) / 16;
        var k3b = PiSquared * (135 * zFour - 96 * zSix) / 4;
        var k3a = -30 * zSix - 90 * Math.Pow(z, 8);

        double k0 = 0, kk1 = 0, kk2 = 0, kk3 = 0;
        var maxk = (int)Math.Ceiling(16 * z / Math.PI);
        for (var k = maxk; k > 0; k--)
        {
            var m = 2L * k - 1;
            double mSquared = m * m, mFour = m * m * m * m, mSix = m * m * m * m * m * m;
            var qpower = Math.Pow(q, 8 * k);
            k0 = k0 * qpower + 1.0;
            kk1 = kk1 * qpower + (k1a + k1b * mSquared);
            kk2 = kk2 * qpower + (k2a + k2b * mSquared + k2c * mFour);
            kk3 = kk3 * qpower + (k3a + k3b * mSquared + k3c * mFour + k3d * mSix);
        }

        k0 = k0 * q * Sqrt2Pi / z;
        kk1 = kk1 * q * Sqrt2Pi / (6 * zFour);
        kk2 = kk2 * q * Sqrt2Pi / (72 * Math.Pow(z, 7));
        kk3 = kk3 * q * Sqrt2Pi / (6480 * Math.Pow(z, 10));

        q = Math.Exp(-PiSquared / 2 / zSquared);
        var sqrt3z = Sqrt3 * z;
        Span<double> k2Terms = maxk <= 64 ? stackalloc double[maxk] : new double[maxk];
        Span<double> k3Terms = maxk <= 64 ? stackalloc double[maxk] : new double[maxk];
        for (var idx = 0; idx < maxk; idx++)
        {
            long ks = maxk - idx;
            double kSquared = ks * ks;
            var kspi = Math.PI * ks;
            var qpwr = Math.Pow(q, kSquared);
            k2Terms[idx] = kSquared * qpwr;
            k3Terms[idx] = (sqrt3z + kspi) * (sqrt3z - kspi) * kSquared * qpwr;
        }

        var k2extra = NumpySum(k2Terms) * (PiSquared * Sqrt2Pi / (-36 * zThree));
        kk2 += k2extra;
        var k3extra = NumpySum(k3Terms) * (PiSquared * Sqrt2Pi / (216 * zSix));
        kk3 += k3extra;

        double nd = n;
        k0 /= Math.Pow(nd, 0.0);
        kk1 /= Math.Pow(nd, 0.5);
        kk2 /= Math.Pow(nd, 1.0);
        kk3 /= Math.Pow(nd, 1.5);
        return 0 + k0 + kk1 + kk2 + kk3;
    }

    // numpy's pairwise summation (add.reduce of a contiguous float64 array), so short sums round identically.
    private static double NumpySum(ReadOnlySpan<double> a) => 0.0 + PairwiseSum(a);

    private static double PairwiseSum(ReadOnlySpan<double> a)
    {
        var n = a.Length;
        if (n < 8)
        {
            var res = 0.0;
            foreach (var value in a)
            {
                res += value;
            }

            return res;
        }

        if (n <= 128)
        {
            Span<double> r = stackalloc double[8];
            a[..8].CopyTo(r);
            var i = 8;
            for (; i < n - (n % 8); i += 8)
            {
                for (var j = 0; j < 8; j++)
                {
                    r[j] += a[i + j];
                }
            }

            var res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++)
            {
                res += a[i];
            }

            return res;
        }

        var n2 = n / 2;
        n2 -= n2 % 8;
        return PairwiseSum(a[..n2]) + PairwiseSum(a[n2..]);
    }
}
