using System.Globalization;

namespace DriftJobs.Storage;

/// <summary>
/// Every blob name the jobs read or write:
/// <code>
/// baselines/{model}/{version}/baseline.json
/// {logs prefix}/year=YYYY/month=MM/day=DD/hour=HH/*.parquet
/// {ground truth prefix}/year=YYYY/month=MM/day=DD/hour=HH/*.parquet   (labels, by the hour they arrived)
/// {ground truth prefix}/year=YYYY/month=MM/day=DD/hour=HH/{model}-{version}-simulated.parquet   (driftctl simulate's)
/// drift-reports/{model}/{version}/{yyyy-MM-ddTHH}Z.json   (named after the window end)
/// drift-reports/{model}/{version}/{yyyy-MM-ddTHH}Z.html   (the same report as a page)
/// drift-reports/{model}/latest.json
/// drift-reports/{model}/latest.html
/// drift-reports/{model}/alert-state.json                   (what was alerted, for cooldowns)
/// drift-reports/{model}/performance-state.json             (the hourly error's change detector, between runs)
/// drift-reports/{model}/history/{version}/{yyyy-MM-dd}.json (per-feature numbers of the windows ending that UTC day)
/// drift-reports/index.json                                  (one row per model version, for index.html)
/// drift-reports/index.html                                  (every model version on one page)
/// training-data/{model}/{version}/train.parquet            (driftctl simulate's synthetic training set)
/// training-data/{model}/{version}/validation.parquet       (and its validation set, with the model's predictions)
/// </code>
/// The inference logger, a package of its own without this assembly, names its files in LogFileNames; the tests where
/// the logger writes and the detector reads (LoggerFileDecodingTests, the pipeline scenarios) hold the two together.
/// Partition values may be written zero-padded (our logger: month=01/day=05/hour=08) or not (Spark, DuckDB:
/// month=1/day=5/hour=8); month, day and hour are matched padded or unpadded independently, so mixed spellings
/// such as month=01/day=5 are found too. Year is always four digits. Other spellings (hour=008, dt=2026-01-05) are
/// not found.
/// </summary>
internal sealed class StorageLayout
{
    public const string BaselinesRoot = "baselines";
    public const string ReportsRoot = "drift-reports";
    public const string TrainingDataRoot = "training-data";
    public const string HourProfilesRoot = "drift-profiles";
    public const string BaselineFileName = "baseline.json";
    public const string LatestReportFileName = "latest.json";
    public const string LatestHtmlReportFileName = "latest.html";
    public const string AlertStateFileName = "alert-state.json";
    public const string PerformanceStateFileName = "performance-state.json";
    public const string HistoryFolder = "history";
    public const string IndexJsonBlobName = ReportsRoot + "/index.json";
    public const string IndexHtmlBlobName = ReportsRoot + "/index.html";

    /// <summary>The most hours one window may span (31 days), so a typo cannot start thousands of listings.</summary>
    public const int MaxWindowHours = 31 * 24;

    public StorageLayout(string? logsPrefix = StorageOptions.DefaultLogsPrefix, string? groundTruthPrefix = StorageOptions.DefaultGroundTruthPrefix)
    {
        LogsPrefix = NormalizeLogsPrefix(logsPrefix);
        GroundTruthPrefix = NormalizePrefix(groundTruthPrefix, StorageOptions.DefaultGroundTruthPrefix, StorageOptions.GroundTruthPrefixSetting);
        if (string.Equals(LogsPrefix, GroundTruthPrefix, StringComparison.Ordinal))
        {
            // Label files would be read as log files (and the reverse), each lacking the other's columns.
            throw new StorageConfigurationException(
                $"{StorageOptions.GroundTruthPrefixSetting} and {StorageOptions.LogsPrefixSetting} must name different folders (both are '{GroundTruthPrefix}').");
        }
    }

    /// <summary>The logs root with a trailing slash, or empty when the logs are at the container root.</summary>
    public string LogsPrefix { get; }

    /// <summary>The ground truth's root with a trailing slash (never empty: labels need a tree of their own).</summary>
    public string GroundTruthPrefix { get; }

    public static string BaselineBlobName(string model, string version) =>
        $"{BaselinesRoot}/{ModelIdentity.Validate(model, nameof(model))}/{ModelIdentity.Validate(version, nameof(version))}/{BaselineFileName}";

    public static string ReportBlobName(string model, string version, DateTimeOffset windowEnd) =>
        $"{ReportsRoot}/{ModelIdentity.Validate(model, nameof(model))}/{ModelIdentity.Validate(version, nameof(version))}/" +
        $"{ValidateWindowEnd(windowEnd).ToString("yyyy-MM-dd'T'HH", CultureInfo.InvariantCulture)}Z.json";

    public static string SimulatedTrainingBlobName(string model, string version) =>
        $"{TrainingDataRoot}/{ModelIdentity.Validate(model, nameof(model))}/{ModelIdentity.Validate(version, nameof(version))}/train.parquet";

