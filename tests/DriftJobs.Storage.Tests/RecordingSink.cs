namespace DriftJobs.Storage.Tests;

/// <summary>Copies every batch it is given, and checks the batch contract: a column's values come as a copy-free
/// span only valid during the call, and all columns of a file advance together.</summary>
internal sealed class RecordingSink : IColumnBatchSink
{
    public Dictionary<string, List<double>> Numeric { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, List<string?>> Categorical { get; } = new(StringComparer.Ordinal);

    public List<(string Column, int Rows)> Batches { get; } = [];

    public void AddNumeric(string column, ReadOnlySpan<double> values)
    {
        Assert.False(Categorical.ContainsKey(column), $"{column} delivered as both kinds");
        Batches.Add((column, values.Length));
        if (!Numeric.TryGetValue(column, out var list))
        {
            Numeric[column] = list = [];
        }

        list.AddRange(values);
    }

    public void AddCategorical(string column, ReadOnlySpan<string?> values)
    {
        Assert.False(Numeric.ContainsKey(column), $"{column} delivered as both kinds");
        Batches.Add((column, values.Length));
        if (!Categorical.TryGetValue(column, out var list))
        {
            Categorical[column] = list = [];
        }

        list.AddRange(values);
    }

    public int RowsOf(string column) =>
        Numeric.TryGetValue(column, out var n) ? n.Count : Categorical.TryGetValue(column, out var c) ? c.Count : 0;
}
