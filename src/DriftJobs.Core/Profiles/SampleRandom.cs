namespace DriftJobs.Core.Profiles;

/// <summary>
/// SplitMix64: a tiny deterministic generator, so the same training data always gives the same baseline
/// (System.Random's algorithm is not guaranteed stable across runtime versions).
/// </summary>
internal struct SampleRandom(ulong seed)
{
    private ulong _state = seed;

    public static SampleRandom ForFeature(string feature)
    {
        // FNV-1a over the name: stable across processes, unlike string.GetHashCode.
        var hash = 14695981039346656037UL;
        foreach (var c in feature)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return new SampleRandom(hash);
    }

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in (0, 1): never 0, so its logarithm is finite.</summary>
    public double NextOpenUnit() => ((NextUInt64() >> 11) + 0.5) * (1.0 / (1UL << 53));

    public int NextInt(int exclusiveMax) => (int)(NextUInt64() % (ulong)exclusiveMax);
}
