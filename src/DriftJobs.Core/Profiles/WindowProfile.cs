using DriftJobs.Core.Profiles.Segments;

namespace DriftJobs.Core.Profiles;

/// <summary>
/// What the current window's data looks like, measured against one baseline: only counts on the baseline's PSI
/// bins and KS reference points, so memory is O(features × (bins + K)) however many rows are fed, and two
/// partial profiles merge exactly by adding counts (files and row groups can be profiled in any order or in
/// parallel).
/// </summary>
internal sealed class WindowProfile
{
    private readonly Dictionary<string, FeatureWindow> _features = new(StringComparer.Ordinal);

    /// <param name="segmented">Also count the rows of each of the baseline's segments (<see cref="Segments"/>).</param>
    public WindowProfile(BaselineProfile baseline, bool segmented = false)
    {
        Baseline = baseline;
        Segments = segmented ? new SegmentWindows(SegmentLayout.For(baseline)) : null;
        foreach (var feature in baseline.Features)
        {
            _features.Add(feature.Name, feature.Kind == FeatureKind.Numeric
                ? new NumericWindow(feature)
                : new CategoricalWindow(feature));
        }
    }

    public BaselineProfile Baseline { get; }

    /// <summary>The same rows split by segment; null when the window is not segmented. Its counts are fed apart from the whole window's.</summary>
    public SegmentWindows? Segments { get; }

    /// <summary>Rows of the window (after skipping other models' rows).</summary>
    public long Rows { get; private set; }

    public IReadOnlyDictionary<string, FeatureWindow> Features => _features;

    public void AddRows(long rows) => Rows += rows;

    /// <summary>Numeric values of a baseline feature; NaN means missing, ±∞ invalid.</summary>
    public void AddNumeric(string feature, ReadOnlySpan<double> values) => Numeric(feature).Add(values);

    /// <summary>Categorical values of a baseline feature; null means missing.</summary>
    public void AddCategorical(string feature, ReadOnlySpan<string?> values) => Categorical(feature).Add(values);

    /// <summary>Rows of a source without a column for the feature: counted missing, and noted as absent.</summary>
    public void AddAbsent(string feature, long rows) => Get(feature).AddAbsent(rows);

    /// <summary>Adds another partial profile of the same baseline into this one.</summary>
    public void Merge(WindowProfile other) => Merge(other, emptyOther: false);

    /// <summary>
    /// Adds another partial profile of the same baseline into this one and leaves that one empty, ready to be filled
    /// again: a reader reuses one partial profile file after file instead of allocating one per file.
    /// </summary>
    public void Absorb(WindowProfile other) => Merge(other, emptyOther: true);

    /// <summary>Forgets everything added (a file that failed half-way must add nothing).</summary>
    public void Clear()
    {
        Rows = 0;
        foreach (var window in _features.Values)
        {
            window.Clear();
        }

        Segments?.Clear();
    }

    private void Merge(WindowProfile other, bool emptyOther)
    {
        if (!ReferenceEquals(other.Baseline, Baseline))
        {
            throw new InvalidOperationException("Window profiles of different baselines cannot be merged.");
        }

        if (ReferenceEquals(other, this))
        {
            throw new InvalidOperationException("A window profile cannot be merged into itself.");
        }

        Rows += other.Rows;
        foreach (var (name, window) in _features)
        {
            window.Merge(other._features[name], emptyOther);
        }

        if (Segments is not null)
        {
            Segments.Merge(other.Segments ?? throw new InvalidOperationException("A window profile without segments cannot be merged into a segmented one."), emptyOther);
        }

        if (emptyOther)
        {
            other.Rows = 0;
        }
    }

    private FeatureWindow Get(string feature) =>
        _features.TryGetValue(feature, out var window)
            ? window
            : throw new ArgumentException($"'{feature}' is not a feature of baseline {Baseline.ModelName} {Baseline.ModelVersion}.", nameof(feature));

    private NumericWindow Numeric(string feature) =>
        Get(feature) as NumericWindow ?? throw new InvalidDataException($"Feature '{feature}' is categorical in the baseline but was read as numeric.");

    private CategoricalWindow Categorical(string feature) =>
        Get(feature) as CategoricalWindow ?? throw new InvalidDataException($"Feature '{feature}' is numeric in the baseline but was read as categorical.");
}
