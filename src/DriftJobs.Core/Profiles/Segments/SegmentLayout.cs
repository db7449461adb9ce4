using System.Runtime.CompilerServices;

namespace DriftJobs.Core.Profiles.Segments;

/// <summary>
/// The segments a window is split into and the reference of each: the baseline's top segments, then its
/// <see cref="SegmentKey.Other"/> segment when it has one. Rows of a key the training data never had get
/// <see cref="UnseenCode"/>: they count in the whole window and are listed, but judged in no segment.
/// </summary>
internal sealed class SegmentLayout
{
    private static readonly ConditionalWeakTable<BaselineProfile, SegmentLayout> Cache = new();

    private readonly Dictionary<string, int> _codes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _otherKeys;
    private readonly bool _otherTakesAll;

    private SegmentLayout(
        BaselineProfile whole, IReadOnlyList<string> columns, IReadOnlyList<string> keys, IReadOnlyList<BaselineProfile> references, int otherCode, IEnumerable<string> otherKeys, bool otherTakesAll)
    {
        Whole = whole;
        Columns = columns;
        Keys = keys;
        References = references;
        OtherCode = otherCode;
        _otherKeys = new HashSet<string>(otherKeys, StringComparer.Ordinal);
        _otherTakesAll = otherTakesAll;
        for (var i = 0; i < keys.Count; i++)
        {
            if (i != otherCode)
            {
                _codes.Add(keys[i], i);
            }
        }
    }

    /// <summary>The baseline whose bins and grid every segment's reference shares.</summary>
    public BaselineProfile Whole { get; }

    public IReadOnlyList<string> Columns { get; }

    /// <summary>The segments' keys, in the baseline's order.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>The baseline each segment's window is counted and judged against.</summary>
    public IReadOnlyList<BaselineProfile> References { get; }

    /// <summary>The index of <see cref="SegmentKey.Other"/>; −1 when the training data had no rarer segment.</summary>
    public int OtherCode { get; }

    /// <summary>The code of rows in no segment of the baseline: one past the last segment.</summary>
    public int UnseenCode => Keys.Count;

    /// <summary>The segments of a baseline's <c>segments</c> section, each judged against its own shares (one layout per baseline).</summary>
    public static SegmentLayout For(BaselineProfile baseline) => Cache.GetValue(baseline, b =>
    {
        var segments = b.Segments ?? throw new InvalidOperationException("The baseline has no segments.");
        var references = segments.Segments.Select(s => SegmentReference.For(b, s)).ToArray();
        var keys = segments.Segments.Select(s => s.Key).ToArray();
        // An incomplete list of rare keys cannot tell a rare key from a new one: then every unlisted key is taken for rare.
        return new SegmentLayout(b, segments.Columns, keys, references, Array.IndexOf(keys, SegmentKey.Other), segments.OtherKeys, !segments.OtherKeysComplete);
    });

    /// <summary>
    /// For counting the training data's segments (the baseline job): every window on the whole baseline, every key
    /// outside <paramref name="top"/> in <see cref="SegmentKey.Other"/> (when <paramref name="withOther"/>).
    /// </summary>
    public static SegmentLayout ForTraining(BaselineProfile whole, IReadOnlyList<string> columns, IReadOnlyList<string> top, bool withOther)
    {
        var keys = withOther ? top.Append(SegmentKey.Other).ToArray() : top.ToArray();
        return new SegmentLayout(whole, columns, keys, keys.Select(_ => whole).ToArray(), withOther ? keys.Length - 1 : -1, [], otherTakesAll: withOther);
    }

    /// <summary>The code of a segment key: its index, <see cref="OtherCode"/> or <see cref="UnseenCode"/>.</summary>
    public int CodeOf(string key) =>
        _codes.TryGetValue(key, out var code) ? code
        : OtherCode >= 0 && (_otherTakesAll || _otherKeys.Contains(key)) ? OtherCode
        : UnseenCode;
}
