namespace DriftJobs.Core.Statistics;

// Placeholder: Stephens' asymptotic approximation, replaced by the port of scipy's exact/kstwo computation.
internal static class KolmogorovSmirnov
{
    public static double TwoSamplePValue(double d, long n1, long n2)
    {
        var en = (double)n1 * n2 / (n1 + n2);
        var lambda = (Math.Sqrt(en) + 0.12 + (0.11 / Math.Sqrt(en))) * d;
        double sum = 0;
        for (var k = 1; k < 100; k++)
        {
            sum += 2 * ((k % 2 == 1) ? 1 : -1) * Math.Exp(-2 * k * k * lambda * lambda);
        }

        return Math.Clamp(sum, 0, 1);
    }
}
