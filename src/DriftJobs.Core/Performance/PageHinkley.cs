namespace DriftJobs.Core.Performance;

/// <summary>
/// The Page–Hinkley test for a rise in the mean of a stream, e.g. hourly error rates (Page 1954, "Continuous
/// inspection schemes"), as river's <c>PageHinkley</c> with <c>mode="up"</c> and no forgetting (<c>alpha=1</c>) computes
/// it: with the running mean updated first, m_T = Σ (x_t − mean_t − δ), M_T = min m_t, and an alarm when
/// m_T − M_T &gt; λ after at least the minimum number of values.
/// <para>
/// A pure function of (state, value): a run stores the returned <see cref="PageHinkleyState"/> and the next run
/// resumes from it, with the same result as one pass. After an alarm the state keeps alarming while the level stays
/// up; the caller restarts from <see cref="PageHinkleyState.Initial"/> once the change is acknowledged (river resets on
/// the next value by itself).
/// </para>
/// </summary>
internal static class PageHinkley
{
    public static (PageHinkleyState State, bool Alarm) Update(PageHinkleyState state, double value, PageHinkleyParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(parameters);
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "Page–Hinkley needs finite values.");
        }

        var count = state.Count + 1;
        var mean = state.Mean + ((value - state.Mean) / count);
        var sum = state.Sum + (value - mean - parameters.Delta);
        var minimum = Math.Min(state.Minimum, sum);
        var next = new PageHinkleyState(mean, sum, minimum, count);
        return (next, count >= parameters.MinInstances && sum - minimum > parameters.Lambda);
    }
}
