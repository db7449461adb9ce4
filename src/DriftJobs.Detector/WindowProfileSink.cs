using DriftJobs.Core.Profiles;
using DriftJobs.Storage;

namespace DriftJobs.Detector;

/// <summary>Feeds one file's column batches into a window profile; the logs' <c>prediction</c> column stands for the training label.</summary>
internal sealed class WindowProfileSink(WindowProfile profile, string? targetFeature) : IColumnBatchSink
{
    public const string PredictionColumn = "prediction";

    public void AddNumeric(string column, ReadOnlySpan<double> values) => profile.AddNumeric(Feature(column), values);

    public void AddCategorical(string column, ReadOnlySpan<string?> values) => profile.AddCategorical(Feature(column), values);

    /// <summary>A batch of a segmented window: the whole window's values, and each segment's (row i's segment is <paramref name="codes"/>[i]).</summary>
    public void AddNumeric(string column, ReadOnlySpan<double> values, ReadOnlySpan<int> codes)
    {
        var feature = Feature(column);
        profile.AddNumeric(feature, values);
        profile.Segments!.AddNumeric(feature, values, codes);
    }

    public void AddCategorical(string column, ReadOnlySpan<string?> values, ReadOnlySpan<int> codes)
    {
        var feature = Feature(column);
        profile.AddCategorical(feature, values);
        profile.Segments!.AddCategorical(feature, values, codes);
    }

    public string Feature(string column) => column == PredictionColumn && targetFeature is not null ? targetFeature : column;
}
