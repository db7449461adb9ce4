using System.Globalization;

namespace DriftJobs.Core.Reports.History;

/// <summary>Pure functions over the history: a report into its day, days into a series.</summary>
internal static class DriftHistory
{
    /// <summary>The week the index page, latest.html and <c>driftctl history</c> show by default.</summary>
    public const int DefaultHours = 168;

    /// <summary>Day blobs older than this (before the newest window end) are deleted by the detector.</summary>
    public const int RetentionDays = 35;

    /// <summary>The UTC day a window end is filed under.</summary>
    public static DateOnly DayOf(DateTimeOffset windowEnd) => DateOnly.FromDateTime(windowEnd.UtcDateTime);

    /// <summary>
    /// <paramref name="existing"/> (null for a new day) with <paramref name="report"/>'s entry added, or replacing the
    /// entry of the same window end (a rerun). Features the day did not list yet are appended to its list.
    /// </summary>
    public static DriftHistoryDay Append(DriftHistoryDay? existing, DriftReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var day = DayOf(report.Window.End);
        if (existing is not null && (existing.Day != day || existing.ModelName != report.ModelName || existing.ModelVersion != report.ModelVersion))
        {
            throw new ArgumentException($"The history of {existing.ModelName} {existing.ModelVersion} on {existing.Day:yyyy-MM-dd} cannot hold the window ending {report.Window.End:o} of {report.ModelName} {report.ModelVersion}.", nameof(report));
        }

        var features = new List<string>(existing?.Features ?? []);
        var index = features.Select((f, i) => (f, i)).ToDictionary(x => x.f, x => x.i, StringComparer.Ordinal);
        foreach (var feature in report.Features)
        {
            if (index.TryAdd(feature.Name, features.Count))
            {
                features.Add(feature.Name);
            }
        }

        var psi = new double?[features.Count];
        var ksD = new double?[features.Count];
        var p = new double?[features.Count];
        var severity = new int?[features.Count];
        var drifted = new bool[features.Count];
        foreach (var f in report.Features)
        {
            var i = index[f.Name];
            psi[i] = Round(f.Psi, 5);
            ksD[i] = Round(f.Ks?.Statistic, 5);
            p[i] = Round(f.Ks?.PValueAdjusted ?? f.ChiSquare?.PValueAdjusted, 3);
            severity[i] = f.Judged ? (int)f.Severity : null;
            drifted[i] = f.Drifted;
        }

        var entry = new DriftHistoryEntry
        {
            WindowEnd = report.Window.End.ToUniversalTime(),
            Status = report.Status,
            DriftScore = Round(report.DriftScore, 5),
            Samples = report.Samples,
            Psi = psi,
            KsD = ksD,
            PAdjusted = p,
            Severity = severity,
            Drifted = drifted,
        };
        var entries = (existing?.Entries ?? []).Where(e => e.WindowEnd != entry.WindowEnd).Append(entry).OrderBy(e => e.WindowEnd).ToList();
        return new DriftHistoryDay
        {
            SchemaVersion = DriftHistoryDay.CurrentSchemaVersion,
            ModelName = report.ModelName,
            ModelVersion = report.ModelVersion,
            Day = day,
            Features = features,
            Entries = entries,
        };
    }

