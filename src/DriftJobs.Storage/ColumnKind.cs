using DriftJobs.Storage.Csv;

namespace DriftJobs.Storage;

/// <summary>How a column is read, or what a schema probe found it to be.</summary>
internal enum ColumnKind
{
    Numeric,
    Categorical,

    /// <summary>Only reported by a probe: a type no feature can be read from (timestamp, binary, nested…).</summary>
    Unsupported,
}

/// <summary>A feature column a reader should deliver, and as which kind.</summary>
internal sealed record RequestedColumn(string Name, ColumnKind Kind)
{
    public static RequestedColumn Numeric(string name) => new(name, ColumnKind.Numeric);

    public static RequestedColumn Categorical(string name) => new(name, ColumnKind.Categorical);

    internal static void ValidateAll(IReadOnlyList<RequestedColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var column in columns)
        {
            ArgumentNullException.ThrowIfNull(column, nameof(columns));
            if (string.IsNullOrEmpty(column.Name))
            {
                throw new ArgumentException("A requested column has an empty name.", nameof(columns));
            }

            if (column.Kind is not (ColumnKind.Numeric or ColumnKind.Categorical))
            {
                throw new ArgumentException($"Column '{column.Name}' is requested as {column.Kind}; only Numeric or Categorical can be read.", nameof(columns));
            }

            if (!seen.Add(column.Name))
            {
                throw new ArgumentException($"Column '{column.Name}' is requested twice.", nameof(columns));
            }
        }
    }
}

/// <summary>One column found by a schema probe: its name, the kind it would be read as, and its type as stored.</summary>
/// <param name="Values">What a CSV probe counted in the column (null for Parquet, whose types are declared).</param>
internal sealed record ProbedColumn(string Name, ColumnKind Kind, string StoredType, ProbedValues? Values = null);
