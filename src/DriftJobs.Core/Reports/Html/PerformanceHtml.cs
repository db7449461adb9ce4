using System.Globalization;
using System.Text;
using DriftJobs.Core.Performance;
using static DriftJobs.Core.Reports.Html.HtmlReportRenderer;

namespace DriftJobs.Core.Reports.Html;

/// <summary>
/// The report's "Model performance" section: the verdict in plain words, the evaluated window (which is not the data
/// window: it lies the label delay behind it), coverage hour by hour, the metrics beside the validation reference, the
/// confusion matrix, label drift, the trend detector and what the ground-truth files held. Every text is encoded:
/// class names come from the labels.
/// </summary>
internal static class PerformanceHtml
{
    /// <summary>Above this many classes the confusion matrix would swamp the page; the JSON report keeps it whole.</summary>
    public const int MaxMatrixClasses = 20;

    public static void Append(StringBuilder html, PerformanceSection p)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(p);
        var (badge, css) = Badge(p);
        html.Append("<section class=\"card perf\" id=\"performance\"><div class=\"head\"><h2>Model performance <span class=\"muted\">")
            .Append(p.Task == PerformanceTask.Classification ? "classification" : "regression").Append("</span></h2>")
            .Append("<span class=\"badge ").Append(css).Append("\">").Append(badge).Append("</span></div>")
            .Append("<p class=\"muted\">Evaluated window: predictions logged ").Append(Stamp(p.Window.Start)).Append(" to ").Append(Stamp(p.Window.End))
            .Append(" (").Append(p.Window.Hours.ToString(CultureInfo.InvariantCulture)).Append(" h), label delay ")
            .Append(p.LabelDelayHours.ToString(CultureInfo.InvariantCulture))
            .Append(" h behind the data window, joined with every label that had arrived by this run.</p>")
            .Append("<p class=\"perf-verdict\">").Append(E(Sentence(p))).Append("</p>");

        html.Append("<div class=\"kpis\">");
        Kpi(html, "Predictions", Count(p.Predictions));
        Kpi(html, "Labelled", Count(p.Labelled));
        Kpi(html, "Label coverage", p.LabelCoverage is { } coverage ? Percent(coverage) : "–");
        if (p.Trend is { } trend)
        {
            Kpi(html, "Trend (Page–Hinkley)", trend.Alarm ? "alarm" : "no alarm");
        }

        html.Append("</div><div class=\"grid2\"><div><h3>Metrics</h3>");
        Metrics(html, p);
        html.Append("</div><div><h3>Hour by hour</h3>");
        Hours(html, p);
        html.Append("</div></div>");
        if (p.Classification is { } c)
        {
            ConfusionMatrix(html, c);
        }

        if (p.LabelDrift is { } drift)
        {
            LabelShares(html, drift);
        }

        if (p.Trend is { } t)
        {
            html.Append("<h3>Trend</h3><p class=\"perf-trend\">").Append(E(TrendSentence(t))).Append("</p>");
        }

