using DriftJobs.Core.Reports;

namespace DriftJobs.Detector.Alerts;

/// <summary>The dedupe rules: DRIFT_ALERT_COOLDOWN_HOURS and DRIFT_ALERT_MIN_CONSECUTIVE_WINDOWS.</summary>
internal sealed record AlertRules(TimeSpan Cooldown, int MinConsecutiveWindows)
{
    public static AlertRules From(DetectorOptions options) =>
        new(TimeSpan.FromHours(options.AlertCooldownHours), options.AlertMinConsecutiveWindows);
}

/// <summary>
/// The alert state as pure functions, so the storm rules are decided in one place: a report advances the state,
/// the state says which notices each sink is owed, and the deliveries that succeeded are recorded back.
/// An alert is keyed by model version, code and feature; time is measured in window ends, so a rerun of the same
/// window never re-sends and a backfill of an older window neither sends nor changes anything.
/// </summary>
internal static class AlertPolicy
{
    /// <summary>
    /// The state after <paramref name="report"/>; null when the report's window is older than the state's newest
    /// (a backfill: its alerts are history, not news).
    /// </summary>
    public static VersionAlertState? Advance(VersionAlertState? previous, DriftReport report, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(report);
        var end = report.Window.End;
        if (previous is not null && end < previous.WindowEnd)
        {
            return null;
        }

        var rerun = previous is not null && end == previous.WindowEnd;
        var before = previous?.Alerts ?? [];
        var entries = new List<AlertStateEntry>();
        // Several alerts may share a key (one file_skipped per file): they are one alert at the highest severity.
        foreach (var group in report.Alerts.GroupBy(a => (a.Code, a.Feature)))
        {
            var first = group.OrderByDescending(a => a.Severity).First();
            var count = group.Count();
            var old = before.FirstOrDefault(e => e.Matches(group.Key.Code, group.Key.Feature));
            var continuing = old is { Active: true };
            var consecutive = !continuing ? 1 : rerun && old!.LastWindowEnd == end ? old.ConsecutiveWindows : old!.ConsecutiveWindows + 1;
            entries.Add(new AlertStateEntry
            {
                Code = group.Key.Code,
                Feature = group.Key.Feature,
                Severity = first.Severity,
                Message = count == 1 ? first.Message : $"{first.Message} (and {count - 1} more)",
                Active = true,
                FirstWindowEnd = continuing ? old!.FirstWindowEnd : end,
                LastWindowEnd = end,
                ConsecutiveWindows = consecutive,
                Sent = old?.Sent ?? [],
            });
        }

        foreach (var old in before.Where(e => !entries.Any(n => n.Matches(e.Code, e.Feature))))
        {
            if (!old.Active || !Resolvable(old, report))
            {
                // Already resolved (its notices still owed), or this report gives no verdict on it: unchanged.
                entries.Add(old);
            }
            else if (old.Sent.Count > 0)
            {
                entries.Add(old with { Active = false, ConsecutiveWindows = 0 });
            }

            // A resolved alert that no sink was ever sent simply goes.
        }

        return new VersionAlertState
        {
            ModelVersion = report.ModelVersion,
            WindowEnd = end,
            UpdatedAt = now,
            Alerts = [.. entries.OrderBy(e => e.Code, StringComparer.Ordinal).ThenBy(e => e.Feature, StringComparer.Ordinal)],
        };
    }