    public static string SimulatedValidationBlobName(string model, string version) =>
        $"{TrainingDataRoot}/{ModelIdentity.Validate(model, nameof(model))}/{ModelIdentity.Validate(version, nameof(version))}/validation.parquet";

    /// <summary>driftctl simulate's labels that arrived in <paramref name="arrivalHour"/>: one file per model, version and hour.</summary>
    public string SimulatedGroundTruthBlobName(DateTimeOffset arrivalHour, string model, string version) =>
        $"{HourPrefixes(arrivalHour, HourTree.GroundTruth)[0]}{ModelIdentity.Validate(model, nameof(model))}-{ModelIdentity.Validate(version, nameof(version))}-simulated.parquet";

    /// <summary>The window's page, beside its JSON report.</summary>
    public static string HtmlReportBlobName(string model, string version, DateTimeOffset windowEnd) =>
        Path.ChangeExtension(ReportBlobName(model, version, windowEnd), ".html");

    public static string LatestReportBlobName(string model) =>
        $"{ReportsRoot}/{ModelIdentity.Validate(model, nameof(model))}/{LatestReportFileName}";

    public static string LatestHtmlReportBlobName(string model) =>
        $"{ReportsRoot}/{ModelIdentity.Validate(model, nameof(model))}/{LatestHtmlReportFileName}";

    public static string AlertStateBlobName(string model) =>
        $"{ReportsRoot}/{ModelIdentity.Validate(model, nameof(model))}/{AlertStateFileName}";

    public static string PerformanceStateBlobName(string model) =>
        $"{ReportsRoot}/{ModelIdentity.Validate(model, nameof(model))}/{PerformanceStateFileName}";

    /// <summary>The history of the windows of one model version that end on <paramref name="windowEnd"/>'s UTC day.</summary>
    public static string HistoryBlobName(string model, string version, DateTimeOffset windowEnd) =>
        HistoryBlobName(model, version, DateOnly.FromDateTime(ValidateWindowEnd(windowEnd).UtcDateTime));

    public static string HistoryBlobName(string model, string version, DateOnly day) =>
        $"{HistoryPrefix(model, version)}{day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.json";

    /// <summary>The folder of a model version's history days, with its trailing slash.</summary>
    public static string HistoryPrefix(string model, string version) =>
        $"{ReportsRoot}/{ModelIdentity.Validate(model, nameof(model))}/{HistoryFolder}/{ModelIdentity.Validate(version, nameof(version))}/";

