using DriftJobs.Core.Reports.History;

namespace DriftJobs.Core.Reports.Index;

/// <summary>Pure functions that move the index forward by one report.</summary>
internal static class ReportIndexing
{
    /// <summary>
    /// <paramref name="existing"/> (null when there is none) with the row of <paramref name="report"/>'s model version
    /// updated: its newest window only ever moves forward (a backfilled older window only fills in its score), and its
    /// week of scores is taken from <paramref name="series"/> where that recorded a window.
    /// </summary>
    public static ReportIndex With(ReportIndex? existing, DriftReport report, DriftHistorySeries? series, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(report);
        var rows = new List<ReportIndexRow>(existing?.Models ?? []);
        var at = rows.FindIndex(r => r.ModelName == report.ModelName && r.ModelVersion == report.ModelVersion);
        var old = at >= 0 ? rows[at] : null;
        var newer = old is null || report.Window.End >= old.Window.End;
        var end = newer ? report.Window.End : old!.Window.End;
        var scores = Realign(old?.WeekScores ?? [], old?.Window.End ?? end, end);
        if (series is not null)
        {
            for (var i = 0; i < series.Hours.Count; i++)
            {
                if (series.Recorded[i] && Slot(series.Hours[i], end) is { } slot)
                {
                    scores[slot] = series.DriftScores[i];
                }
            }
        }

        if (Slot(report.Window.End, end) is { } own)
        {
            scores[own] = report.DriftScore;
        }

        var row = newer
            ? new ReportIndexRow
            {
                ModelName = report.ModelName,
                ModelVersion = report.ModelVersion,
                Window = report.Window,
                Status = report.Status,
                DriftDetected = report.DriftDetected,
                DriftScore = report.DriftScore,
                FeaturesDrifted = report.FeaturesDrifted,
                FeaturesMonitored = report.FeaturesMonitored,
                WeekScores = scores,
            }
            : old! with { WeekScores = scores };
        if (at >= 0)
        {
            rows[at] = row;
        }
        else
        {
            rows.Add(row);
        }

        return new ReportIndex
        {
            SchemaVersion = ReportIndex.CurrentSchemaVersion,
            Revision = (existing?.Revision ?? 0) + 1,
            UpdatedAt = now,
            Models = [.. rows.OrderBy(r => r.ModelName, StringComparer.Ordinal).ThenBy(r => r.ModelVersion, StringComparer.Ordinal)],
        };
    }

    private static double?[] Realign(IReadOnlyList<double?> scores, DateTimeOffset oldEnd, DateTimeOffset newEnd)
    {
        var result = new double?[ReportIndexRow.WeekHours];
        for (var i = 0; i < scores.Count; i++)
        {
            var hour = oldEnd.AddHours(i - scores.Count + 1);
            if (Slot(hour, newEnd) is { } slot)
            {
                result[slot] = scores[i];
            }
        }

        return result;
    }

    private static int? Slot(DateTimeOffset hour, DateTimeOffset end)
    {
        var back = (end - hour).Ticks / TimeSpan.TicksPerHour;
        return back is >= 0 and < ReportIndexRow.WeekHours ? ReportIndexRow.WeekHours - 1 - (int)back : null;
    }
}
