using System.Globalization;
using System.Text;
using static DriftJobs.Core.Reports.Html.HtmlReportRenderer;

namespace DriftJobs.Core.Reports.Html;

/// <summary>The report's segments: one row per segment, drifted ones first with their drifted features' numbers, then the never-seen ones.</summary>
internal static class SegmentsHtml
{
    public static void Append(StringBuilder html, SegmentsSection s)
    {
        html.Append("<section class=\"card\" id=\"segments\"><div class=\"head\"><h2>Segments <span class=\"muted\">by ")
            .Append(E(string.Join(", ", s.Columns))).Append("</span></h2><span>")
            .Append(s.SegmentsDrifted.ToString(CultureInfo.InvariantCulture)).Append(" of ").Append(s.SegmentsJudged.ToString(CultureInfo.InvariantCulture))
            .Append(" judged segments drifted</span></div>")
            .Append("<p class=\"muted\">").Append(s.TestsInFamily.ToString(CultureInfo.InvariantCulture))
            .Append(" (segment, feature) tests adjusted as one family.</p>")
            .Append("<table><tr><th>Segment</th><th>Rows</th><th>Share (training)</th><th>Verdict</th><th>Drifted features</th></tr>");
        foreach (var segment in s.Segments)
        {
            var verdict = !segment.Judged ? "no verdict" : segment.FeaturesDrifted > 0 ? "drifted" : "no drift";
            html.Append("<tr").Append(segment.FeaturesDrifted > 0 ? " class=\"drifted\"" : "").Append("><td>").Append(E(segment.Key))
                .Append("</td><td>").Append(Count(segment.Rows))
                .Append("</td><td>").Append(Percent(segment.Share)).Append(" (").Append(Percent(segment.BaselineShare)).Append(")")
                .Append("</td><td>").Append(verdict)
                .Append("</td><td>").Append(E(string.Join("; ", segment.Features.Select(Describe)))).Append("</td></tr>");
        }

        html.Append("</table>");
        if (s.Unseen.Rows > 0)
        {
            html.Append("<p>").Append(Count(s.Unseen.Rows)).Append(" rows (").Append(Percent(s.Unseen.Share))
                .Append(") in segments the training data never had: ")
                .Append(E(string.Join(", ", s.Unseen.Top.Select(u => $"{u.Key} ({u.Rows:N0})")))).Append("</p>");
        }

        html.Append("</section>\n");
    }

    private static string Describe(FeatureDrift f) =>
        f.Name + " (" + string.Join(", ", new[]
        {
            f.Psi is { } psi ? "PSI " + Num(psi) : null,
            f.Ks is { } ks ? "D " + Num(ks.Statistic) : null,
            f.ChiSquare is { } chi ? "L∞ " + Num(chi.Linf) : null,
        }.OfType<string>()) + ")";
}
