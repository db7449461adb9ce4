using DriftJobs.Storage;

namespace DriftJobs.Detector.Performance;

/// <summary>
/// Turns the Parquet reader's column-by-column delivery back into rows: the reader hands over each column of a row
/// group in turn, so a column seen again starts the next batch. The values are copied (the reader reuses its buffers);
/// a column the file lacks is simply never filled (<see cref="Has"/> is false).
/// </summary>
internal sealed class RowBatches(Action<RowBatches> onBatch) : IColumnBatchSink
{
    private readonly Dictionary<string, double[]> _numbers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?[]> _texts = new(StringComparer.Ordinal);
    private readonly HashSet<string> _filled = new(StringComparer.Ordinal);

    public int Count { get; private set; }

    public bool Has(string column) => _filled.Contains(column);

    /// <summary>The batch's values of a numeric column (NaN missing).</summary>
    public ReadOnlySpan<double> Numbers(string column) => _numbers[column].AsSpan(0, Count);

    /// <summary>The batch's values of a categorical column (null missing).</summary>
    public ReadOnlySpan<string?> Texts(string column) => _texts[column].AsSpan(0, Count);

    public void AddNumeric(string column, ReadOnlySpan<double> values)
    {
        Begin(column, values.Length);
        values.CopyTo(Buffer(_numbers, column, values.Length));
    }

    public void AddCategorical(string column, ReadOnlySpan<string?> values)
    {
        Begin(column, values.Length);
        values.CopyTo(Buffer(_texts, column, values.Length));
    }

    /// <summary>Hands over the last batch; call once the file has been read.</summary>
    public void Flush()
    {
        if (_filled.Count > 0)
        {
            onBatch(this);
        }

        _filled.Clear();
        Count = 0;
    }

    private void Begin(string column, int rows)
    {
        if (_filled.Contains(column))
        {
            Flush();
        }

        _filled.Add(column);
        Count = rows;
    }

    private static Span<T> Buffer<T>(Dictionary<string, T[]> buffers, string column, int length)
    {
        if (!buffers.TryGetValue(column, out var buffer) || buffer.Length < length)
        {
            buffer = new T[Math.Max(length, 1024)];
            buffers[column] = buffer;
        }

        return buffer.AsSpan(0, length);
    }
}
