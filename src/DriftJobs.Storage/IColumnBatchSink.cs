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

    /// <summary>
    /// A batch of <paramref name="rows"/> rows begins: its columns follow, in the order they were requested. A sink that
    /// splits rows by the values of some columns (segments) requests those first and learns here where a batch starts.
    /// </summary>
    void StartBatch(int rows)
    {
    }
}
