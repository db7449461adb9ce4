using System.Globalization;
using DriftJobs.Core.Reports;
using DriftJobs.Core.Statistics;

namespace DriftJobs.Core.Performance;

/// <summary>
/// Judges an evaluated window's realized performance against the validation reference: the verdict on the primary
/// metric (an effect floor and a one-sided test, both needed, as the feature tests combine effect and significance),
/// label drift, the label coverage, and the alerts they raise.
/// </summary>
internal static class PerformanceAnalyzer
{
    /// <summary>Shares given to classes the validation labels never had, so the chi-square stays finite.</summary>
    private const double UnseenClassCount = 0.5;

    public static (PerformanceSection Section, IReadOnlyList<DriftAlert> Alerts) Analyze(
        WindowPerformance realized,
        ReferencePerformance reference,
        PerformanceThresholds thresholds,
        ReportWindow window,
        int labelDelayHours,
        GroundTruthCounts groundTruth,
        PerformanceTrend? trend = null)
    {
        ArgumentNullException.ThrowIfNull(realized);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(thresholds);
        var metric = thresholds.MetricFor(reference.Task);
        var total = realized.Total();
        var classification = total.Classification is { } c ? ClassificationSummary.From(c.Compute()) : null;
        var regression = total.Regression is { } r ? RegressionSummary.From(r.Compute()) : null;
        var scored = classification?.Count ?? regression?.Count ?? 0;
        var enough = scored >= thresholds.MinLabels;
        var verdict = enough ? Verdict(metric, classification, regression, reference, thresholds) : null;
        var labelDrift = enough && classification is not null && reference.Classification is { } rc ? LabelShares(classification, rc, thresholds) : null;

        var hours = realized.Hours.Select((hour, i) =>
        {
            var h = realized[i];
            return new HourPerformanceSummary(hour, h.Predictions, h.Labelled, h.Coverage, HourValue(metric, h));
        }).ToList();

        var predictions = realized.Predictions;
        var labelled = realized.Labelled;
        var section = new PerformanceSection
        {
            Task = reference.Task,
            Metric = metric,
            Status = enough ? PerformanceStatus.Ok : PerformanceStatus.InsufficientLabels,
            Window = window,
            LabelDelayHours = labelDelayHours,
            Predictions = predictions,
            Labelled = labelled,
            LabelCoverage = predictions == 0 ? null : (double)labelled / predictions,
            Hours = hours,
            GroundTruth = groundTruth,
            Classification = classification,
            Regression = regression,
            Reference = reference,
            Verdict = verdict,
            LabelDrift = labelDrift,
            Trend = trend,
        };
        return (section, Alerts(section, thresholds));
    }

    /// <summary>The primary metric of a summary; null where undefined.</summary>
    public static double? Value(PerformanceMetric metric, ClassificationSummary? classification, RegressionSummary? regression) => metric switch
    {
        PerformanceMetric.Accuracy => classification?.Accuracy,
        PerformanceMetric.F1 => classification?.F1,
        PerformanceMetric.Rmse => regression?.Rmse,
        PerformanceMetric.Mae => regression?.Mae,
        _ => null,
    };

    /// <summary>Lower is better for the error metrics.</summary>
    public static bool HigherIsBetter(PerformanceMetric metric) => metric is PerformanceMetric.Accuracy or PerformanceMetric.F1;

    private static double? HourValue(PerformanceMetric metric, HourPerformance hour) =>
        hour.Classification is { Count: > 0 } c ? Value(metric, ClassificationSummary.From(c.Compute()), null)
        : hour.Regression is { Count: > 0 } r ? Value(metric, null, RegressionSummary.From(r.Compute()))
        : null;

    private static PerformanceVerdict? Verdict(
        PerformanceMetric metric, ClassificationSummary? classification, RegressionSummary? regression, ReferencePerformance reference, PerformanceThresholds t)
    {
        var value = Value(metric, classification, regression);
        var referenceValue = Value(metric, reference.Classification, reference.Regression);
        if (value is not { } v || referenceValue is not { } rv)
        {
            return null;
        }

        var test = metric switch
        {
            PerformanceMetric.Accuracy => DegradationTest.Accuracy(classification!, reference.Classification!),
            PerformanceMetric.F1 => DegradationTest.F1(classification!, reference.Classification!),
            PerformanceMetric.Rmse => DegradationTest.Rmse(regression!, reference.Regression!),
            _ => DegradationTest.Mae(regression!, reference.Regression!),
        };

        var worse = HigherIsBetter(metric) ? rv - v : v - rv;
        var relative = rv != 0 ? worse / Math.Abs(rv) : worse > 0 ? double.PositiveInfinity : 0;
        var significant = test.PValue < t.Alpha;
        var degraded = significant && relative >= t.EffectFloor;
        return new PerformanceVerdict
        {
            Metric = metric,
            Value = v,
            Reference = rv,
            RelativeChange = double.IsFinite(relative) ? relative : double.MaxValue,
            EffectFloor = t.EffectFloor,
            CriticalFloor = t.CriticalFloor,
            Test = test.Test,
            Statistic = double.IsFinite(test.Statistic) ? test.Statistic : null,
            PValue = double.IsNaN(test.PValue) ? null : test.PValue,
            Alpha = t.Alpha,
            Degraded = degraded,
            Severity = !degraded ? null : relative >= t.CriticalFloor ? AlertSeverity.Critical : AlertSeverity.Warning,
        };
    }

