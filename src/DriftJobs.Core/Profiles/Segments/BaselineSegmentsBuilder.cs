namespace DriftJobs.Core.Profiles.Segments;

/// <summary>
/// Builds a baseline's <c>segments</c> section in two reads of the training data after the whole profile: the first
/// counts the rows of every segment key (<see cref="Keys"/>), the second counts the features of the top
/// DRIFT_MAX_SEGMENTS segments and of the others together on the whole profile's bins and grid
/// (<see cref="Profiles"/>); both are fed through a <see cref="SegmentRouter"/> of their layout.
/// </summary>
internal sealed class BaselineSegmentsBuilder
{
    /// <summary>Segment keys counted by name; a training set with more is refused (DRIFT_SEGMENT_COLUMNS names an ID-like column).</summary>
    public const int MaxKeys = 100_000;

    private readonly IReadOnlyList<string> _columns;
    private readonly int _maxSegments;
    private string[] _top = [];
    private string[] _rare = [];

    public BaselineSegmentsBuilder(BaselineProfile whole, IReadOnlyList<string> columns, int maxSegments)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns.Count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSegments, 1);
        Whole = whole;
        _columns = columns;
        _maxSegments = maxSegments;
        Keys = new SegmentWindows(SegmentLayout.ForTraining(whole, columns, [], withOther: false), MaxKeys + 1);
    }

    public BaselineProfile Whole { get; }

    /// <summary>The first read's target: every key is "unseen", counted by name.</summary>
    public SegmentWindows Keys { get; }

    /// <summary>The second read's target, once the keys are counted.</summary>
    public SegmentWindows? Profiles { get; private set; }

    /// <summary>Ranks the counted keys and makes the second read's target.</summary>
    /// <exception cref="InvalidDataException">More distinct keys than <see cref="MaxKeys"/>.</exception>
    public SegmentWindows StartProfiles()
    {
        if (Keys.Unseen.Count > MaxKeys)
        {
            throw new InvalidDataException($"The segment columns {string.Join(", ", _columns)} have more than {MaxKeys} distinct combinations in the training data: segments need categorical columns of a few values.");
        }

        var ranked = Keys.Unseen.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key).ToArray();
        _top = ranked.Take(_maxSegments).ToArray();
        _rare = ranked.Skip(_maxSegments).Order(StringComparer.Ordinal).ToArray();
        Profiles = new SegmentWindows(SegmentLayout.ForTraining(Whole, _columns, _top, withOther: _rare.Length > 0));
        return Profiles;
    }

    public BaselineSegments Build()
    {
        var profiles = Profiles ?? throw new InvalidOperationException("The segments' features were not counted.");
        return new BaselineSegments
        {
            Columns = _columns.ToArray(),
            MaxSegments = _maxSegments,
            Segments = profiles.Windows.Select((w, i) => SegmentReference.Count(profiles.Layout.Keys[i], w)).ToArray(),
            OtherKeys = _rare.Take(BaselineSegments.MaxOtherKeys).ToArray(),
            OtherKeysComplete = _rare.Length <= BaselineSegments.MaxOtherKeys,
        };
    }
}
