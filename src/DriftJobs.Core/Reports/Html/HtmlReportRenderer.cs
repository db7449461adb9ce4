using System.Globalization;
using System.Net;
using System.Text;
using DriftJobs.Core.Profiles;

namespace DriftJobs.Core.Reports.Html;

/// <summary>Relative links the page offers; relative so the page works wherever the blobs are served from.</summary>
internal sealed record HtmlReportLinks(string? ReportJson = null);

/// <summary>
/// One drift report as one self-contained HTML page: inline CSS and SVG, no script, font, image or link that
/// leaves the file, so it opens from blob storage inside a locked-down network. Summary first, then the
/// prediction, then every feature (drifted ones first) with its baseline-vs-window chart, statistics and
/// data-quality notes. Every text from the report is HTML-encoded: feature and category names are any Unicode.
/// </summary>
internal static class HtmlReportRenderer
{
    /// <summary>The name of the meta element that carries the window end, for tools reading a saved page.</summary>
    public const string WindowEndMeta = "driftjobs-window-end";

    /// <summary>Up to this many alerts the alert table shows open; more fold into a summary line.</summary>
    private const int MaxAlertsOpen = 10;

    internal const string Style = """
        :root{--base:#5b7db1;--win:#e07b39;--ink:#1f2933;--muted:#616e7c;--line:#d9dee4;--bad:#b42318;--warn:#b54708;--ok:#067647}
        *{box-sizing:border-box}
        body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:#f6f7f9}
        main{max-width:1080px;margin:0 auto;padding:24px}
        h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:0}
        .muted{color:var(--muted)}
        .card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:16px 18px;margin:0 0 16px}
        .verdict{display:inline-block;font-weight:700;padding:2px 10px;border-radius:12px;color:#fff}
        .v-drift{background:var(--bad)}.v-ok{background:var(--ok)}.v-none{background:var(--muted)}
        .kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px;margin:12px 0}
        .kpi{border:1px solid var(--line);border-radius:6px;padding:8px 10px}.kpi b{display:block;font-size:18px}
        table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
        th{font-weight:600;color:var(--muted)}
        .sev{font-weight:700}.s-CRITICAL{color:var(--bad)}.s-WARNING{color:var(--warn)}.s-INFO{color:var(--muted)}
        .toc{display:flex;flex-wrap:wrap;gap:6px}.toc a{text-decoration:none;border:1px solid var(--line);border-radius:12px;padding:1px 9px;color:var(--ink);background:#fff}
        .toc a.drifted{border-color:var(--bad);color:var(--bad)}
        .head{display:flex;flex-wrap:wrap;gap:8px;align-items:baseline;justify-content:space-between}
        .badge{font-size:12px;font-weight:700;border-radius:10px;padding:1px 8px;border:1px solid currentColor}
        .b-drifted{color:var(--bad)}.b-significant{color:var(--bad)}.b-minor{color:var(--warn)}.b-none{color:var(--ok)}.b-unjudged{color:var(--muted)}
        .feature{display:grid;grid-template-columns:minmax(0,1fr) 310px;gap:16px}
        @media (max-width:860px){.feature{grid-template-columns:1fr}}
        .stats td:first-child{color:var(--muted);white-space:nowrap}
        svg.chart{width:100%;height:auto;display:block;overflow:visible}
        .legend{font-size:12px;color:var(--muted)}.sw{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px;vertical-align:-1px}
        ul.notes{margin:8px 0 0;padding-left:18px}ul.notes li{color:var(--warn)}
        footer{color:var(--muted);font-size:12px;margin-top:24px}
        .perf h3{font-size:15px;margin:16px 0 6px}.perf-verdict{font-weight:600}
        .grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:16px}
        th.n,td.n{text-align:right;font-variant-numeric:tabular-nums}tr.primary td{font-weight:600}
        table.cm,table.label-shares{width:auto}.cm td.hit{background:#ecf5ee;font-weight:600}.perf-hours td:first-child{white-space:nowrap}
        """;

