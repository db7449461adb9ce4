namespace DriftJobs.Storage;

/// <summary>
/// Where the readers deliver data: one call per column per batch, every column of a batch with the same number of
/// rows, in the same row order. The spans are only valid during the call (the readers reuse their buffers).
/// </summary>
internal interface IColumnBatchSink
{
    /// <summary>A numeric feature's values; <see cref="double.NaN"/> marks a missing value.</summary>
    void AddNumeric(string column, ReadOnlySpan<double> values);

    /// <summary>A categorical feature's values; <see langword="null"/> marks a missing value.</summary>
    void AddCategorical(string column, ReadOnlySpan<string?> values);
}
