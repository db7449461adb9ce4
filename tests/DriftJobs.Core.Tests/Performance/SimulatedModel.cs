namespace DriftJobs.Core.Tests.Performance;

/// <summary>
/// A binary model on simulated rows: each row's true probability of the positive class is logit-normal, its label a
/// Bernoulli draw from it. The model reports that probability (calibrated) or, with <c>sharpen</c> above 1, the same
/// logit multiplied (overconfident: the ranking is right, the probabilities too extreme).
/// </summary>
internal static class SimulatedModel
{
    public static (double Score, bool Label)[] Rows(int seed, int count, double sharpen = 1, double meanLogit = -0.5, double logitSd = 1.5)
    {
        var random = new Random(seed);
        var rows = new (double Score, bool Label)[count];
        for (var i = 0; i < count; i++)
        {
            // Box–Muller; 1 − U keeps the logarithm's argument in (0, 1].
            var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            var logit = meanLogit + (logitSd * normal);
            rows[i] = (Sigmoid(sharpen * logit), random.NextDouble() < Sigmoid(logit));
        }

        return rows;
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
}
