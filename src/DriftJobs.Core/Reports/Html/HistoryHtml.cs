using System.Globalization;
using System.Text;
using DriftJobs.Core.Reports.History;

namespace DriftJobs.Core.Reports.Html;

/// <summary>
/// The history section of latest.html: a features × hours heatmap of PSI (drifted hours underlined) and the drift
/// score's line over the same hours, as inline SVG. Cells of one colour that follow each other in a row are one
/// rectangle of one path per colour, so a week of fifty features stays a few tens of KB.
/// </summary>
internal static class HistoryHtml
{
    /// <summary>PSI colours from "far below the threshold" to "twice it or more"; the bounds are fractions of the threshold.</summary>
    private static readonly (double Below, string Colour, string Label)[] Scale =
    [
        (0.25, "#e8eef6", "< ¼ threshold"),
        (0.5, "#fbe3c4", "< ½"),
        (1, "#f4b06b", "< threshold"),
        (2, "#dd6b2c", "< 2× threshold"),
        (double.PositiveInfinity, "#9f1d12", "≥ 2×"),
    ];

    private const string NoPsiColour = "#c3cad3";
    private const double LabelWidth = 150;
    private const double CellWidth = 4;
    private const double RowHeight = 14;
    private const double Top = 18;
    private const double LineHeight = 70;

    public static void Append(StringBuilder html, DriftHistorySeries series, ReportThresholds settings)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(settings);
        var hours = series.Hours.Count;
        html.Append("<section class=\"card history\" id=\"history\"><h2>Last ").Append(Days(hours)).Append("</h2><p class=\"muted\">")
            .Append(series.Windows.ToString(CultureInfo.InvariantCulture)).Append(" of ").Append(hours.ToString(CultureInfo.InvariantCulture))
            .Append(" hourly windows of version ").Append(HtmlReportRenderer.E(series.ModelVersion)).Append(" recorded, up to ")
            .Append(HtmlReportRenderer.Stamp(series.Hours[^1])).Append(". PSI per feature and hour; a dark bar under a cell marks a drifted feature.</p>");
        if (series.Windows == 0)
        {
            html.Append("</section>\n");
            return;
        }

        var width = LabelWidth + (hours * CellWidth) + 4;
        html.Append("<div style=\"overflow-x:auto\"><svg class=\"heatmap\" viewBox=\"0 0 ").Append(F(width)).Append(' ')
            .Append(F(Top + (series.Features.Count * RowHeight) + 2)).Append("\" style=\"min-width:").Append(F(width * 0.75))
            .Append("px;width:100%;height:auto;display:block\" role=\"img\" aria-label=\"PSI per feature and hour\">");
        DayLines(html, series, Top + (series.Features.Count * RowHeight));
        html.Append("<g font-size=\"11\" fill=\"#1f2933\">");
        for (var f = 0; f < series.Features.Count; f++)
        {
            var name = series.Features[f];
            var shown = name.Length > 22 ? name[..10] + "…" + name[^10..] : name;
            html.Append("<text x=\"").Append(F(LabelWidth - 6)).Append("\" y=\"").Append(F(Top + (f * RowHeight) + 10.5)).Append("\" text-anchor=\"end\" data-feature=\"")
                .Append(HtmlReportRenderer.E(name)).Append("\"><title>").Append(HtmlReportRenderer.E(name)).Append("</title>").Append(HtmlReportRenderer.E(shown)).Append("</text>");
        }

        html.Append("</g>");
        var paths = new StringBuilder[Scale.Length + 1];
        for (var i = 0; i < paths.Length; i++)
        {
            paths[i] = new StringBuilder();
        }

        var drifted = new StringBuilder();
        for (var f = 0; f < series.Features.Count; f++)
        {
            var row = series.Cells[f];
            var y = Top + (f * RowHeight);
            Runs(row, c => Bucket(c, settings.PsiThreshold), (bucket, start, length) => Rect(paths[bucket], start, y, length, RowHeight - 2));
            Runs(row, c => c is { Drifted: true } ? 0 : -1, (_, start, length) => Rect(drifted, start, y + RowHeight - 4, length, 2.5));
        }

        for (var i = 0; i < paths.Length; i++)
        {
            if (paths[i].Length > 0)
            {
                html.Append("<path class=\"psi-").Append(i.ToString(CultureInfo.InvariantCulture)).Append("\" fill=\"").Append(i < Scale.Length ? Scale[i].Colour : NoPsiColour)
                    .Append("\" d=\"").Append(paths[i]).Append("\"/>");
            }
        }

        if (drifted.Length > 0)
        {
            html.Append("<path class=\"drifted\" fill=\"#1f2933\" d=\"").Append(drifted).Append("\"/>");
        }

        html.Append("</svg></div><div class=\"legend\">PSI:");
        foreach (var (_, colour, label) in Scale)
        {
            html.Append("<span class=\"sw\" style=\"background:").Append(colour).Append("\"></span>").Append(HtmlReportRenderer.E(label));
        }

