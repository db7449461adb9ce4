using DriftJobs.Core.Performance;
using DriftJobs.Core.Profiles;
using DriftJobs.Core.Reports;

namespace DriftJobs.Jobs.Tests;

/// <summary>
/// A drift report with a performance section of known numbers, built through the analyzer the detector uses: a binary
/// classifier 90 % right on its 1,000 validation rows (TP 400, TN 500, FN 50, FP 50) and, over the evaluated window's
/// four hours of 250 predictions, 700 labels of which 510 right (accuracy 0.728571…): degraded, CRITICAL.
/// </summary>
internal static class PerformanceReport
{
    public const int DelayHours = 6;

    public static DriftReport Create(string model, DateTimeOffset end)
    {
        var reference = new ReferencePerformanceBuilder(PerformanceTask.Classification, "1");
        Add(reference.Add, 400, "1", "1", 0.8);
        Add(reference.Add, 500, "0", "0", 0.2);
        Add(reference.Add, 50, "1", "0", 0.2);
        Add(reference.Add, 50, "0", "1", 0.8);
        var evaluated = new ReportWindow { Start = end.AddHours(-DelayHours - 4), End = end.AddHours(-DelayHours), Hours = 4 };
        var window = new WindowPerformance(PerformanceTask.Classification, [.. Enumerable.Range(0, 4).Select(h => evaluated.Start.AddHours(h))], "1");
        (int Tp, int Tn, int Fn, int Fp)[] hours = [(90, 70, 20, 20), (80, 60, 30, 30), (80, 60, 30, 30), (40, 30, 15, 15)];
        for (var h = 0; h < hours.Length; h++)
        {
            var hour = h;
            Add((l, p, s) => window.AddClassification(hour, l!, p!, s), hours[h].Tp, "1", "1", 0.8);
            Add((l, p, s) => window.AddClassification(hour, l!, p!, s), hours[h].Tn, "0", "0", 0.2);
            Add((l, p, s) => window.AddClassification(hour, l!, p!, s), hours[h].Fn, "1", "0", 0.2);
            Add((l, p, s) => window.AddClassification(hour, l!, p!, s), hours[h].Fp, "0", "1", 0.8);
            while (window[h].Predictions < 250)
            {
                window.AddUnlabelled(h);
            }
        }

        var groundTruth = new GroundTruthCounts
        {
            FilesRead = 2, Rows = 700, Duplicates = 0, WithoutPrediction = 0, Invalid = 0, RowsOfOtherModels = 0, JoinPartitions = 1, Skipped = [],
        };
        var trend = new PerformanceTrend { Series = "error_rate", HoursSeen = 12, LastHour = evaluated.End.AddHours(-1), Statistic = 0.625, Delta = 0.005, Lambda = 0.5, Alarm = true };
        var (section, alerts) = PerformanceAnalyzer.Analyze(window, reference.Build("validation.parquet", out _), PerformanceThresholds.Defaults, evaluated, DelayHours, groundTruth, trend);

        var builder = new BaselineBuilder(new BaselineBuildOptions());
        builder.AddNumeric("x", LogFiles.Normal(new Random(1), 500).Select(v => v!.Value).ToArray());
        builder.AddRows(500);
        var profile = new WindowProfile(builder.Build(model, "1", "test", end.AddDays(-1)));
        profile.AddNumeric("x", LogFiles.Normal(new Random(2), 300).Select(v => v!.Value).ToArray());
        profile.AddRows(300);
        var report = DriftAnalyzer.Analyze(profile, new ReportWindow { Start = end.AddHours(-4), End = end, Hours = 4 }, new DriftThresholds());
        return report with { Performance = section, Alerts = [.. report.Alerts, .. alerts] };
    }

    private static void Add(Action<string?, string?, double> add, int count, string label, string prediction, double score)
    {
        for (var i = 0; i < count; i++)
        {
            add(label, prediction, score);
        }
    }
}
