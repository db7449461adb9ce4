namespace DriftJobs.Hosting;

/// <summary>DRIFT_SEGMENT_COLUMNS, which both jobs read alike: column names separated by commas, in order.</summary>
internal static class SegmentColumns
{
    public const string Setting = "DRIFT_SEGMENT_COLUMNS";

    /// <summary>The columns; none for an unset or empty value (no segments).</summary>
    /// <exception cref="SettingException">An empty name between commas, or a name twice.</exception>
    public static IReadOnlyList<string> Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return [];
        }

        var columns = value.Split(',').Select(c => c.Trim()).ToArray();
        if (columns.Any(c => c.Length == 0))
        {
            throw new SettingException(Setting, $"{Setting} = '{value}' has an empty column name: give column names separated by commas.");
        }

        if (columns.Distinct(StringComparer.Ordinal).Count() != columns.Length)
        {
            throw new SettingException(Setting, $"{Setting} = '{value}' names a column twice.");
        }

        return columns;
    }
}
