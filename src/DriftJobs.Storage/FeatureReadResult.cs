namespace DriftJobs.Storage;

/// <summary>What one file gave a sink.</summary>
/// <param name="RowsRead">Every data row in the file.</param>
/// <param name="RowsSkipped">Rows the model filter dropped (Parquet only); the sink saw <see cref="RowsKept"/> values
/// per delivered column.</param>
/// <param name="AbsentColumns">Requested columns the file does not have. Nothing was delivered for them: the caller
/// counts <see cref="RowsKept"/> missing values for each.</param>
internal sealed record FeatureReadResult(long RowsRead, long RowsSkipped, IReadOnlyList<string> AbsentColumns)
{
    public long RowsKept => RowsRead - RowsSkipped;
}
