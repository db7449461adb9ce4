using DriftJobs.Core.Profiles.Segments;
using DriftJobs.Storage;

namespace DriftJobs.Baseline;

/// <summary>
/// Feeds one reader's batches to the training data's segments: the segment columns (requested first) give each row
/// its segment, the features' values go to their segment's window. <paramref name="features"/>: the columns that are
/// features (a segment column may be one too).
/// </summary>
internal sealed class SegmentProfileSink(SegmentRouter router, SegmentWindows windows, IReadOnlySet<string> features) : IColumnBatchSink
{
    public void StartBatch(int rows) => router.StartBatch(rows);

    public void AddNumeric(string column, ReadOnlySpan<double> values) => windows.AddNumeric(column, values, router.Codes());

    public void AddCategorical(string column, ReadOnlySpan<string?> values)
    {
        if (router.ColumnIndex(column) is >= 0 and var index)
        {
            router.AddSegmentColumn(index, values);
        }

        if (features.Contains(column))
        {
            windows.AddCategorical(column, values, router.Codes());
        }
    }
}
