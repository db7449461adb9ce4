using DriftJobs.Core.Profiles;
using DriftJobs.Storage;

namespace DriftJobs.Detector;

/// <summary>Feeds one file's column batches into a window profile; the logs' <c>prediction</c> column stands for the training label.</summary>
internal sealed class WindowProfileSink(WindowProfile profile, string? targetFeature) : IColumnBatchSink
{
    public const string PredictionColumn = "prediction";

    public void AddNumeric(string column, ReadOnlySpan<double> values) => profile.AddNumeric(Feature(column), values);

    public void AddCategorical(string column, ReadOnlySpan<string?> values) => profile.AddCategorical(Feature(column), values);

    /// <summary>
    /// A batch of a segmented window: each segment's values (row i's segment is <paramref name="codes"/>[i]); the whole
    /// window's are their sum, added once the window is read (<see cref="Core.Profiles.Segments.SegmentWindows.AddInto"/>),
    /// so every value is counted once.
    /// </summary>
    public void AddNumeric(string column, ReadOnlySpan<double> values, ReadOnlySpan<int> codes) =>
        profile.Segments!.AddNumeric(Feature(column), values, codes);

    public void AddCategorical(string column, ReadOnlySpan<string?> values, ReadOnlySpan<int> codes) =>
        profile.Segments!.AddCategorical(Feature(column), values, codes);

    public string Feature(string column) => column == PredictionColumn && targetFeature is not null ? targetFeature : column;
}
