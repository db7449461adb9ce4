using System.Globalization;
using System.Text;
using DriftJobs.Core.Reports.Index;

namespace DriftJobs.Core.Reports.Html;

/// <summary>Where one index row's links go, relative to the index page (drift-reports/).</summary>
internal sealed record IndexRowLinks(string Latest, string Report);

/// <summary>
/// drift-reports/index.html: every model version of the container on one self-contained page (inline CSS and SVG,
/// nothing fetched, no script), with relative links, so it works served as a static website and saved into a folder
/// of the same layout. Every text is HTML-encoded.
/// </summary>
internal static class IndexHtmlRenderer
{
    /// <summary>The meta element carrying the index revision the page was rendered from (a page never replaces a newer one).</summary>
    public const string RevisionMeta = "driftjobs-index-revision";

    private const string IndexStyle = """
        .scroll{overflow-x:auto}table.index td,table.index th{white-space:nowrap;vertical-align:middle}
        svg.spark{width:168px;height:28px;display:block}
        @media (max-width:640px){main{padding:10px}.hide-narrow{display:none}svg.spark{width:120px}}
        """;

    /// <summary>The revision a rendered page carries; null when it has none (not a page of this renderer).</summary>
    public static long? RevisionOf(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        var marker = $"<meta name=\"{RevisionMeta}\" content=\"";
        var at = html.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var start = at + marker.Length;
        var end = html.IndexOf('"', start);
        return end > start && long.TryParse(html.AsSpan(start, end - start), NumberStyles.None, CultureInfo.InvariantCulture, out var revision) ? revision : null;
    }

    public static string Render(ReportIndex index, Func<ReportIndexRow, IndexRowLinks> links)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(links);
        var html = new StringBuilder(4_096 + (index.Models.Count * 2_048));
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
            .Append("<meta name=\"").Append(RevisionMeta).Append("\" content=\"").Append(index.Revision.ToString(CultureInfo.InvariantCulture)).Append("\">")
            .Append("<title>Drift reports</title><style>").Append(HtmlReportRenderer.Style).Append(IndexStyle).Append("</style></head><body><main>\n")
            .Append("<section class=\"card\"><h1>Drift reports</h1><p class=\"muted\">")
            .Append(HtmlReportRenderer.Count(index.Models.Count)).Append(" model versions, their newest window. Updated ")
            .Append(HtmlReportRenderer.Stamp(index.UpdatedAt)).Append(".</p>");
        var drifting = index.Models.Count(r => r.DriftDetected);
        html.Append("<div class=\"kpis\">");
        HtmlReportRenderer.Kpi(html, "Models", index.Models.Select(r => r.ModelName).Distinct(StringComparer.Ordinal).Count().ToString(CultureInfo.InvariantCulture));
        HtmlReportRenderer.Kpi(html, "Versions drifting", $"{drifting} / {index.Models.Count}");
        html.Append("</div></section>\n<section class=\"card\"><div class=\"scroll\"><table class=\"index\"><tr><th>Model</th><th>Version</th><th>Verdict</th>")
            .Append("<th class=\"n\">Score</th><th class=\"hide-narrow\">Drifted</th><th class=\"hide-narrow\">Window end</th><th class=\"hide-narrow\">Hours</th><th>Score, 7 days</th><th>Report</th></tr>");
        foreach (var row in index.Models)
        {
            var link = links(row);
            var (verdict, css) = row.Status == ReportStatus.InsufficientData
                ? ("no verdict", "b-unjudged")
                : row.DriftDetected ? ("drift", "b-drifted") : ("no drift", "b-none");
            html.Append("<tr data-model=\"").Append(HtmlReportRenderer.E(row.ModelName)).Append("\" data-version=\"").Append(HtmlReportRenderer.E(row.ModelVersion)).Append("\">")
                .Append("<td><a href=\"").Append(HtmlReportRenderer.E(link.Latest)).Append("\">").Append(HtmlReportRenderer.E(row.ModelName)).Append("</a></td>")
                .Append("<td>").Append(HtmlReportRenderer.E(row.ModelVersion)).Append("</td>")
                .Append("<td><span class=\"badge ").Append(css).Append("\">").Append(verdict).Append("</span></td>")
                .Append("<td class=\"n\">").Append(row.DriftScore is { } score ? HtmlReportRenderer.Percent(score) : "–").Append("</td>")
                .Append("<td class=\"hide-narrow\">").Append(row.FeaturesDrifted.ToString(CultureInfo.InvariantCulture)).Append(" / ")
                .Append(row.FeaturesMonitored.ToString(CultureInfo.InvariantCulture)).Append("</td>")
                .Append("<td class=\"hide-narrow\">").Append(HtmlReportRenderer.Stamp(row.Window.End)).Append("</td>")
                .Append("<td class=\"hide-narrow\">").Append(row.Window.Hours.ToString(CultureInfo.InvariantCulture)).Append("</td><td>");
            Sparkline(html, row);
            html.Append("</td><td><a href=\"").Append(HtmlReportRenderer.E(link.Report)).Append("\">report</a></td></tr>");
        }

        html.Append("</table></div></section>\n<footer>Written by the DriftJobs drift detector after each run. Each model's name opens its latest report; ")
            .Append("“report” opens the version's newest window.</footer>\n</main></body></html>\n");
        return html.ToString();
    }

    private static void Sparkline(StringBuilder html, ReportIndexRow row)
    {
        html.Append("<svg class=\"spark\" viewBox=\"0 0 168 28\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"")
            .Append(HtmlReportRenderer.E($"Drift score of {row.ModelName} {row.ModelVersion} over the last 7 days")).Append("\">")
            .Append("<path d=\"M0 26.5h168\" stroke=\"#d9dee4\"/><path class=\"score\" fill=\"none\" stroke=\"#e07b39\" stroke-width=\"1.5\" vector-effect=\"non-scaling-stroke\" d=\"")
            .Append(HistoryHtml.LinePath(row.WeekScores, 0.5, 167, 24, 2)).Append("\"/></svg>");
    }
}
