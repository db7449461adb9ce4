namespace DriftJobs.InferenceLogger;

/// <summary>
/// A count incremented from many threads at once without them fighting over one cache line: each processor
/// adds to its own slot, and reads add the slots up. Slots only grow, so the sum never goes backwards.
/// </summary>
internal sealed class StripedCounter
{
    // 16 longs = 128 bytes between slots: a cache line plus the one the hardware prefetches with it.
    private const int Spacing = 16;
    private readonly long[] _slots;
    private readonly int _mask;

    public StripedCounter()
    {
        var stripes = (int)Math.Min(64, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Environment.ProcessorCount));
        _slots = new long[stripes * Spacing];
        _mask = stripes - 1;
    }

    public void Increment() => Interlocked.Increment(ref _slots[(Thread.GetCurrentProcessorId() & _mask) * Spacing]);

    public long Read()
    {
        long sum = 0;
        for (var i = 0; i < _slots.Length; i += Spacing)
        {
            sum += Interlocked.Read(ref _slots[i]);
        }

        return sum;
    }
}
