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
    /// Memory of at least <paramref name="decoded"/> values, which the reader decodes the next numeric batch into and
    /// of which it then hands the first <paramref name="kept"/> over with <see cref="AddLentNumeric"/> (instead of
    /// calling <see cref="AddNumeric"/>), so that a sink which keeps the values saves copying them. Null when the sink
    /// has none to lend. A reader that fails before handing the memory over just never calls
    /// <see cref="AddLentNumeric"/>.
    /// </summary>
    /// <param name="decoded">Rows the reader decodes (the row group's).</param>
    /// <param name="kept">Of those, rows it will hand over (the model filter drops the others').</param>
    Memory<double>? LendNumeric(int decoded, int kept) => null;

    /// <summary>The first <paramref name="count"/> values of the memory the last <see cref="LendNumeric"/> returned are
    /// <paramref name="column"/>'s batch, as <see cref="AddNumeric"/> would have delivered them.</summary>
    void AddLentNumeric(string column, int count) => throw new InvalidOperationException($"{GetType().Name} lends no memory.");
}