    /// <summary>The day of a history blob's name under <see cref="HistoryPrefix"/>; null for any other name.</summary>
    public static DateOnly? HistoryDayOf(string prefix, string blobName) =>
        blobName.StartsWith(prefix, StringComparison.Ordinal) && blobName.EndsWith(".json", StringComparison.Ordinal)
        && DateOnly.TryParseExact(blobName[prefix.Length..^5], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : null;

    /// <summary>A blob under drift-reports/ as a link from index.html, which sits there: relative, so the page works served or saved.</summary>
    public static string IndexRelativePath(string blobName) =>
        blobName.StartsWith(ReportsRoot + "/", StringComparison.Ordinal)
            ? blobName[(ReportsRoot.Length + 1)..]
            : throw new ArgumentException($"{blobName} is not under {ReportsRoot}/.", nameof(blobName));

    /// <summary>
    /// The stored profile of one hour's logs: one folder per day, so that old days are found, and deleted, by listing
    /// the model version's few day folders instead of every profile.
    /// </summary>
    public static string HourProfileBlobName(string model, string version, DateTimeOffset hour) =>
        $"{HourProfileDayPrefix(model, version, hour)}{ValidateWindowEnd(hour).ToString("yyyy-MM-dd'T'HH", CultureInfo.InvariantCulture)}Z.profile.json.gz";

    /// <summary>The folder of one day's hour profiles, with its trailing slash.</summary>
    public static string HourProfileDayPrefix(string model, string version, DateTimeOffset day) =>
        $"{HourProfilesPrefix(model, version)}{day.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}/";

    /// <summary>The folder of a model version's hour profiles, with its trailing slash.</summary>
    public static string HourProfilesPrefix(string model, string version) =>
        $"{HourProfilesRoot}/{ModelIdentity.Validate(model, nameof(model))}/{ModelIdentity.Validate(version, nameof(version))}/";

    /// <summary>The hours of the window [end − hours, end), oldest first.</summary>
    public static IReadOnlyList<DateTimeOffset> WindowHours(DateTimeOffset windowEnd, int hours)
    {
        var end = ValidateWindowEnd(windowEnd);
        if (hours is < 1 or > MaxWindowHours)
        {
            throw new ArgumentOutOfRangeException(nameof(hours), hours, $"A window spans 1 to {MaxWindowHours} hours.");
        }

        var result = new DateTimeOffset[hours];
        for (var i = 0; i < hours; i++)
        {
            result[i] = end.AddHours(i - hours);
        }

        return result;
    }

    /// <summary>
    /// The distinct prefixes (each ending in '/') under which the given hour's logs (or labels) may be: every
    /// combination of padded and unpadded month, day and hour — one for 10–12/10–31/10–23, up to eight for 1/1 hour 0–9.
    /// </summary>
    public IReadOnlyList<string> HourPrefixes(DateTimeOffset hour, HourTree tree = HourTree.InferenceLogs)
    {
        var root = tree == HourTree.GroundTruth ? GroundTruthPrefix : LogsPrefix;
        var utc = hour.ToUniversalTime();
        if (utc.Ticks % TimeSpan.TicksPerHour != 0)
        {
            throw new ArgumentException($"{hour:O} is not on an hour boundary.", nameof(hour));
        }

        var year = utc.Year.ToString("D4", CultureInfo.InvariantCulture);
        var prefixes = new List<string>(8);
        foreach (var month in Spellings(utc.Month))
        {
            foreach (var day in Spellings(utc.Day))
            {
                foreach (var h in Spellings(utc.Hour))
                {
                    prefixes.Add($"{root}year={year}/month={month}/day={day}/hour={h}/");
                }
            }
        }

        return prefixes;
    }

    /// <summary>
    /// The distinct prefixes (each ending in '/') of one UTC day's hour folders: every combination of padded and
    /// unpadded month and day, one to four. Every spelling of every hour of the day lies below one of them.
    /// </summary>
    public IReadOnlyList<string> DayPrefixes(DateTimeOffset day, HourTree tree = HourTree.InferenceLogs)
    {
        var root = tree == HourTree.GroundTruth ? GroundTruthPrefix : LogsPrefix;
        var utc = day.ToUniversalTime();
        var year = utc.Year.ToString("D4", CultureInfo.InvariantCulture);
        return [.. Spellings(utc.Month).SelectMany(month => Spellings(utc.Day).Select(d => $"{root}year={year}/month={month}/day={d}/"))];
    }

    /// <summary>
    /// The hour of the day of a blob name's part below its day prefix ("hour=7/…" or "hour=07/…"), or null when that
    /// part is not an hour folder spelled as <see cref="HourPrefixes"/> spells them.
    /// </summary>
    public static int? HourFolder(ReadOnlySpan<char> belowDay)
    {
        const string Key = "hour=";
        if (!belowDay.StartsWith(Key, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = belowDay[Key.Length..];
        var slash = rest.IndexOf('/');
        // One or two digits ("hour=7", "hour=07"), as the hour listings match them: "hour=007" is no hour folder.
        return slash is 1 or 2 && int.TryParse(rest[..slash], NumberStyles.None, CultureInfo.InvariantCulture, out var hour) && hour <= 23 ? hour : null;
    }

    /// <summary>The window end, in UTC; it must fall on an hour boundary.</summary>
    public static DateTimeOffset ValidateWindowEnd(DateTimeOffset windowEnd)
    {
        var utc = windowEnd.ToUniversalTime();
        if (utc.Ticks % TimeSpan.TicksPerHour != 0)
        {
            throw new ArgumentException($"The window end {windowEnd:O} is not on an hour boundary (UTC).", nameof(windowEnd));
        }

        return utc;
    }

    /// <summary>
    /// "inference-logs", "/inference-logs/" → "inference-logs/"; "/" → "" (the container root); empty → the default.
    /// Segments are checked so the prefix stays a plain path.
    /// </summary>
    public static string NormalizeLogsPrefix(string? logsPrefix) =>
        NormalizePrefix(logsPrefix, StorageOptions.DefaultLogsPrefix, StorageOptions.LogsPrefixSetting, allowRoot: true);

    private static string NormalizePrefix(string? prefix, string defaultPrefix, string setting, bool allowRoot = false)
    {
        if (string.IsNullOrWhiteSpace(prefix))
        {
            prefix = defaultPrefix;
        }

        var trimmed = prefix.Trim().Trim('/');
        if (trimmed.Length == 0 && allowRoot)
        {
            return string.Empty;
        }

        foreach (var segment in trimmed.Split('/'))
        {
            if (segment.Length == 0 || segment is "." or ".." || segment.Any(c => char.IsControl(c) || c == '\\'))
            {
                throw new StorageConfigurationException(
                    $"{setting} must be a blob path such as '{defaultPrefix}' or 'prod/{defaultPrefix}' " +
                    $"(no empty, '.' or '..' segments, no backslashes){(allowRoot ? ", or '/' for the container root" : "")} (got '{prefix}').");
            }
        }

        return trimmed + "/";
    }

    private static string[] Spellings(int value) =>
        value < 10
            ? [value.ToString("D2", CultureInfo.InvariantCulture), value.ToString(CultureInfo.InvariantCulture)]
            : [value.ToString(CultureInfo.InvariantCulture)];
}