    /// <param name="history">The model version's recent windows, drawn as a heatmap after the summary (latest.html).</param>
    public static string Render(DriftReport report, HtmlReportLinks? links = null, History.DriftHistorySeries? history = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        links ??= new HtmlReportLinks();
        var html = new StringBuilder(16_384 + (report.Features.Count * 4_096));
        var model = $"{report.ModelName} v{report.ModelVersion}";
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
            .Append("<meta name=\"").Append(WindowEndMeta).Append("\" content=\"").Append(Iso(report.Window.End)).Append("\">")
            .Append("<title>").Append(E($"Drift report {model}, window ending {Stamp(report.Window.End)}")).Append("</title>")
            .Append("<style>").Append(Style).Append("</style></head><body><main>\n");

        Summary(html, report, model);
        if (report.Segments is { } segments)
        {
            SegmentsHtml.Append(html, segments);
        }

        Alerts(html, report);
        if (history is not null)
        {
            HistoryHtml.Append(html, history, report.Settings);
        }

        if (report.Performance is { } performance)
        {
            PerformanceHtml.Append(html, performance);
        }

        Contents(html, report);
        if (report.Prediction is { } prediction)
        {
            Feature(html, prediction, "prediction", "Prediction (against the training label)", report);
        }

        var ordered = report.Features
            .Select((f, i) => (Feature: f, Index: i))
            .OrderByDescending(x => x.Feature.Drifted)
            .ThenByDescending(x => x.Feature.Judged)
            .ThenByDescending(x => x.Feature.Severity)
            .ThenBy(x => x.Index);
        foreach (var (feature, index) in ordered)
        {
            Feature(html, feature, Anchor(index), feature.Name, report);
        }

        html.Append("<footer>Written by the DriftJobs drift detector. Thresholds: PSI ≥ ").Append(Num(report.Settings.PsiThreshold))
            .Append(", adjusted p &lt; ").Append(Num(report.Settings.KsPValueThreshold))
            .Append(" with effect ≥ ").Append(Num(report.Settings.KsMinStatistic))
            .Append(" (").Append(E(MultipleTestingName(report))).Append("), at least ").Append(report.Settings.MinSamples.ToString(CultureInfo.InvariantCulture))
            .Append(" values.");
        if (links.ReportJson is { } json)
        {
            html.Append(" The same report as JSON: <a href=\"").Append(E(json)).Append("\">").Append(E(json)).Append("</a>.");
        }

        html.Append("</footer>\n</main></body></html>\n");
        return html.ToString();
    }

    private static void Summary(StringBuilder html, DriftReport report, string model)
    {
        var (verdict, css) = report.Status == ReportStatus.InsufficientData
            ? ("NO VERDICT", "v-none")
            : report.DriftDetected ? ("DRIFT DETECTED", "v-drift") : ("NO DRIFT", "v-ok");
        html.Append("<section class=\"card summary\"><h1>Drift report: ").Append(E(model)).Append("</h1>")
            .Append("<p class=\"muted\">Window ").Append(Stamp(report.Window.Start)).Append(" to ").Append(Stamp(report.Window.End))
            .Append(" (").Append(report.Window.Hours.ToString(CultureInfo.InvariantCulture)).Append(" h), baseline of ")
            .Append(Stamp(report.Baseline.CreatedAt)).Append(" (").Append(Count(report.Baseline.Rows)).Append(" training rows)</p>")
            .Append("<span class=\"verdict ").Append(css).Append("\">").Append(verdict).Append("</span>");
        if (report.Status == ReportStatus.InsufficientData)
        {
            html.Append(" <span class=\"muted\">fewer than ").Append(Count(report.Settings.MinSamples)).Append(" rows in the window</span>");
        }

        html.Append("<div class=\"kpis\">");
        Kpi(html, "Samples", Count(report.Samples));
        Kpi(html, "Drift score", report.DriftScore is { } score ? Percent(score) : "–");
        Kpi(html, "Features drifted", $"{report.FeaturesDrifted} / {report.FeaturesMonitored}");
        if (report.Prediction is { } prediction)
        {
            Kpi(html, "Prediction drift", !prediction.Judged ? "–" : prediction.Drifted ? "yes" : "no");
        }

        if (report.Performance is { } performance)
        {
            Kpi(html, "Model performance", performance.Verdict switch
            {
                { Degraded: true } => "degraded",
                not null => "not degraded",
                null => "no verdict",
            });
        }

        Kpi(html, "Files read", Count(report.Files.Read));
        Kpi(html, "Files skipped", Count(report.Files.Skipped.Count));
        Kpi(html, "Alerts", report.Alerts.Count == 0
            ? "0"
            : string.Join(" · ", report.Alerts.GroupBy(a => a.Severity).OrderByDescending(g => g.Key).Select(g => $"{g.Count()} {SeverityName(g.Key)}")));
        html.Append("</div>");
        if (report.DriftedFeatures.Count > 0)
        {
            html.Append("<p>Drifted: ").Append(E(string.Join(", ", report.DriftedFeatures))).Append("</p>");
        }

        if (report.PreviousWeek is { } week)
        {
            html.Append("<p>Week before (").Append(E($"{week.Window.Start:yyyy-MM-dd HH:mm} to {week.Window.End:yyyy-MM-dd HH:mm} UTC")).Append("): ")
                .Append(E(week.Status == Seasonal.PreviousWeekStatus.Unavailable ? "not compared: " + week.Reason
                    : week.SeasonalFeatures.Count == 0 ? "no drift is seasonal or persistent."
                    : "seasonal or persistent" + (week.SeasonalSeverity == AlertSeverity.Info ? " (not paged): " : ": ") + string.Join(", ", week.SeasonalFeatures)))
                .Append("</p>");
        }

        if (report.Files.RowsOfOtherModels > 0)
        {
            html.Append("<p class=\"muted\">").Append(Count(report.Files.RowsOfOtherModels)).Append(" rows of other models in the window's files were left out.</p>");
        }

        html.Append("</section>\n");
    }

