using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DriftJobs.Core.Profiles;

internal sealed class CategoricalWindow : FeatureWindow
{
    /// <summary>Distinct unseen values remembered by name; more only add to the unseen count.</summary>
    public const int MaxTrackedUnseen = 10_000;

    private const int KnownOtherCode = -1;
    private const int UnseenCode = -2;

    // Readers hand out one shared string per distinct value (StringPool), so the same few instances come back row
    // after row: a direct-mapped cache keyed by the instance's identity skips hashing their characters, the bulk of
    // counting a categorical value (a reference-keyed Dictionary cost 3 % of the detector's CPU in its comparer
    // calls). Values whose slot holds another instance are classified by content, as every value once was. Allocated
    // on first use (16 KiB), so wide baselines pay only for the features a window actually reads.
    private const int InstanceCacheBits = 10;

    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly HashSet<string> _knownOther;
    private (string? Instance, int Code)[]? _byInstance;

    public CategoricalWindow(FeatureProfile baseline)
        : base(baseline)
    {
        var categorical = baseline.Categorical ?? throw new InvalidDataException($"Feature '{baseline.Name}' has no categorical profile.");
        for (var i = 0; i < categorical.Categories.Count; i++)
        {
            _index[categorical.Categories[i].Value] = i;
        }

        _knownOther = new HashSet<string>(categorical.OtherValues, StringComparer.Ordinal);
        CategoryCounts = new long[categorical.Categories.Count];
    }

    /// <summary>Counts of the baseline's listed categories, in the baseline's order.</summary>
    public long[] CategoryCounts { get; }

    /// <summary>Values in the <c>__other__</c> bucket: rare training categories plus unseen ones.</summary>
    public long OtherCount { get; private set; }

    /// <summary>Values the training data never had (as far as the baseline remembers).</summary>
    public long UnseenCount { get; private set; }

    public Dictionary<string, long> Unseen { get; } = new(StringComparer.Ordinal);

    public void Add(ReadOnlySpan<string?> values)
    {
        Rows += values.Length;
        var byInstance = _byInstance ??= new (string?, int)[1 << InstanceCacheBits];
        foreach (var value in values)
        {
            if (value is null)
            {
                Missing++;
                continue;
            }

            ref var cached = ref byInstance[RuntimeHelpers.GetHashCode(value) & ((1 << InstanceCacheBits) - 1)];
            int code;
            if (ReferenceEquals(cached.Instance, value))
            {
                code = cached.Code;
            }
            else
            {
                code = Classify(value);
                cached = (value, code);
            }

            if (code >= 0)
            {
                CategoryCounts[code]++;
            }
            else
            {
                OtherCount++;
                if (code == UnseenCode)
                {
                    CountUnseen(value, 1);
                }
            }
        }
    }

    /// <summary>Sets the rest of a stored hour profile's counts (its category counts are read into <see cref="CategoryCounts"/>).</summary>
    public void RestoreCounts(long otherCount, long unseenCount, IEnumerable<KeyValuePair<string, long>> unseen)
    {
        OtherCount = otherCount;
        Unseen.Clear();
        foreach (var (value, count) in unseen)
        {
            if (!Unseen.TryAdd(value, count))
            {
                throw new InvalidDataException($"feature '{Baseline.Name}' lists the unseen value '{value}' twice");
            }
        }

        UnseenCount = unseenCount;
    }

    /// <summary>A category's index, <see cref="KnownOtherCode"/> or <see cref="UnseenCode"/>.</summary>
    private int Classify(string value) =>
        _index.TryGetValue(value, out var i) ? i : _knownOther.Contains(value) ? KnownOtherCode : UnseenCode;

    protected override void MergeCounts(FeatureWindow other, bool emptyOther)
    {
        var o = (CategoricalWindow)other;
        for (var i = 0; i < CategoryCounts.Length; i++)
        {
            CategoryCounts[i] += o.CategoryCounts[i];
        }

        OtherCount += o.OtherCount;
        UnseenCount += o.UnseenCount - o.Unseen.Values.Sum();
        foreach (var (value, count) in o.Unseen)
        {
            CountUnseen(value, count);
        }

        if (emptyOther)
        {
            o.ClearCounts();
        }
    }

    protected override void ClearCounts()
    {
        Array.Clear(CategoryCounts);
        OtherCount = 0;
        UnseenCount = 0;
        Unseen.Clear();
    }

    private void CountUnseen(string value, long count)
    {
        UnseenCount += count;
        ref var slot = ref CollectionsMarshal.GetValueRefOrNullRef(Unseen, value);
        if (!Unsafe.IsNullRef(ref slot))
        {
            slot += count;
        }
        else if (Unseen.Count < MaxTrackedUnseen)
        {
            Unseen.Add(value, count);
        }
    }
}