        GroundTruth(html, p.GroundTruth);
        html.Append("</section>\n");
    }

    /// <summary>The verdict as a person would say it, e.g. "Accuracy 0.71 against 0.9 on validation data: 21% worse, …".</summary>
    public static string Sentence(PerformanceSection p)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (p.Verdict is not { } v)
        {
            var value = PerformanceAnalyzer.Value(p.Metric, p.Classification, p.Regression);
            var measured = value is { } x ? $"{MetricName(p.Metric)} {Num(x)} over {Count(p.Labelled)} labelled predictions" : $"{MetricName(p.Metric)} undefined";
            return p.Status == PerformanceStatus.InsufficientLabels
                ? $"{measured}: too few labels for a verdict."
                : $"{measured}: no verdict (the metric is undefined here or on the validation data).";
        }

        var change = v.RelativeChange == double.MaxValue ? "worse than a perfect reference"
            : v.RelativeChange >= 0 ? $"{Percent(v.RelativeChange)} worse" : $"{Percent(-v.RelativeChange)} better";
        var tested = v.PValue is { } pv ? $"{TestName(v.Test)}, p = {P(pv)}" : TestName(v.Test);
        var significant = v.PValue < v.Alpha ? $"significant ({tested})" : $"not significant ({tested}, α {Num(v.Alpha)})";
        var outcome = v.Degraded
            ? $"degraded ({SeverityName(v.Severity!.Value)})"
            : v.PValue < v.Alpha && v.RelativeChange > 0 ? $"not degraded (below the {Percent(v.EffectFloor)} effect floor)" : "not degraded";
        return $"{Capitalized(MetricName(v.Metric))} {Num(v.Value)} against {Num(v.Reference)} on validation data: {change}, {significant} — {outcome}.";
    }

    internal static string MetricName(PerformanceMetric metric) => metric switch
    {
        PerformanceMetric.Accuracy => "accuracy",
        PerformanceMetric.F1 => "F1",
        PerformanceMetric.Rmse => "RMSE",
        _ => "MAE",
    };

    private static (string Text, string Css) Badge(PerformanceSection p) => p.Verdict switch
    {
        { Degraded: true } v => ($"DEGRADED ({SeverityName(v.Severity!.Value)})", "b-drifted"),
        not null => ("NOT DEGRADED", "b-none"),
        null => ("NO VERDICT", "b-unjudged"),
    };

    private static string TestName(string test) => test switch
    {
        DegradationTest.TwoProportionZ => "two-proportion z test",
        DegradationTest.WelchT => "Welch t test",
        DegradationTest.Bootstrap => "bootstrap",
        _ => test,
    };

    private static string TrendSentence(PerformanceTrend t) =>
        $"Page–Hinkley on the hourly {t.Series.Replace('_', ' ')}: statistic {Num(t.Statistic)} against the alarm threshold λ {Num(t.Lambda)} " +
        $"(δ {Num(t.Delta)}), {Count(t.HoursSeen)} hours seen" + (t.LastHour is { } last ? $", last {Stamp(last)}" : "") +
        (t.Alarm ? " — ALARM: the error has been rising." : " — no alarm.");

    /// <summary>
    /// One row per metric, one column per source of the value: the realized window, its estimate from the scores alone
    /// (when the model's scores were calibrated) and the validation reference.
    /// </summary>
    private static void Metrics(StringBuilder html, PerformanceSection p)
    {
        var rows = new List<(string Name, PerformanceMetric? Metric, string Window, string Estimated, string Reference)>();
        var e = p.Estimate?.Evaluated;
        if (p.Classification is not null || p.Reference.Classification is not null)
        {
            var c = p.Classification;
            var r = p.Reference.Classification;
            var averaged = (c?.PositiveClass ?? r?.PositiveClass) is { } positive ? $" (class {positive})" : " (macro)";
            rows.Add(("Labelled pairs", null, CountOf(c?.Count), e is null ? "–" : CountOf(e.Count), CountOf(r?.Count)));
            rows.Add(("Accuracy", PerformanceMetric.Accuracy, NumOf(c?.Accuracy), Estimated(e?.Accuracy, e?.AccuracyStdError), NumOf(r?.Accuracy)));
            rows.Add(("Precision" + averaged, null, NumOf(c?.Precision), Estimated(e?.Precision, e?.PrecisionStdError), NumOf(r?.Precision)));
            rows.Add(("Recall" + averaged, null, NumOf(c?.Recall), Estimated(e?.Recall, e?.RecallStdError), NumOf(r?.Recall)));
            rows.Add(("F1" + averaged, PerformanceMetric.F1, NumOf(c?.F1), Estimated(e?.F1, e?.F1StdError), NumOf(r?.F1)));
            rows.Add(("ROC AUC", null, Auc(c), "–", Auc(r)));
            rows.Add(("Log loss", null, NumOf(c?.LogLoss), "–", NumOf(r?.LogLoss)));
        }
        else
        {
            var g = p.Regression;
            var r = p.Reference.Regression;
            rows.Add(("Labelled pairs", null, CountOf(g?.Count), "–", CountOf(r?.Count)));
            rows.Add(("MAE", PerformanceMetric.Mae, NumOf(g?.Mae), "–", NumOf(r?.Mae)));
            rows.Add(("RMSE", PerformanceMetric.Rmse, NumOf(g?.Rmse), "–", NumOf(r?.Rmse)));
            rows.Add(("Mean error (prediction − label)", null, NumOf(g?.MeanError), "–", NumOf(r?.MeanError)));
            rows.Add(("R²", null, NumOf(g?.R2), "–", NumOf(r?.R2)));
        }

        var estimated = e is not null;
        html.Append("<table class=\"perf-metrics\"><tr><th>Metric</th><th class=\"n\">This window</th>")
            .Append(estimated ? "<th class=\"n\">Estimated from scores</th>" : "").Append("<th class=\"n\">Validation</th></tr>");
        foreach (var (name, metric, window, estimate, reference) in rows)
        {
            var primary = metric == p.Metric;
            html.Append(primary ? "<tr class=\"primary\">" : "<tr>").Append("<td>").Append(E(name)).Append(primary ? " <span class=\"muted\">(verdict)</span>" : "")
                .Append("</td><td class=\"n\">").Append(E(window)).Append("</td>");
            if (estimated)
            {
                html.Append("<td class=\"n\">").Append(E(estimate)).Append("</td>");
            }

            html.Append("<td class=\"n\">").Append(E(reference)).Append("</td></tr>");
        }

        html.Append("</table>");
        if (p.Estimate is { } estimateSection)
        {
            html.Append("<p class=\"muted\">").Append(E(EstimateSentence(estimateSection))).Append("</p>");
        }
    }

    /// <summary>What was estimated for the data window (before any label), or why nothing was.</summary>
    private static string EstimateSentence(PerformanceEstimate e) =>
        !e.Calibrated ? $"Not estimated from scores: {e.Reason}."
        : e.Window is { Accuracy: { } accuracy } w
            ? $"Estimated from the scores of the report's own window, before its labels: accuracy {Estimated(accuracy, w.AccuracyStdError)}, F1 {Estimated(w.F1, w.F1StdError)} over {CountOf(w.Count)} predictions (validation calibration error {NumOf(e.CalibrationError)}). Scores cannot show concept drift: compare with the realized values once labels arrive."
            : "No scored predictions in the report's own window to estimate from.";

    private static string Estimated(double? value, double? standardError) =>
        value is not { } v ? "–" : standardError is { } se ? $"{Num(v)} ± {Num(se)}" : Num(v);

    private static string Auc(ClassificationSummary? c) =>
        c?.RocAuc is not { } auc ? "–" : c.RocAucMaxError > 0 ? $"{Num(auc)} (±{Num(c.RocAucMaxError)})" : Num(auc);

    private static void Hours(StringBuilder html, PerformanceSection p)
    {
        html.Append("<table class=\"perf-hours\"><tr><th>Hour</th><th class=\"n\">Predictions</th><th class=\"n\">Labelled</th><th class=\"n\">Coverage</th><th class=\"n\">")
            .Append(E(Capitalized(MetricName(p.Metric)))).Append("</th></tr>");
        foreach (var h in p.Hours)
        {
            html.Append("<tr><td>").Append(Stamp(h.Hour)).Append("</td><td class=\"n\">").Append(Count(h.Predictions))
                .Append("</td><td class=\"n\">").Append(Count(h.Labelled))
                .Append("</td><td class=\"n\">").Append(h.LabelCoverage is { } c ? Percent(c) : "–")
                .Append("</td><td class=\"n\">").Append(NumOf(h.Value)).Append("</td></tr>");
        }

        html.Append("</table>");
    }

    private static void ConfusionMatrix(StringBuilder html, ClassificationSummary c)
    {
        html.Append("<h3>Confusion matrix <span class=\"muted\">rows: label, columns: prediction</span></h3>");
        if (c.Classes.Count > MaxMatrixClasses)
        {
            html.Append("<p class=\"muted\">").Append(Count(c.Classes.Count)).Append(" classes: the matrix is in the JSON report.</p>");
            return;
        }

        html.Append("<table class=\"cm\"><tr><th>label \\ prediction</th>");
        foreach (var name in c.Classes)
        {
            html.Append("<th class=\"n\">").Append(E(name)).Append("</th>");
        }

        html.Append("</tr>");
        for (var i = 0; i < c.Classes.Count; i++)
        {
            html.Append("<tr><th>").Append(E(c.Classes[i])).Append("</th>");
            for (var j = 0; j < c.Classes.Count; j++)
            {
                html.Append(i == j ? "<td class=\"n hit\">" : "<td class=\"n\">").Append(Count(c.ConfusionMatrix[i][j])).Append("</td>");
            }

            html.Append("</tr>");
        }

        html.Append("</table>");
    }

    private static void LabelShares(StringBuilder html, LabelDrift d)
    {
        html.Append("<h3>Label drift <span class=\"badge ").Append(d.Drifted ? "b-drifted\">DRIFTED" : "b-none\">no drift").Append("</span></h3>")
            .Append("<p class=\"muted\">").Append(E($"Class shares of the labels against the validation data's: chi-square {Num(d.Statistic)} ({d.DegreesOfFreedom} df), p = {P(d.PValue)}, largest change (L∞) {Num(d.Linf)}."))
            .Append("</p><table class=\"label-shares\"><tr><th>Class</th><th class=\"n\">Validation</th><th class=\"n\">This window</th></tr>");
        for (var i = 0; i < d.Classes.Count; i++)
        {
            html.Append("<tr><td>").Append(E(d.Classes[i])).Append("</td><td class=\"n\">").Append(Percent(d.Expected[i]))
                .Append("</td><td class=\"n\">").Append(Percent(d.Actual[i])).Append("</td></tr>");
        }

        html.Append("</table>");
    }

    private static void GroundTruth(StringBuilder html, GroundTruthCounts g)
    {
        html.Append("<h3>Ground truth</h3><p class=\"muted\">").Append(E(
            $"{Count(g.FilesRead)} files read, {Count(g.Rows)} label rows of this model ({Count(g.Duplicates)} duplicates, the latest kept; " +
            $"{Count(g.WithoutPrediction)} without a prediction in the evaluated window; {Count(g.Invalid)} invalid), " +
            $"{Count(g.RowsOfOtherModels)} rows of other models left out; joined in {Count(g.JoinPartitions)} partition{(g.JoinPartitions == 1 ? "" : "s")}."))
            .Append("</p>");
        if (g.Skipped.Count == 0)
        {
            return;
        }

        html.Append("<ul class=\"notes\">");
        foreach (var skipped in g.Skipped)
        {
            html.Append("<li>").Append(E($"Skipped {skipped.Path}: {skipped.Reason}")).Append("</li>");
        }

        html.Append("</ul>");
    }

    private static string NumOf(double? value) => value is { } v ? Num(v) : "–";

    private static string CountOf(long? value) => value is { } v ? Count(v) : "–";

    private static string Capitalized(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