    /// <summary>Checks what the type cannot: the bounds and alignment a reader relies on.</summary>
    /// <exception cref="InvalidDataException">Naming <paramref name="source"/> and what is wrong.</exception>
    public static DriftHistoryDay Validate(DriftHistoryDay day, string source)
    {
        ArgumentNullException.ThrowIfNull(day);
        if (day.Entries.Count > DriftHistoryDay.MaxEntries)
        {
            throw new InvalidDataException($"{source}: {day.Entries.Count} entries, more than the {DriftHistoryDay.MaxEntries} windows a day has.");
        }

        if (day.Features.Distinct(StringComparer.Ordinal).Count() != day.Features.Count)
        {
            throw new InvalidDataException($"{source}: a feature is listed twice.");
        }

        for (var i = 0; i < day.Entries.Count; i++)
        {
            var e = day.Entries[i];
            var at = $"{source}: entries[{i.ToString(CultureInfo.InvariantCulture)}]";
            if (DayOf(e.WindowEnd) != day.Day || e.WindowEnd.UtcTicks % TimeSpan.TicksPerHour != 0)
            {
                throw new InvalidDataException($"{at}: window end {e.WindowEnd:o} is not an hour of {day.Day:yyyy-MM-dd}.");
            }

            if (i > 0 && e.WindowEnd <= day.Entries[i - 1].WindowEnd)
            {
                throw new InvalidDataException($"{at}: window ends are not in increasing order.");
            }

            if (e.Psi.Count > day.Features.Count || e.KsD.Count > day.Features.Count || e.PAdjusted.Count > day.Features.Count
                || e.Severity.Count > day.Features.Count || e.Drifted.Count > day.Features.Count)
            {
                throw new InvalidDataException($"{at}: an array is longer than the {day.Features.Count.ToString(CultureInfo.InvariantCulture)} features.");
            }
        }

        return day;
    }

    /// <summary>
    /// The <paramref name="hours"/> window ends up to <paramref name="end"/> from <paramref name="days"/> (any order,
    /// any extra days ignored). Features are listed in the newest day's order, then those only older days had.
    /// </summary>
    public static DriftHistorySeries Series(string model, string version, IEnumerable<DriftHistoryDay> days, DateTimeOffset end, int hours = DefaultHours)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hours, 1);
        var ordered = days.OrderByDescending(d => d.Day).ToList();
        var features = ordered.SelectMany(d => d.Features).Distinct(StringComparer.Ordinal).ToList();
        var featureIndex = features.Select((f, i) => (f, i)).ToDictionary(x => x.f, x => x.i, StringComparer.Ordinal);
        var utcEnd = end.ToUniversalTime();
        var first = utcEnd.AddHours(1 - hours);
        var cells = features.Select(_ => new HistoryCell?[hours]).ToArray();
        var scores = new double?[hours];
        var recorded = new bool[hours];
        foreach (var day in ordered)
        {
            foreach (var entry in day.Entries)
            {
                var h = (int)((entry.WindowEnd - first).Ticks / TimeSpan.TicksPerHour);
                if (h < 0 || h >= hours || recorded[h])
                {
                    continue;
                }

                recorded[h] = true;
                scores[h] = entry.DriftScore;
                for (var f = 0; f < day.Features.Count; f++)
                {
                    var psi = At(entry.Psi, f);
                    var severity = At(entry.Severity, f);
                    var drifted = f < entry.Drifted.Count && entry.Drifted[f];
                    if (psi is not null || severity is not null || drifted)
                    {
                        cells[featureIndex[day.Features[f]]][h] = new HistoryCell(psi, drifted, severity);
                    }
                }
            }
        }

        return new DriftHistorySeries
        {
            ModelName = model,
            ModelVersion = version,
            Hours = [.. Enumerable.Range(0, hours).Select(i => first.AddHours(i))],
            Features = features,
            Cells = cells,
            DriftScores = scores,
            Recorded = recorded,
        };
    }

    /// <summary>The UTC days whose blobs hold the window ends of <paramref name="hours"/> hours up to <paramref name="end"/>, oldest first.</summary>
    public static IReadOnlyList<DateOnly> DaysOf(DateTimeOffset end, int hours)
    {
        var last = DayOf(end);
        var first = DayOf(end.AddHours(1 - hours));
        return [.. Enumerable.Range(0, last.DayNumber - first.DayNumber + 1).Select(first.AddDays)];
    }

    private static T? At<T>(IReadOnlyList<T?> values, int i)
        where T : struct => i < values.Count ? values[i] : null;

    /// <summary>Enough digits to draw and compare, few enough to keep a day of fifty features small.</summary>
    private static double? Round(double? value, int digits)
    {
        if (value is not { } v || !double.IsFinite(v) || v == 0)
        {
            return value is { } x && !double.IsFinite(x) ? null : value;
        }

        var scale = Math.Pow(10, digits - 1 - (int)Math.Floor(Math.Log10(Math.Abs(v))));
        var rounded = Math.Round(v * scale) / scale;
        return double.IsFinite(rounded) ? rounded : v;
    }
}
