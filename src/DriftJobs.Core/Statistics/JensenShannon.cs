namespace DriftJobs.Core.Statistics;

internal static class JensenShannon
{
    /// <summary>
    /// Jensen–Shannon distance in base 2 (the square root of the divergence, in [0, 1]), as
    /// scipy.spatial.distance.jensenshannon(p, q, base=2): both vectors are normalised to sum 1 first.
    /// </summary>
    public static double Distance(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        if (p.Length != q.Length)
        {
            throw new ArgumentException("Both distributions need the same support.", nameof(q));
        }

        double sp = 0, sq = 0;
        for (var i = 0; i < p.Length; i++)
        {
            sp += p[i];
            sq += q[i];
        }

        if (sp <= 0 || sq <= 0)
        {
            return double.NaN;
        }

        double divergence = 0;
        for (var i = 0; i < p.Length; i++)
        {
            var pi = p[i] / sp;
            var qi = q[i] / sq;
            var m = (pi + qi) / 2;
            divergence += RelativeEntropy(pi, m) + RelativeEntropy(qi, m);
        }

        divergence /= 2 * Math.Log(2);
        return Math.Sqrt(Math.Max(0, divergence));
    }

    private static double RelativeEntropy(double x, double y) => x > 0 ? x * Math.Log(x / y) : 0;
}