    /// <summary>The notices <paramref name="sink"/> is owed by <paramref name="state"/> (as <see cref="Advance"/> left it).</summary>
    public static IReadOnlyList<AlertNotice> Due(VersionAlertState state, string sink, AlertRules rules)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(rules);
        var notices = new List<AlertNotice>();
        foreach (var entry in state.Alerts)
        {
            var sent = entry.Sent.FirstOrDefault(s => s.Sink == sink);
            if (!entry.Active)
            {
                if (sent is not null)
                {
                    notices.Add(Notice(entry, NoticeReason.Resolved, sent.Severity));
                }

                continue;
            }

            // Only alerts of this very report fire; one carried over a window without a verdict waits.
            if (entry.LastWindowEnd != state.WindowEnd || entry.ConsecutiveWindows < rules.MinConsecutiveWindows)
            {
                continue;
            }

            if (sent is null)
            {
                notices.Add(Notice(entry, NoticeReason.New, entry.Severity));
            }
            else if (entry.Severity > sent.Severity)
            {
                notices.Add(Notice(entry, NoticeReason.Escalated, entry.Severity) with { PreviousSeverity = sent.Severity });
            }
            else if (state.WindowEnd - sent.WindowEnd >= rules.Cooldown)
            {
                notices.Add(Notice(entry, NoticeReason.Reminder, entry.Severity));
            }
        }

        return notices;
    }

    /// <summary>
    /// Records the notices the sinks accepted. Sinks no longer configured are forgotten (nothing will ever be
    /// delivered to them), and an entry that is resolved and owed to no sink is dropped.
    /// </summary>
    public static VersionAlertState Record(
        VersionAlertState state, IReadOnlyCollection<(string Sink, AlertNotice Notice)> delivered, IReadOnlySet<string> configuredSinks, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(delivered);
        ArgumentNullException.ThrowIfNull(configuredSinks);
        var entries = new List<AlertStateEntry>();
        foreach (var entry in state.Alerts)
        {
            var sent = entry.Sent.Where(s => configuredSinks.Contains(s.Sink)).ToList();
            foreach (var (sink, notice) in delivered.Where(d => entry.Matches(d.Notice.Code, d.Notice.Feature)))
            {
                sent.RemoveAll(s => s.Sink == sink);
                if (!notice.IsResolved)
                {
                    sent.Add(new SinkDelivery(sink, notice.Severity, state.WindowEnd, now));
                }
            }

            if (entry.Active || sent.Count > 0)
            {
                entries.Add(entry with { Sent = [.. sent.OrderBy(s => s.Sink, StringComparer.Ordinal)] });
            }
        }

        return state with { Alerts = entries };
    }

    /// <summary>Whether the report could have raised this alert, so its absence means the alert resolved.</summary>
    private static bool Resolvable(AlertStateEntry entry, DriftReport report) => entry.Code switch
    {
        AlertCodes.FeatureDrift or AlertCodes.SeasonalDrift => report.Features.FirstOrDefault(f => f.Name == entry.Feature) is not { Judged: false },
        // Resolved once the week before can be compared again, or once the comparison is no longer asked for.
        AlertCodes.SeasonalReferenceUnavailable => true,
        AlertCodes.PredictionDrift => report.Prediction is not { Judged: false },
        // A segment's feature: its segment has a verdict (the feature label is "<segment>/<feature>"); a report without
        // segments (DRIFT_SEGMENT_COLUMNS unset since) resolves them all.
        AlertCodes.SegmentDrift => report.Segments is null
            || report.Segments.Segments.Where(s => entry.Feature?.StartsWith(s.Key + "/", StringComparison.Ordinal) == true).MaxBy(s => s.Key.Length) is not { Judged: false },
        AlertCodes.DriftCritical => report.Status == ReportStatus.Ok,
        AlertCodes.InsufficientData or AlertCodes.FileSkipped => true,
        // Performance findings need the evaluated window's labels: without enough of them nothing resolves.
        AlertCodes.PerformanceDegradation or AlertCodes.LabelDrift => report.Performance is { Status: Core.Performance.PerformanceStatus.Ok },
        AlertCodes.PerformanceTrend => report.Performance?.Trend is not null,
        AlertCodes.LowLabelCoverage => report.Performance is { Predictions: > 0 },
        // Data-quality findings need data to be judged.
        _ => report.Samples > 0,
    };

    private static AlertNotice Notice(AlertStateEntry entry, NoticeReason reason, AlertSeverity severity) =>
        new(reason, entry.Code, entry.Feature, severity, entry.Message, entry.ConsecutiveWindows, entry.FirstWindowEnd);
}
