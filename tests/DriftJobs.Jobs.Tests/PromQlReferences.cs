using System.Text.RegularExpressions;

namespace DriftJobs.Jobs.Tests;

/// <summary>
/// The metric names, label names and functions a PromQL expression refers to, as a dashboard queries them: also
/// Grafana's <c>label_values(selector, label)</c> and the <c>{{label}}</c> of a legend. Not a PromQL parser: enough
/// to hold a dashboard's queries to what the detector pushes, and its own tests show what it finds.
/// </summary>
internal sealed partial record PromQlReferences(IReadOnlySet<string> Metrics, IReadOnlySet<string> Labels, IReadOnlySet<string> Functions)
{
    /// <summary>PromQL's functions and aggregation operators (prometheus.io/docs/prometheus/latest/querying).</summary>
    public static readonly IReadOnlySet<string> KnownFunctions = new HashSet<string>(StringComparer.Ordinal)
    {
        "abs", "absent", "absent_over_time", "acos", "acosh", "asin", "asinh", "atan", "atanh", "avg_over_time", "ceil",
        "changes", "clamp", "clamp_max", "clamp_min", "cos", "cosh", "count_over_time", "day_of_month", "day_of_week",
        "day_of_year", "days_in_month", "deg", "delta", "deriv", "exp", "floor", "histogram_quantile", "holt_winters",
        "hour", "idelta", "increase", "irate", "label_join", "label_replace", "last_over_time", "ln", "log10", "log2",
        "mad_over_time", "max_over_time", "min_over_time", "minute", "month", "predict_linear", "present_over_time",
        "quantile_over_time", "rad", "rate", "resets", "round", "scalar", "sgn", "sin", "sinh", "sort", "sort_desc",
        "sqrt", "stddev_over_time", "stdvar_over_time", "sum_over_time", "tan", "tanh", "time", "timestamp", "vector",
        "year",
        "avg", "bottomk", "count", "count_values", "group", "max", "min", "quantile", "stddev", "stdvar", "sum", "topk",
    };

    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset", "atan2",
        "inf", "nan", "Inf", "NaN",
    };

    public static PromQlReferences Empty { get; } = new(new HashSet<string>(), new HashSet<string>(), new HashSet<string>());

    /// <summary>What a query (PromQL or label_values) refers to.</summary>
    public static PromQlReferences OfQuery(string query)
    {
        var metrics = new HashSet<string>(StringComparer.Ordinal);
        var labels = new HashSet<string>(StringComparer.Ordinal);
        var functions = new HashSet<string>(StringComparer.Ordinal);

        if (LabelValues().Match(query) is { Success: true } lv)
        {
            // label_values(label) or label_values(selector, label): the last argument is a label name.
            labels.Add(lv.Groups["label"].Value);
            query = lv.Groups["selector"].Value;
        }

        // String literals hold label values and Grafana variables, never names.
        var text = StringLiteral().Replace(query, "\"\"");
        foreach (Match selector in Braces().Matches(text))
        {
            foreach (Match matcher in Matcher().Matches(selector.Groups[1].Value))
            {
                labels.Add(matcher.Groups[1].Value);
            }
        }

        text = Braces().Replace(text, " ");
        foreach (Match clause in Grouping().Matches(text))
        {
            foreach (var label in clause.Groups["labels"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                labels.Add(label);
            }
        }

        // Grouping clauses, range and subquery brackets, Grafana's $variables: none of them names a metric.
        text = Grouping().Replace(text, " ");
        text = Brackets().Replace(text, " ");
        text = Variable().Replace(text, " ");
        foreach (Match identifier in Identifier().Matches(text))
        {
            var name = identifier.Groups["name"].Value;
            if (identifier.Groups["call"].Success)
            {
                functions.Add(name);
            }
            else if (!Keywords.Contains(name))
            {
                metrics.Add(name);
            }
        }

        return new(metrics, labels, functions);
    }

    /// <summary>The labels a legend format interpolates.</summary>
    public static PromQlReferences OfLegend(string legendFormat) =>
        new(new HashSet<string>(), LegendLabel().Matches(legendFormat).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal), new HashSet<string>());

    public PromQlReferences Union(PromQlReferences other) => new(
        Metrics.Union(other.Metrics).ToHashSet(StringComparer.Ordinal),
        Labels.Union(other.Labels).ToHashSet(StringComparer.Ordinal),
        Functions.Union(other.Functions).ToHashSet(StringComparer.Ordinal));

    /// <summary>"metric x", "label y", "function z": every reference outside what is pushed, sorted.</summary>
    public IReadOnlyList<string> Outside(IReadOnlySet<string> pushedMetrics, IReadOnlySet<string> pushedLabels) =>
    [
        .. Metrics.Where(m => !pushedMetrics.Contains(m)).Select(m => "metric " + m)
            .Concat(Labels.Where(l => !pushedLabels.Contains(l)).Select(l => "label " + l))
            .Concat(Functions.Where(f => !KnownFunctions.Contains(f)).Select(f => "function " + f))
            .Order(StringComparer.Ordinal),
    ];

    [GeneratedRegex(@"^\s*label_values\(\s*(?:(?<selector>.*?)\s*,\s*)?(?<label>[a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*$", RegexOptions.Singleline)]
    private static partial Regex LabelValues();

    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""|'(?:[^'\\]|\\.)*'|`[^`]*`")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\{([^{}]*)\}")]
    private static partial Regex Braces();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)")]
    private static partial Regex Matcher();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\((?<labels>[^()]*)\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"\[[^\[\]]*\]")]
    private static partial Regex Brackets();

    [GeneratedRegex(@"\$\{?[a-zA-Z_][a-zA-Z0-9_]*(?::[a-z]+)?\}?")]
    private static partial Regex Variable();

    // An identifier not inside a number (1e3) or a duration (offset 1h); followed by "(" it is a call.
    [GeneratedRegex(@"(?<![\w.$])(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<call>\s*\()?")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}")]
    private static partial Regex LegendLabel();
}