    private static LabelDrift? LabelShares(ClassificationSummary window, ClassificationSummary reference, PerformanceThresholds t)
    {
        var classes = window.Classes.Union(reference.Classes, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (classes.Length < 2 || reference.Count == 0 || window.Count == 0)
        {
            return null;
        }

        var observed = new long[classes.Length];
        var expected = new double[classes.Length];
        for (var i = 0; i < classes.Length; i++)
        {
            observed[i] = window.PerClass.FirstOrDefault(p => p.Class == classes[i])?.Support ?? 0;
            var support = reference.PerClass.FirstOrDefault(p => p.Class == classes[i])?.Support ?? 0;
            expected[i] = support > 0 ? support : UnseenClassCount;
        }

        var expectedTotal = expected.Sum();
        var expectedShares = expected.Select(e => e / expectedTotal).ToArray();
        var actualShares = observed.Select(o => (double)o / window.Count).ToArray();
        var chi = ChiSquare.GoodnessOfFit(observed, expectedShares);
        var linf = expectedShares.Zip(actualShares, (e, a) => Math.Abs(e - a)).Max();
        return new LabelDrift
        {
            Classes = classes,
            Expected = expectedShares,
            Actual = actualShares,
            Statistic = chi.Statistic,
            DegreesOfFreedom = chi.DegreesOfFreedom,
            PValue = chi.PValue,
            Linf = linf,
            Drifted = chi.PValue < t.Alpha && linf >= t.EffectFloor,
        };
    }

    private static List<DriftAlert> Alerts(PerformanceSection s, PerformanceThresholds t)
    {
        var alerts = new List<DriftAlert>();
        var range = string.Create(CultureInfo.InvariantCulture, $"[{s.Window.Start:yyyy-MM-dd HH:mm}, {s.Window.End:yyyy-MM-dd HH:mm}) UTC");
        if (s.Verdict is { Degraded: true } v)
        {
            alerts.Add(new DriftAlert(
                v.Severity!.Value,
                AlertCodes.PerformanceDegradation,
                null,
                string.Create(CultureInfo.InvariantCulture,
                    $"{Name(v.Metric)} {v.Value:0.###} against {v.Reference:0.###} on the validation data ({v.RelativeChange * 100:0.0} % worse; {v.Test} p = {v.PValue:0.##E+0}) over {s.Labelled:N0} labelled predictions of {range}")));
        }

        if (s.LabelDrift is { Drifted: true } d)
        {
            alerts.Add(new DriftAlert(
                AlertSeverity.Warning,
                AlertCodes.LabelDrift,
                null,
                string.Create(CultureInfo.InvariantCulture,
                    $"the labels' class shares moved from the validation data's (largest change {d.Linf:0.000}, chi-square p = {d.PValue:0.##E+0}) in {range}: {string.Join(", ", d.Classes.Select((c, i) => $"{c} {d.Expected[i]:0.0%}→{d.Actual[i]:0.0%}"))}")));
        }

        if (s.Trend is { Alarm: true } trend)
        {
            alerts.Add(new DriftAlert(
                AlertSeverity.Warning,
                AlertCodes.PerformanceTrend,
                null,
                string.Create(CultureInfo.InvariantCulture,
                    $"the hourly {trend.Series} has been rising (Page–Hinkley statistic {trend.Statistic:0.###} > {trend.Lambda:0.###} over {trend.HoursSeen} hours, last {trend.LastHour:yyyy-MM-dd HH}:00 UTC)")));
        }

        if (s.Predictions > 0 && s.LabelCoverage < t.MinLabelCoverage)
        {
            alerts.Add(new DriftAlert(
                AlertSeverity.Info,
                AlertCodes.LowLabelCoverage,
                null,
                string.Create(CultureInfo.InvariantCulture,
                    $"{s.Labelled:N0} of {s.Predictions:N0} predictions of {range} have a label ({s.LabelCoverage:0.0%}, below {t.MinLabelCoverage:0%})") +
                (s.Status == PerformanceStatus.InsufficientLabels
                    ? string.Create(CultureInfo.InvariantCulture, $": fewer than {t.MinLabels:N0}, no performance verdict")
                    : string.Empty)));
        }

        return alerts;
    }

    private static string Name(PerformanceMetric metric) => metric switch
    {
        PerformanceMetric.Accuracy => "accuracy",
        PerformanceMetric.F1 => "F1",
        PerformanceMetric.Rmse => "RMSE",
        _ => "MAE",
    };
}
