namespace DriftJobs.Core.Reports.History;

/// <summary>One feature in one hour of a <see cref="DriftHistorySeries"/>.</summary>
internal readonly record struct HistoryCell(double? Psi, bool Drifted, int? Severity);

/// <summary>
/// Features × hours of one model version, read from its day blobs: what the heatmap in latest.html, the index page's
/// sparkline and <c>driftctl history</c> draw. Hours without a stored window are null cells.
/// </summary>
internal sealed record DriftHistorySeries
{
    public required string ModelName { get; init; }

    public required string ModelVersion { get; init; }

    /// <summary>Window ends, one per hour, oldest first; the last is the series' end.</summary>
    public required IReadOnlyList<DateTimeOffset> Hours { get; init; }

    public required IReadOnlyList<string> Features { get; init; }

    /// <summary>[feature][hour]; null where no window ended at that hour or the window had no numbers for the feature.</summary>
    public required IReadOnlyList<IReadOnlyList<HistoryCell?>> Cells { get; init; }

    /// <summary>Per hour; null where no window was stored or it had no verdict.</summary>
    public required IReadOnlyList<double?> DriftScores { get; init; }

    /// <summary>Per hour: whether a window ended there.</summary>
    public required IReadOnlyList<bool> Recorded { get; init; }

    public int Windows => Recorded.Count(r => r);
}
