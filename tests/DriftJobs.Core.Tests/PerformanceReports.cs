using DriftJobs.Core.Performance;
using DriftJobs.Core.Reports;

namespace DriftJobs.Core.Tests;

/// <summary>
/// Reports with a performance section whose numbers are known by hand, built through the analyzer the detector uses.
/// Binary classification, positive class "1": the validation data is 90 % right (TP 400, TN 500, FN 50, FP 50); the
/// evaluated window's four hours hold 250 predictions each, of which hours 0–2 have 200 labels and hour 3 has 100.
/// Hour 0 is 80 % right (TP 90, TN 70, FN 20, FP 20), the others 70 % ((80, 60, 30, 30) and half of it): in all
/// 510 of 700 right, accuracy 0.728571…, 19 % worse than 0.9; the labels are 55 % class 1 against 45 % in validation.
/// </summary>
internal static class PerformanceReports
{
    public static readonly DateTimeOffset DataEnd = TestData.Created.AddHours(24);
    public const int DelayHours = 6;

    public static DriftReport Classification(string positive = "1", string negative = "0")
    {
        var reference = new ReferencePerformanceBuilder(PerformanceTask.Classification, positive);
        AddReference(reference, positive, positive, 400, 0.8);
        AddReference(reference, negative, negative, 500, 0.2);
        AddReference(reference, positive, negative, 50, 0.2);
        AddReference(reference, negative, positive, 50, 0.8);
        var window = new WindowPerformance(PerformanceTask.Classification, Hours(), positive);
        (int Tp, int Tn, int Fn, int Fp)[] hours = [(90, 70, 20, 20), (80, 60, 30, 30), (80, 60, 30, 30), (40, 30, 15, 15)];
        for (var h = 0; h < hours.Length; h++)
        {
            Add(window, h, positive, positive, hours[h].Tp, 0.8);
            Add(window, h, negative, negative, hours[h].Tn, 0.2);
            Add(window, h, positive, negative, hours[h].Fn, 0.2);
            Add(window, h, negative, positive, hours[h].Fp, 0.8);
            while (window[h].Predictions < 250)
            {
                window.AddUnlabelled(h);
            }
        }

        var trend = new PerformanceTrend
        {
            Series = "error_rate",
            HoursSeen = 30,
            LastHour = DataEnd.AddHours(-DelayHours - 1),
            Statistic = 0.625,
            Delta = 0.005,
            Lambda = 0.5,
            Alarm = true,
        };
        return With(window, reference.Build("validation.parquet", out _), trend);
    }

    /// <summary>Regression: validation errors ±1 (MAE 1, RMSE 1, mean error 0); the window's +3 and −1 (MAE 2, RMSE √5, mean error 1).</summary>
    public static DriftReport Regression()
    {
        var reference = new ReferencePerformanceBuilder(PerformanceTask.Regression, null);
        for (var i = 0; i < 1000; i++)
        {
            reference.Add(i % 50, (i % 50) + (i % 2 == 0 ? 1 : -1));
        }

        var window = new WindowPerformance(PerformanceTask.Regression, Hours());
        for (var h = 0; h < 4; h++)
        {
            for (var i = 0; i < 250; i++)
            {
                window.AddRegression(h, i % 50, (i % 50) + (i % 2 == 0 ? 3 : -1));
            }
        }

        return With(window, reference.Build("validation.parquet", out _), trend: null);
    }

    public static DriftReport WithoutPerformance()
    {
        var random = new Random(5);
        var baseline = TestData.Baseline(new() { ["x"] = TestData.Normal(random, 1000) });
        return DriftAnalyzer.Analyze(TestData.Window(baseline, new() { ["x"] = TestData.Normal(random, 500) }),
            new ReportWindow { Start = DataEnd.AddHours(-4), End = DataEnd, Hours = 4 }, new DriftThresholds());
    }

    private static DriftReport With(WindowPerformance window, ReferencePerformance reference, PerformanceTrend? trend)
    {
        var evaluated = new ReportWindow { Start = DataEnd.AddHours(-DelayHours - 4), End = DataEnd.AddHours(-DelayHours), Hours = 4 };
        var groundTruth = new GroundTruthCounts
        {
            FilesRead = 3,
            Rows = 712,
            Duplicates = 5,
            WithoutPrediction = 7,
            Invalid = 0,
            RowsOfOtherModels = 40,
            JoinPartitions = 1,
            Skipped = [new SkippedFile("ground-truth/year=2026/month=01/day=01/hour=20/<bad>.parquet", "not a Parquet file")],
        };
        var (section, alerts) = PerformanceAnalyzer.Analyze(window, reference, PerformanceThresholds.Defaults, evaluated, DelayHours, groundTruth, trend);
        var report = WithoutPerformance();
        return report with { Performance = section, Alerts = [.. report.Alerts, .. alerts] };
    }

    private static List<DateTimeOffset> Hours() =>
        [.. Enumerable.Range(0, 4).Select(h => DataEnd.AddHours(-DelayHours - 4 + h))];

    private static void AddReference(ReferencePerformanceBuilder builder, string label, string prediction, int count, double score)
    {
        for (var i = 0; i < count; i++)
        {
            builder.Add(label, prediction, score);
        }
    }

    private static void Add(WindowPerformance window, int hour, string label, string prediction, int count, double score)
    {
        for (var i = 0; i < count; i++)
        {
            window.AddClassification(hour, label, prediction, score);
        }
    }
}