    internal static void Kpi(StringBuilder html, string label, string value) =>
        html.Append("<div class=\"kpi\"><span class=\"muted\">").Append(label).Append("</span><b>").Append(E(value)).Append("</b></div>");

    private static void Alerts(StringBuilder html, DriftReport report)
    {
        if (report.Alerts.Count == 0)
        {
            return;
        }

        // A long list folds away so the charts stay near the top; each feature's findings repeat in its own section.
        html.Append("<section class=\"card alerts\"><details").Append(report.Alerts.Count <= MaxAlertsOpen ? " open" : "")
            .Append("><summary><h2 style=\"display:inline\">Alerts (").Append(report.Alerts.Count.ToString(CultureInfo.InvariantCulture)).Append(")</h2></summary>")
            .Append("<table><tr><th>Severity</th><th>Code</th><th>Feature</th><th>Message</th></tr>");
        foreach (var alert in report.Alerts.OrderByDescending(a => a.Severity))
        {
            var severity = SeverityName(alert.Severity);
            html.Append("<tr><td class=\"sev s-").Append(severity).Append("\">").Append(severity).Append("</td><td>").Append(E(alert.Code))
                .Append("</td><td>").Append(E(alert.Feature ?? "")).Append("</td><td>").Append(E(alert.Message)).Append("</td></tr>");
        }

        html.Append("</table></details></section>\n");
    }

    private static void Contents(StringBuilder html, DriftReport report)
    {
        if (report.Features.Count == 0)
        {
            return;
        }

        html.Append("<nav class=\"card\"><h2>Features</h2><p class=\"toc\">");
        for (var i = 0; i < report.Features.Count; i++)
        {
            var f = report.Features[i];
            html.Append("<a href=\"#").Append(Anchor(i)).Append('"').Append(f.Drifted ? " class=\"drifted\"" : "").Append('>')
                .Append(E(f.Name)).Append("</a>");
        }

        html.Append("</p></nav>\n");
    }

    private static void Feature(StringBuilder html, FeatureDrift f, string anchor, string title, DriftReport report)
    {
        html.Append("<section class=\"card\" id=\"").Append(anchor).Append("\" data-feature=\"").Append(E(f.Name)).Append("\">")
            .Append("<div class=\"head\"><h2>").Append(E(title)).Append(" <span class=\"muted\">").Append(f.Kind == FeatureKind.Numeric ? "numeric" : "categorical").Append("</span></h2><span>");
        if (f.Drifted)
        {
            html.Append("<span class=\"badge b-drifted\">DRIFTED</span> ");
        }

        if (f.PreviousWeek is { Seasonal: true })
        {
            html.Append("<span class=\"badge b-minor\">as a week earlier</span> ");
        }

        html.Append(f.Judged
            ? $"<span class=\"badge b-{SeverityCss(f.Severity)}\">severity {SeverityCss(f.Severity)}</span>"
            : "<span class=\"badge b-unjudged\">no verdict</span>");
        html.Append("</span></div><div class=\"feature\"><div>");
        Chart.Append(html, f);
        html.Append("</div><table class=\"stats\">");
        Stat(html, "PSI", f.Psi is { } psi ? Num(psi) : "–");
        if (f.Ks is { } ks)
        {
            Stat(html, "KS D", Num(ks.Statistic) + (ks.ExactReference ? "" : " (±1/K)"));
            Stat(html, "KS p", $"{P(ks.PValue)} (adjusted {P(ks.PValueAdjusted)})");
        }

        if (f.ChiSquare is { } chi)
        {
            Stat(html, "χ² (df)", $"{Num(chi.Statistic)} ({chi.DegreesOfFreedom})");
            Stat(html, "χ² p", $"{P(chi.PValue)} (adjusted {P(chi.PValueAdjusted)})");
            Stat(html, "L∞", Num(chi.Linf));
        }

        Stat(html, "JS distance", f.JsDistance is { } js ? Num(js) : "–");
        if (f.WassersteinNormed is { } w)
        {
            Stat(html, "Wasserstein (normed)", Num(w));
        }

        if (f.PreviousWeek is { } week)
        {
            Stat(html, "Week before", !week.Judged ? "no verdict"
                : $"PSI {(week.Psi is { } weekPsi ? Num(weekPsi) : "–")}, {(week.Test == "ks" ? "binned KS D" : "L∞")} {(week.Statistic is { } d ? Num(d) : "–")}, adjusted p {(week.PValueAdjusted is { } wp ? P(wp) : "–")}: {(week.Drifted ? "drifted" : "unchanged")}");
        }

        Stat(html, "Severity", f.Judged ? SeverityCss(f.Severity) : "no verdict");
        if (f.Reasons.Count > 0)
        {
            Stat(html, "Drifted by", string.Join(", ", f.Reasons));
        }

        Stat(html, "Values", $"{Count(f.Valid)} valid of {Count(f.Rows)} rows");
        Stat(html, "Missing", $"{Percent(f.MissingRate)} (training {Percent(f.BaselineMissingRate)})");
        html.Append("</table></div>");
        Notes(html, f, report);
        html.Append("</section>\n");
    }