        html.Append("<span class=\"sw\" style=\"background:").Append(NoPsiColour).Append("\"></span>no PSI · threshold ")
            .Append(HtmlReportRenderer.Num(settings.PsiThreshold)).Append("</div>");
        ScoreLine(html, series, settings, width);
        html.Append("</section>\n");
    }

    /// <summary>The path of <paramref name="values"/> (0–1, null breaks the line) across <paramref name="width"/> × <paramref name="height"/>.</summary>
    public static string LinePath(IReadOnlyList<double?> values, double x0, double width, double height, double y0 = 0)
    {
        var d = new StringBuilder();
        var step = values.Count > 1 ? width / (values.Count - 1) : 0;
        var drawing = false;
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is not { } v || !double.IsFinite(v))
            {
                drawing = false;
                continue;
            }

            var x = x0 + (i * step);
            var y = y0 + ((1 - Math.Clamp(v, 0, 1)) * height);
            var single = !drawing && (i + 1 >= values.Count || values[i + 1] is null);
            d.Append(drawing ? 'L' : 'M').Append(F(x)).Append(' ').Append(F(y));
            if (single)
            {
                // A lone point still shows: a short tick.
                d.Append('h').Append(F(Math.Max(step, 1.5)));
            }

            drawing = true;
        }

        return d.ToString();
    }

    private static void ScoreLine(StringBuilder html, DriftHistorySeries series, ReportThresholds settings, double width)
    {
        var plotWidth = (series.Hours.Count - 1) * CellWidth;
        var critical = 6 + ((1 - settings.ScoreCriticalThreshold) * LineHeight);
        html.Append("<h3 style=\"font-size:15px;margin:14px 0 4px\">Drift score</h3><div style=\"overflow-x:auto\"><svg class=\"score-line\" viewBox=\"0 0 ")
            .Append(F(width)).Append(' ').Append(F(LineHeight + 12)).Append("\" style=\"min-width:").Append(F(width * 0.75))
            .Append("px;width:100%;height:auto;display:block\" role=\"img\" aria-label=\"Drift score per hour\"><g font-size=\"11\" fill=\"#616e7c\" text-anchor=\"end\">")
            .Append("<text x=\"").Append(F(LabelWidth - 6)).Append("\" y=\"10\">100%</text><text x=\"").Append(F(LabelWidth - 6)).Append("\" y=\"").Append(F(LineHeight + 8)).Append("\">0%</text></g>")
            .Append("<path d=\"M").Append(F(LabelWidth)).Append(' ').Append(F(LineHeight + 6)).Append('h').Append(F(plotWidth)).Append("\" stroke=\"#d9dee4\"/>")
            .Append("<path d=\"M").Append(F(LabelWidth)).Append(' ').Append(F(critical)).Append('h').Append(F(plotWidth))
            .Append("\" stroke=\"#b42318\" stroke-dasharray=\"4 3\"><title>critical at ").Append(HtmlReportRenderer.Percent(settings.ScoreCriticalThreshold)).Append("</title></path>")
            .Append("<path class=\"score\" fill=\"none\" stroke=\"#e07b39\" stroke-width=\"2\" stroke-linejoin=\"round\" d=\"")
            .Append(LinePath(series.DriftScores, LabelWidth + (CellWidth / 2), plotWidth, LineHeight, 6)).Append("\"/></svg></div>")
            .Append("<div class=\"legend\"><span class=\"sw\" style=\"background:#e07b39\"></span>drift score (drifted ÷ monitored features)")
            .Append("<span class=\"sw\" style=\"background:#b42318;height:2px\"></span>critical threshold ").Append(HtmlReportRenderer.Percent(settings.ScoreCriticalThreshold)).Append("</div>");
    }

    private static void DayLines(StringBuilder html, DriftHistorySeries series, double bottom)
    {
        html.Append("<g font-size=\"10\" fill=\"#616e7c\" stroke=\"#d9dee4\">");
        for (var h = 0; h < series.Hours.Count; h++)
        {
            // Window ends at midnight close a day: the line sits after them.
            if (series.Hours[h].Hour == 0)
            {
                var x = LabelWidth + ((h + 1) * CellWidth) - 0.5;
                html.Append("<path d=\"M").Append(F(x)).Append(" 12V").Append(F(bottom)).Append("\"/>");
                if (h + 24 <= series.Hours.Count)
                {
                    html.Append("<text stroke=\"none\" x=\"").Append(F(x + 2)).Append("\" y=\"10\">")
                        .Append(series.Hours[h].ToString("MM-dd", CultureInfo.InvariantCulture)).Append("</text>");
                }
            }
        }

        html.Append("</g>");
    }

    /// <summary>Calls <paramref name="run"/> for each stretch of cells of one class (≥ 0) in a row.</summary>
    private static void Runs(IReadOnlyList<HistoryCell?> row, Func<HistoryCell?, int> classOf, Action<int, int, int> run)
    {
        var h = 0;
        while (h < row.Count)
        {
            var c = classOf(row[h]);
            var start = h;
            while (h < row.Count && classOf(row[h]) == c)
            {
                h++;
            }

            if (c >= 0)
            {
                run(c, start, h - start);
            }
        }
    }

    private static int Bucket(HistoryCell? cell, double threshold)
    {
        if (cell is not { } c)
        {
            return -1;
        }

        if (c.Psi is not { } psi)
        {
            return Scale.Length;
        }

        for (var i = 0; i < Scale.Length; i++)
        {
            if (psi < Scale[i].Below * threshold)
            {
                return i;
            }
        }

        return Scale.Length - 1;
    }

    private static void Rect(StringBuilder d, int start, double y, int length, double height) =>
        d.Append('M').Append(F(LabelWidth + (start * CellWidth))).Append(' ').Append(F(y)).Append('h').Append(F(length * CellWidth))
            .Append('v').Append(F(height)).Append('h').Append(F(-length * CellWidth)).Append('z');

    private static string Days(int hours) =>
        hours % 24 == 0 && hours > 24 ? $"{hours / 24} days" : $"{hours} hours";

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
