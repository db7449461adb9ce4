namespace DriftJobs.Core.Performance;

/// <summary>
/// Everything the Page–Hinkley detector remembers, small enough to store with each run's output and resume from:
/// the running mean of the values, the cumulative sum m_T = Σ (x_t − mean_t − δ), its minimum M_T, and the count.
/// <see cref="Minimum"/> starts at 0 rather than river's +∞: the first sum is always −δ ≤ 0, so the two agree from the
/// first value on, and the state stays plain JSON.
/// </summary>
internal sealed record PageHinkleyState(double Mean, double Sum, double Minimum, long Count)
{
    public static PageHinkleyState Initial { get; } = new(0, 0, 0, 0);
}