    private static void Stat(StringBuilder html, string name, string value) =>
        html.Append("<tr><td>").Append(E(name)).Append("</td><td>").Append(E(value)).Append("</td></tr>");

    private static void Notes(StringBuilder html, FeatureDrift f, DriftReport report)
    {
        var notes = report.Alerts
            .Where(a => a.Feature == f.Name && a.Code is not (AlertCodes.FeatureDrift or AlertCodes.PredictionDrift))
            .Select(a => a.Message)
            .ToList();
        if (!f.Judged && f.Rows > 0 && f.Valid < report.Settings.MinSamples)
        {
            notes.Add($"Only {Count(f.Valid)} valid values (at least {Count(report.Settings.MinSamples)} needed for a verdict).");
        }

        if (f.Unseen is { Count: > 0 } unseen && !notes.Any(n => n.Contains("never seen", StringComparison.Ordinal)))
        {
            notes.Add($"{Percent(unseen.Share)} never seen in training: {string.Join(", ", unseen.Top.Select(c => $"{c.Value} ({Count(c.Count)})"))}.");
        }

        if (f.OutOfRangeShare is > 0 and var outside && !report.Alerts.Any(a => a.Feature == f.Name && a.Code == AlertCodes.OutOfRange))
        {
            notes.Add($"{Percent(outside)} outside the training range.");
        }

        if (notes.Count == 0)
        {
            return;
        }

        html.Append("<ul class=\"notes\">");
        foreach (var note in notes)
        {
            html.Append("<li>").Append(E(note)).Append("</li>");
        }

        html.Append("</ul>");
    }

    private static string MultipleTestingName(DriftReport report) => report.Settings.MultipleTesting switch
    {
        Statistics.MultipleTestingMethod.BenjaminiHochberg => "Benjamini–Hochberg",
        Statistics.MultipleTestingMethod.Bonferroni => "Bonferroni",
        _ => "no multiple-testing correction",
    };

    private static string Anchor(int index) => "f" + index.ToString(CultureInfo.InvariantCulture);

    internal static string SeverityName(AlertSeverity severity) => severity.ToString().ToUpperInvariant();

    private static string SeverityCss(DriftSeverity severity) => severity switch
    {
        DriftSeverity.Significant => "significant",
        DriftSeverity.Minor => "minor",
        _ => "none",
    };

    internal static string E(string text) => WebUtility.HtmlEncode(text);

    internal static string Num(double value) =>
        double.IsFinite(value) ? value.ToString(Math.Abs(value) is >= 1e-3 or 0 ? "0.###" : "0.##E+0", CultureInfo.InvariantCulture) : value.ToString(CultureInfo.InvariantCulture);

    internal static string P(double p) => double.IsFinite(p) && p is > 0 and < 1e-3 ? p.ToString("0.##E+0", CultureInfo.InvariantCulture) : Num(p);

    internal static string Percent(double share) => (share * 100).ToString(share is > 0 and < 0.001 ? "0.###" : "0.#", CultureInfo.InvariantCulture) + "%";

    internal static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    internal static string Stamp(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture);

    private static string Iso(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
