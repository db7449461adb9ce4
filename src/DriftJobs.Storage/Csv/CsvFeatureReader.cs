using System.Globalization;

namespace DriftJobs.Storage;

/// <summary>
/// Training data in CSV: a header row naming the columns, then one record per row (see <see cref="CsvRecordReader"/>).
/// Kinds are decided by a first, streaming pass (<see cref="ProbeAsync"/>): a column is numeric when every non-empty
/// value parses as an invariant double ("1.5", "-3", "2e-3"; no thousands separators), categorical otherwise. A
/// second streaming pass (<see cref="ReadAsync"/>) delivers the requested columns in batches. Neither pass holds more
/// than one record and one batch in memory. An empty or whitespace-only field is missing (NaN or null).
/// </summary>
internal sealed class CsvFeatureReader
{
    public const int DefaultBatchSize = 8192;

    private const NumberStyles NumberStyle = NumberStyles.Float;

    private readonly IReadOnlyList<RequestedColumn> _columns;
    private readonly int _batchSize;
    private readonly Dictionary<string, StringPool> _pools = new(StringComparer.Ordinal);

    public CsvFeatureReader(IReadOnlyList<RequestedColumn> columns, int batchSize = DefaultBatchSize)
    {
        RequestedColumn.ValidateAll(columns);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _columns = columns.ToArray();
        _batchSize = batchSize;
    }

    public IReadOnlyList<RequestedColumn> Columns => _columns;

    /// <summary>
    /// Reads the whole file once and returns its columns in header order, each numeric or categorical (a column with
    /// no value at all counts as numeric: every one of its non-empty values parses, vacuously).
    /// </summary>
    public static async Task<IReadOnlyList<ProbedColumn>> ProbeAsync(Stream stream, string fileName, CancellationToken cancellationToken = default)
    {
        using var records = new CsvRecordReader(stream, fileName);
        var header = await ReadHeaderAsync(records, cancellationToken).ConfigureAwait(false);
        var numeric = Enumerable.Repeat(true, header.Count).ToArray();
        var undecided = header.Count;
        while (await records.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            CheckFieldCount(records, header.Count);
            if (undecided == 0)
            {
                // Every column is known categorical; the rest of the pass only checks the file is well-formed.
                continue;
            }

            for (var i = 0; i < header.Count; i++)
            {
                if (numeric[i])
                {
                    var value = records.Field(i);
                    if (!IsMissing(value) && !double.TryParse(value, NumberStyle, CultureInfo.InvariantCulture, out _))
                    {
                        numeric[i] = false;
                        undecided--;
                    }
                }
            }
        }

        return header.Select((name, i) => new ProbedColumn(name, numeric[i] ? ColumnKind.Numeric : ColumnKind.Categorical, "text")).ToList();
    }

    /// <summary>Streams the requested columns to <paramref name="sink"/> in batches of the configured size.</summary>
    /// <exception cref="InvalidDataException">A malformed file, a record with the wrong number of fields, or a value
    /// that is not a number in a column requested as numeric; the message names the file and line.</exception>
    public async Task<FeatureReadResult> ReadAsync(Stream stream, string fileName, IColumnBatchSink sink, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sink);
        using var records = new CsvRecordReader(stream, fileName);
        var header = await ReadHeaderAsync(records, cancellationToken).ConfigureAwait(false);
        var index = header.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i, StringComparer.Ordinal);

        var columns = new List<Column>();
        var absent = new List<string>();
        foreach (var requested in _columns)
        {
            if (!index.TryGetValue(requested.Name, out var position))
            {
                absent.Add(requested.Name);
                continue;
            }

            columns.Add(requested.Kind == ColumnKind.Numeric
                ? new Column(requested, position, new double[_batchSize], null, null)
                : new Column(requested, position, null, new string?[_batchSize], PoolFor(requested.Name)));
        }

        long rows = 0;
        var filled = 0;
        while (await records.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            CheckFieldCount(records, header.Count);
            foreach (var column in columns)
            {
                var value = records.Field(column.Position);
                if (column.Numbers is not null)
                {
                    column.Numbers[filled] = ParseNumber(value, records, column.Requested.Name);
                }
                else
                {
                    column.Strings![filled] = IsMissing(value) ? null : column.Pool!.Get(value);
                }
            }

            rows++;
            if (++filled == _batchSize)
            {
                Deliver(columns, filled, sink);
                filled = 0;
            }
        }

        if (filled > 0)
        {
            Deliver(columns, filled, sink);
        }

        return new FeatureReadResult(rows, 0, absent);
    }

    private static async Task<IReadOnlyList<string>> ReadHeaderAsync(CsvRecordReader records, CancellationToken cancellationToken)
    {
        if (!await records.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidDataException($"{records.FileName}: the file is empty; a header row naming the columns is expected.");
        }

        var names = new List<string>(records.FieldCount);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < records.FieldCount; i++)
        {
            var name = records.Field(i).Trim().ToString();
            if (name.Length == 0)
            {
                throw new InvalidDataException($"{records.FileName}: line {records.LineNumber}: header column {i + 1} has no name.");
            }

            if (!seen.Add(name))
            {
                throw new InvalidDataException($"{records.FileName}: line {records.LineNumber}: the header names column '{name}' twice.");
            }

            names.Add(name);
        }

        return names;
    }

    private static void CheckFieldCount(CsvRecordReader records, int expected)
    {
        if (records.FieldCount != expected)
        {
            throw new InvalidDataException(
                $"{records.FileName}: line {records.LineNumber}: expected {expected} fields (as in the header) but found {records.FieldCount}.");
        }
    }

    private static double ParseNumber(ReadOnlySpan<char> value, CsvRecordReader records, string column)
    {
        if (IsMissing(value))
        {
            return double.NaN;
        }

        return double.TryParse(value, NumberStyle, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new InvalidDataException(
                $"{records.FileName}: line {records.LineNumber}: column '{column}' is requested as numeric but this value is not a number.");
    }

    private static bool IsMissing(ReadOnlySpan<char> value) => value.IsWhiteSpace();

    private static void Deliver(List<Column> columns, int rows, IColumnBatchSink sink)
    {
        foreach (var column in columns)
        {
            if (column.Numbers is not null)
            {
                sink.AddNumeric(column.Requested.Name, column.Numbers.AsSpan(0, rows));
            }
            else
            {
                sink.AddCategorical(column.Requested.Name, column.Strings.AsSpan(0, rows));
            }
        }
    }

    private StringPool PoolFor(string column)
    {
        if (!_pools.TryGetValue(column, out var pool))
        {
            pool = new StringPool();
            _pools.Add(column, pool);
        }

        return pool;
    }

    private sealed record Column(RequestedColumn Requested, int Position, double[]? Numbers, string?[]? Strings, StringPool? Pool);
}
