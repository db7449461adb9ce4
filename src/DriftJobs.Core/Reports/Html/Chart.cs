using System.Globalization;
using System.Text;

namespace DriftJobs.Core.Reports.Html;

/// <summary>
/// A feature's training-vs-window shares as an inline SVG bar chart. Each series is one path (not one element per
/// bar) so 50 features of 100 categories stay far below the page's size budget.
/// </summary>
internal static class Chart
{
    /// <summary>Categories drawn one by one; the rest are summed into one "more" bar so labels stay readable.</summary>
    public const int MaxCategories = 24;

    private const string OtherLabel = "__other__";
    private const double Width = 640;
    private const double Left = 46;
    private const double Right = 8;
    private const double Top = 10;
    private const double PlotWidth = Width - Left - Right;
    private const double PlotHeight = 160;

    /// <summary>Room under the plot: one line of edge values, or category names slanted when there are many.</summary>
    private const double BottomStraight = 24;
    private const double BottomSlanted = 70;
    private const int MaxStraightLabels = 6;
    private const int MaxEdgeLabels = 12;
    private const int MaxLabelLength = 14;

    private static readonly double[] Scales = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.4, 0.5, 0.75, 1];

    public static void Append(StringBuilder html, FeatureDrift feature)
    {
        var groups = Groups(feature.Distribution);
        var slanted = feature.Distribution.Labels is not null && groups.Count > MaxStraightLabels;
        var height = Top + PlotHeight + (slanted ? BottomSlanted : BottomStraight);
        html.Append("<svg class=\"chart\" viewBox=\"0 0 ").Append(F(Width)).Append(' ').Append(F(height))
            .Append("\" role=\"img\" aria-label=\"").Append(HtmlReportRenderer.E($"Training and window shares of {feature.Name}")).Append("\">");
        if (groups.Count == 0)
        {
            html.Append("<text x=\"").Append(F(Width / 2)).Append("\" y=\"").Append(F(height / 2))
                .Append("\" text-anchor=\"middle\" fill=\"#616e7c\">No values to chart</text></svg>");
            return;
        }

        var max = groups.Max(g => Math.Max(g.Expected, g.Actual));
        var scale = Scales.FirstOrDefault(s => s >= max - 1e-12, 1);
        var bottom = Top + PlotHeight;

        // Grid and y axis: 0, half and full scale.
        html.Append("<g font-size=\"11\" fill=\"#616e7c\" stroke=\"none\" text-anchor=\"end\">");
        foreach (var fraction in new[] { 0, 0.5, 1 })
        {
            var y = bottom - (fraction * PlotHeight);
            html.Append("<path d=\"M").Append(F(Left)).Append(' ').Append(F(y)).Append("H").Append(F(Width - Right))
                .Append("\" stroke=\"#d9dee4\"/><text x=\"").Append(F(Left - 5)).Append("\" y=\"").Append(F(y + 4)).Append("\">")
                .Append(HtmlReportRenderer.Percent(fraction * scale)).Append("</text>");
        }

        html.Append("</g>");

        var step = PlotWidth / groups.Count;
        var barWidth = step * 0.38;
        Series(html, groups, g => g.Expected, step, barWidth, step * 0.1, scale, "#5b7db1", "training");
        Series(html, groups, g => g.Actual, step, barWidth, step * 0.52, scale, "#e07b39", "window");
        Labels(html, feature.Distribution, groups, step, bottom, slanted);
        html.Append("</svg><div class=\"legend\"><span class=\"sw\" style=\"background:#5b7db1\"></span>training")
            .Append("<span class=\"sw\" style=\"background:#e07b39\"></span>window");
        var shifts = groups.Where(g => Math.Abs(g.Actual - g.Expected) >= 0.005)
            .OrderByDescending(g => Math.Abs(g.Actual - g.Expected)).Take(3).ToList();
        if (shifts.Count > 0)
        {
            html.Append(" · largest shifts: ").Append(HtmlReportRenderer.E(string.Join("; ",
                shifts.Select(g => $"{g.Label} {HtmlReportRenderer.Percent(g.Expected)} → {HtmlReportRenderer.Percent(g.Actual)}"))));
        }

        html.Append("</div>");
    }

    private sealed record Group(string Label, double Expected, double Actual);

    private static List<Group> Groups(Distribution d)
    {
        var count = Math.Min(d.Expected.Count, d.Actual.Count);
        if (d.Labels is { } labels)
        {
            var all = Enumerable.Range(0, Math.Min(count, labels.Count))
                .Select(i => new Group(labels[i] == OtherLabel ? "other" : labels[i], Share(d.Expected[i]), Share(d.Actual[i])))
                .ToList();
            if (all.Count <= MaxCategories)
            {
                return all;
            }

            // Keep the categories that matter on either side, in their training order; sum the rest.
            var kept = all.Select((g, i) => (g, i)).OrderByDescending(x => Math.Max(x.g.Expected, x.g.Actual)).ThenBy(x => x.i)
                .Take(MaxCategories - 1).Select(x => x.i).ToHashSet();
            var rest = all.Where((_, i) => !kept.Contains(i)).ToList();
            return
            [
                .. all.Where((_, i) => kept.Contains(i)),
                new Group($"{rest.Count} more", rest.Sum(g => g.Expected), rest.Sum(g => g.Actual)),
            ];
        }

        var edges = d.Edges ?? [];
        return Enumerable.Range(0, count).Select(i => new Group(BinLabel(edges, i), Share(d.Expected[i]), Share(d.Actual[i]))).ToList();
    }

    /// <summary>Bin i is (edges[i−1], edges[i]], the first open to −∞ and the last to +∞.</summary>
    private static string BinLabel(IReadOnlyList<double> edges, int i) =>
        edges.Count == 0 ? "all"
        : i == 0 ? "≤ " + Compact(edges[0])
        : i >= edges.Count ? "> " + Compact(edges[^1])
        : $"({Compact(edges[i - 1])}, {Compact(edges[i])}]";

    private static void Series(StringBuilder html, List<Group> groups, Func<Group, double> share, double step, double barWidth, double offset, double scale, string color, string name)
    {
        html.Append("<path class=\"").Append(name).Append("\" fill=\"").Append(color).Append("\" d=\"");
        var bottom = Top + PlotHeight;
        for (var i = 0; i < groups.Count; i++)
        {
            var height = Math.Min(share(groups[i]) / scale, 1) * PlotHeight;
            if (height <= 0)
            {
                continue;
            }

            // A share too small to see still gets a hairline, so "present but rare" differs from "absent".
            height = Math.Max(height, 0.6);
            html.Append('M').Append(F(Left + (i * step) + offset)).Append(' ').Append(F(bottom))
                .Append('h').Append(F(barWidth)).Append('v').Append(F(-height)).Append('h').Append(F(-barWidth)).Append('z');
        }

        html.Append("\"/>");
    }

    private static void Labels(StringBuilder html, Distribution d, List<Group> groups, double step, double bottom, bool slanted)
    {
        html.Append("<g font-size=\"10.5\" fill=\"#1f2933\">");
        html.Append("<path d=\"M").Append(F(Left)).Append(' ').Append(F(bottom)).Append('H').Append(F(Width - Right)).Append("\" stroke=\"#616e7c\"/>");
        if (d.Labels is null && d.Edges is { Count: > 0 } edges)
        {
            // Numeric: each edge sits on the boundary between its two bins.
            var every = (int)Math.Ceiling(edges.Count / (double)MaxEdgeLabels);
            for (var i = 0; i < edges.Count; i += every)
            {
                var x = Left + ((i + 1) * step);
                html.Append("<text x=\"").Append(F(x)).Append("\" y=\"").Append(F(bottom + 14)).Append("\" text-anchor=\"middle\">")
                    .Append(HtmlReportRenderer.E(Compact(edges[i]))).Append("</text>");
            }
        }
        else if (d.Labels is not null)
        {
            for (var i = 0; i < groups.Count; i++)
            {
                var x = Left + ((i + 0.5) * step);
                var y = bottom + 14;
                var label = groups[i].Label;
                // Keep both ends: names sharing a prefix usually differ at the end (category-7, category-12).
                var shown = label.Length > MaxLabelLength ? label[..6] + "…" + label[^(MaxLabelLength - 7)..] : label;
                html.Append("<text x=\"").Append(F(x)).Append("\" y=\"").Append(F(y)).Append('"');
                html.Append(slanted ? $" text-anchor=\"end\" transform=\"rotate(-35 {F(x)} {F(y)})\"" : " text-anchor=\"middle\"").Append('>');
                if (shown.Length != label.Length)
                {
                    html.Append("<title>").Append(HtmlReportRenderer.E(label)).Append("</title>");
                }

                html.Append(HtmlReportRenderer.E(shown)).Append("</text>");
            }
        }

        html.Append("</g>");
    }

    private static double Share(double value) => double.IsFinite(value) && value > 0 ? value : 0;

    private static string Compact(double value)
    {
        var magnitude = Math.Abs(value);
        return magnitude != 0 && (magnitude >= 1e6 || magnitude < 1e-3)
            ? value.ToString("0.##E+0", CultureInfo.InvariantCulture)
            : value.ToString("0.####", CultureInfo.InvariantCulture) is var text && text.Length <= 8 ? text : value.ToString("G4", CultureInfo.InvariantCulture);
    }

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
