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
/// branches can differ from SciPy in the last few bits; and for 10^5 &lt; n &lt;= 10^6 with 2.2 &lt;= n·d² &lt; 370
/// (p between about 1e-320 and 0.03), where SciPy sums its Smirnov series term by term (O(n), about a second per
/// p-value at n = 10^6, which with dozens of drifted features dominated a detector run), the same series is summed
/// over coarse steps with a convergence check (tens of microseconds), agreeing with the term-by-term sum to about
/// 1e-13 relative wherever the result is a normal double (below 1e-300 both lose precision to underflow).
/// <para>
/// Cost: the exact two-sample regime is O(n1·n2) in the worst case (tens of milliseconds for typical statistics at
/// 10,000 × 10,000, about a second when d is close to 1); <see cref="KolmogorovSurvival"/> is O(1) or O(log n), or
/// O(n) for n &lt;= 10^5 in the Smirnov branch. Above 10^6 SciPy's closed-form approximation is used.
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
    /// by SciPy's series term by term (the reference the faster sum for 10^5 &lt; n &lt;= 10^6 is tested against).
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

    private static readonly double Log2Pi = Math.Log(2 * Math.PI);

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

    /// <summary>
    /// <c>scipy.special.smirnov(n, x)</c>: survival function of the one-sided statistic D_n+, summed in double-double
    /// arithmetic (SciPy's cephes kolmogorov.c after van Mulbregt, arXiv:1802.06966).
    /// </summary>
    private static class Smirnov
    {
        // Above this n the Smirnov sum takes too long and SciPy switches to an asymptotic approximation.
        private const long MaxComputeN = 1_000_000;
        private const int UpperSumMaxTerms = 3;
        private const int UpperSumMinN = 10;

        // cephes MINLOG: log(2^-1075).
        private const double MinLog = -7.451332191019412076235E2;
        private const int MaxExponent = 960;
        private const double Ln2 = 0.693147180559945309417232121458176568;

        // Above this n (and up to MaxComputeN) the lower sum is evaluated by SmoothLowerSum instead of term by term.
        private const long SmoothSumMinN = 100_000;

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
        /// every j. For n above 10^5 SciPy adds up to 10^6 terms in double-double arithmetic (about a second per
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
                + (0.5 * (Math.Log(n) - Log2Pi - Math.Log(jd) - Math.Log(m)))
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

    /// <summary>Unevaluated sum hi + lo of two doubles (QD library's double-double, as used by SciPy's cephes).</summary>
    private readonly record struct DoubleDouble(double Hi, double Lo)
    {
        public static DoubleDouble Zero => new(0.0, 0.0);

        public static DoubleDouble One => new(1.0, 0.0);

        public bool IsZero => Hi == 0.0;

        public bool IsFinite => double.IsFinite(Hi);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static double QuickTwoSum(double a, double b, out double err)
        {
            var s = a + b;
            var c = s - a;
            err = b - c;
            return s;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static double TwoSum(double a, double b, out double err)
        {
            var s = a + b;
            var c = s - a;
            var d = b - c;
            var e = s - c;
            err = (a - e) + d;
            return s;
        }

        // The error term of a product is exact whether found by Dekker splitting (as cephes does) or by a fused
        // multiply-add.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static double TwoProd(double a, double b, out double err)
        {
            var p = a * b;
            err = Math.FusedMultiplyAdd(a, b, -p);
            return p;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static DoubleDouble Add(double a, double b)
        {
            var s = TwoSum(a, b, out var e);
            return new DoubleDouble(s, e);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static DoubleDouble Add(DoubleDouble a, double b)
        {
            var s1 = TwoSum(a.Hi, b, out var s2);
            s2 += a.Lo;
            s1 = QuickTwoSum(s1, s2, out s2);
            return new DoubleDouble(s1, s2);
        }

        // IEEE-style error bound (Briggs and Kahan), which cephes always uses.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static DoubleDouble Add(DoubleDouble a, DoubleDouble b)
        {
            var s1 = TwoSum(a.Hi, b.Hi, out var s2);
            var t1 = TwoSum(a.Lo, b.Lo, out var t2);
            s2 += t1;
            s1 = QuickTwoSum(s1, s2, out s2);
            s2 += t2;
            s1 = QuickTwoSum(s1, s2, out s2);
            return new DoubleDouble(s1, s2);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static DoubleDouble Subtract(DoubleDouble a, DoubleDouble b) => Add(a, new DoubleDouble(-b.Hi, -b.Lo));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static DoubleDouble Subtract(DoubleDouble a, double b)
        {
            var s1 = TwoSum(a.Hi, -b, out var s2);
            s2 += a.Lo;
            s1 = QuickTwoSum(s1, s2, out s2);
            return new DoubleDouble(s1, s2);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static DoubleDouble Multiply(double a, double b)
        {
            var p = TwoProd(a, b, out var e);
            return new DoubleDouble(p, e);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static DoubleDouble Multiply(DoubleDouble a, DoubleDouble b)
        {
            var p1 = TwoProd(a.Hi, b.Hi, out var p2);
            p2 += (a.Hi * b.Lo) + (a.Lo * b.Hi);
            p1 = QuickTwoSum(p1, p2, out p2);
            return new DoubleDouble(p1, p2);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static DoubleDouble Multiply(DoubleDouble a, double b)
        {
            var p1 = TwoProd(a.Hi, b, out var e1);
            var p2 = TwoProd(a.Lo, b, out var e2);
            p1 = QuickTwoSum(p1, e2 + p2 + e1, out e1);
            return new DoubleDouble(p1, e1);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static DoubleDouble Multiply(double a, DoubleDouble b)
        {
            var p1 = TwoProd(a, b.Hi, out var e1);
            var p2 = TwoProd(a, b.Lo, out var e2);
            p1 = QuickTwoSum(p1, e2 + p2 + e1, out e1);
            return new DoubleDouble(p1, e1);
        }

        // dd_accurate_div
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static DoubleDouble Divide(DoubleDouble a, DoubleDouble b)
        {
            var q1 = a.Hi / b.Hi;
            var r = Subtract(a, Multiply(b, q1));
            var q2 = r.Hi / b.Hi;
            r = Subtract(r, Multiply(b, q2));
            var q3 = r.Hi / b.Hi;
            q1 = QuickTwoSum(q1, q2, out q2);
            return Add(new DoubleDouble(q1, q2), q3);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static DoubleDouble Divide(double a, double b) => Divide(new DoubleDouble(a, 0.0), new DoubleDouble(b, 0.0));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static DoubleDouble Divide(DoubleDouble a, double b) => Divide(a, new DoubleDouble(b, 0.0));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static DoubleDouble Inverse(DoubleDouble a) => Divide(One, a);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static DoubleDouble Floor(DoubleDouble a)
        {
            var hi = Math.Floor(a.Hi);
            var lo = 0.0;
            if (hi == a.Hi)
            {
                // The high word is already an integer, so the low word decides.
                lo = Math.Floor(a.Lo);
                hi = QuickTwoSum(hi, lo, out lo);
            }

            return new DoubleDouble(hi, lo);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static DoubleDouble ScaleB(DoubleDouble a, long exponent)
        {
            var e = (int)Math.Clamp(exponent, int.MinValue, int.MaxValue);
            return new DoubleDouble(Math.ScaleB(a.Hi, e), Math.ScaleB(a.Lo, e));
        }

        // Returns b with 0.5 <= |b.Hi| < 1 (or |b.Hi| == 1 with b.Lo of opposite sign) and a = b * 2^exponent.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static DoubleDouble Frexp(DoubleDouble a, out long exponent)
        {
            var man = FrexpDouble(a.Hi, out var e);
            var b1 = Math.ScaleB(a.Lo, -e);
            if (Math.Abs(man) == 0.5 && man * b1 < 0)
            {
                man *= 2;
                b1 *= 2;
                e -= 1;
            }

            exponent = e;
            return new DoubleDouble(man, b1);
        }

        private static double FrexpDouble(double x, out int exponent)
        {
            if (x == 0 || !double.IsFinite(x))
            {
                exponent = 0;
                return x;
            }

            var bits = BitConverter.DoubleToInt64Bits(x);
            var biased = (int)((bits >> 52) & 0x7FF);
            var adjust = 0;
            if (biased == 0)
            {
                // Subnormal: normalise first.
                x *= 18014398509481984.0; // 2^54
                bits = BitConverter.DoubleToInt64Bits(x);
                biased = (int)((bits >> 52) & 0x7FF);
                adjust = -54;
            }

            exponent = biased - 1022 + adjust;
            bits = (bits & ~(0x7FFL << 52)) | (1022L << 52);
            return BitConverter.Int64BitsToDouble(bits);
        }
    }
}
