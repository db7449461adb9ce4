using System.Text;

namespace DriftJobs.Core.Profiles.Segments;

/// <summary>
/// How a segment is named: <c>column=value</c> per segment column, in the order of DRIFT_SEGMENT_COLUMNS, joined by
/// commas (<c>country=DE,app=ios</c>). A missing value is its own value, spelled <see cref="Missing"/>
/// (<c>country=(missing)</c>); a backslash escapes a backslash, comma, equals sign or parenthesis inside a value, so a
/// literal value "(missing)" or "a,b" never shares a name with another segment.
/// </summary>
internal static class SegmentKey
{
    public const string Missing = "(missing)";

    /// <summary>The segment that the rows of every training segment outside the top DRIFT_MAX_SEGMENTS share.</summary>
    public const string Other = "(other)";

    public static string Of(IReadOnlyList<string> columns, ReadOnlySpan<string?> values)
    {
        if (columns.Count == 1)
        {
            return Part(columns[0], values[0]);
        }

        var key = new StringBuilder();
        for (var i = 0; i < columns.Count; i++)
        {
            if (i > 0)
            {
                key.Append(',');
            }

            key.Append(Part(columns[i], values[i]));
        }

        return key.ToString();
    }

    private static string Part(string column, string? value) =>
        column + "=" + (value is null ? Missing : value.AsSpan().IndexOfAny("\\,=()") < 0 ? value : Escape(value));

    private static string Escape(string value)
    {
        var escaped = new StringBuilder(value.Length + 4);
        foreach (var c in value)
        {
            if (c is '\\' or ',' or '=' or '(' or ')')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }
}
