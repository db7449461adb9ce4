using DriftJobs.Core.Profiles;

namespace DriftJobs.Core.Tests;

/// <summary>Small builders for baselines and windows from plain arrays.</summary>
internal static class TestData
{
    public static readonly DateTimeOffset Created = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static BaselineProfile Baseline(Dictionary<string, double[]> numeric, Dictionary<string, string?[]>? categorical = null, BaselineBuildOptions? options = null)
    {
        var builder = new BaselineBuilder(options ?? new BaselineBuildOptions());
        var rows = 0L;
        foreach (var (name, values) in numeric)
        {
            builder.AddNumeric(name, values);
            rows = Math.Max(rows, values.Length);
        }

        foreach (var (name, values) in categorical ?? new Dictionary<string, string?[]>())
        {
            builder.AddCategorical(name, values);
            rows = Math.Max(rows, values.Length);
        }

        builder.AddRows(rows);
        return builder.Build("test-model", "1", "unit test", Created);
    }

    public static WindowProfile Window(BaselineProfile baseline, Dictionary<string, double[]> numeric, Dictionary<string, string?[]>? categorical = null)
    {
        var window = new WindowProfile(baseline);
        var rows = 0L;
        foreach (var (name, values) in numeric)
        {
            window.AddNumeric(name, values);
            rows = Math.Max(rows, values.Length);
        }

        foreach (var (name, values) in categorical ?? new Dictionary<string, string?[]>())
        {
            window.AddCategorical(name, values);
            rows = Math.Max(rows, values.Length);
        }

        window.AddRows(rows);
        return window;
    }

    public static double[] Normal(Random random, int n, double mean = 0, double std = 1)
    {
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            // Box–Muller: enough for test data, and independent of the code under test.
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            values[i] = mean + (std * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }

        return values;
    }

    /// <summary>The textbook two-sample D: sort both samples and walk them together.</summary>
    public static double KsStatisticBySorting(double[] x, double[] y)
    {
        var a = x.Order().ToArray();
        var b = y.Order().ToArray();
        int i = 0, j = 0;
        double d = 0;
        while (i < a.Length && j < b.Length)
        {
            var v = Math.Min(a[i], b[j]);
            while (i < a.Length && a[i] == v)
            {
                i++;
            }

            while (j < b.Length && b[j] == v)
            {
                j++;
            }

            d = Math.Max(d, Math.Abs(((double)i / a.Length) - ((double)j / b.Length)));
        }

        return d;
    }
}
