namespace DriftJobs.Core.Performance;

/// <summary>
/// The realized performance of one evaluated window, hour by hour: every prediction of the window is counted in its
/// hour, and those that found a label add a (label, prediction) pair to the hour's accumulator. Mergeable, so each
/// file read keeps its own and they are merged once. An hour's accumulators are made when it gets its first
/// prediction: a file holds one hour, and a month-long window's 744 empty hours per file would be garbage to collect.
/// </summary>
internal sealed class WindowPerformance
{
    private readonly HourPerformance?[] _hours;

    /// <param name="hours">The window's hours, oldest first.</param>
    /// <param name="positiveClass">For a binary classifier, the class <c>prediction_score</c> is the probability of.</param>
    public WindowPerformance(PerformanceTask task, IReadOnlyList<DateTimeOffset> hours, string? positiveClass = null)
    {
        ArgumentNullException.ThrowIfNull(hours);
        Task = task;
        PositiveClass = positiveClass;
        Hours = hours;
        _hours = new HourPerformance?[hours.Count];
    }

    public PerformanceTask Task { get; }

    public string? PositiveClass { get; }

    public IReadOnlyList<DateTimeOffset> Hours { get; }

    /// <summary>The hour's performance (empty for an hour without predictions).</summary>
    public HourPerformance this[int hour] => _hours[hour] ?? new HourPerformance(Task, PositiveClass);

    /// <summary>A prediction no label has arrived for (yet).</summary>
    public void AddUnlabelled(int hour) => Hour(hour).Predictions++;

    /// <summary>A labelled prediction that cannot be scored: the prediction itself is missing.</summary>
    public void AddUnscorable(int hour)
    {
        var h = Hour(hour);
        h.Predictions++;
        h.Labelled++;
        h.Unscorable++;
    }

    /// <param name="positiveScore">The model's probability of the positive class; NaN when not logged (or out of [0, 1]).</param>
    public void AddClassification(int hour, string label, string prediction, double positiveScore)
    {
        var h = Hour(hour);
        h.Predictions++;
        h.Labelled++;
        if (PositiveClass is not null && positiveScore is >= 0 and <= 1)
        {
            h.Classification!.Add(label, prediction, positiveScore);
        }
        else
        {
            h.Classification!.Add(label, prediction);
        }
    }

    public void AddRegression(int hour, double label, double prediction)
    {
        var h = Hour(hour);
        h.Predictions++;
        h.Labelled++;
        h.Regression!.Add(label, prediction);
    }

    public void Merge(WindowPerformance other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other._hours.Length != _hours.Length || other.Task != Task)
        {
            throw new ArgumentException("Only performances of the same window and task merge.", nameof(other));
        }

        for (var i = 0; i < _hours.Length; i++)
        {
            if (other._hours[i] is { } theirs)
            {
                Hour(i).Merge(theirs);
            }
        }
    }

    public long Predictions => _hours.Sum(h => h?.Predictions ?? 0);

    public long Labelled => _hours.Sum(h => h?.Labelled ?? 0);

    /// <summary>Every hour's pairs together.</summary>
    public HourPerformance Total()
    {
        var total = new HourPerformance(Task, PositiveClass);
        foreach (var hour in _hours)
        {
            if (hour is not null)
            {
                total.Merge(hour);
            }
        }

        return total;
    }

    private HourPerformance Hour(int hour) => _hours[hour] ??= new HourPerformance(Task, PositiveClass);
}
