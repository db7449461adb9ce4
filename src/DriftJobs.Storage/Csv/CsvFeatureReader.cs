namespace DriftJobs.Storage.Csv;

/// <summary>
/// Training data in CSV: a header row naming the columns, then one record per row (see <see cref="CsvRecordReader"/>).
/// Kinds are decided by a first, streaming pass (<see cref="ProbeAsync"/>): a column is numeric when every value reads
/// as a number, a missing value or an infinity by the rule of <see cref="CsvNumber"/> ("1.5", "2e-3", "nan", "NA",
/// "-inf", "Infinity"…), categorical otherwise. A second streaming pass (<see cref="ReadAsync"/>) delivers the
/// requested columns in batches. Neither pass holds more than one record and one batch in memory. In a categorical
/// column only an empty or whitespace-only field is missing (null): every other value, "NA" included, is a category.
/// </summary>
internal sealed class CsvFeatureReader
{
    public const int DefaultBatchSize = 8192;

    /// <summary>Distinct non-numbers a probe keeps per column to name in a warning.</summary>
    public const int NonNumbersKept = 5;

    /// <summary>
    /// A column stops being counted once it has at least this many non-numbers and more of them than numbers: it is
    /// text, and parsing the rest of its values would only slow the probe down.
    /// </summary>
    public const int ClearlyTextAfter = 1000;

    private const int MaxValueChars = 60;

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
    /// no value at all counts as numeric: every one of its values parses, vacuously), with what was counted in it
    /// (<see cref="ProbedColumn.Values"/>).
    /// </summary>
    public static async Task<IReadOnlyList<ProbedColumn>> ProbeAsync(Stream stream, string fileName, CancellationToken cancellationToken = default)
    {
        using var records = new CsvRecordReader(stream, fileName);
        var header = await ReadHeaderAsync(records, cancellationToken).ConfigureAwait(false);
        var counts = header.Select(_ => new ValueCounts()).ToArray();
        var counting = header.Count;
        while (await records.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            CheckFieldCount(records, header.Count);
            if (counting == 0)
            {
                // Every column is known to be text; the rest of the pass only checks the file is well-formed.
                continue;
            }

            for (var i = 0; i < header.Count; i++)
            {
                var count = counts[i];
                if (!count.Complete)
                {
                    continue;
                }

                var value = records.Field(i);
                if (CsvNumber.TryParse(value, out var number))
                {
                    if (!double.IsNaN(number))
                    {
                        count.Numbers++;
                    }

                    continue;
                }

                count.NonNumbers++;
                if (count.First.Count < NonNumbersKept)
                {
                    var text = Shorten(value.Trim());
                    if (!count.First.Exists(v => v.Value == text))
                    {
                        count.First.Add(new ValueAt(text, fileName, records.LineNumber));
                    }
                }

                if (count.NonNumbers >= ClearlyTextAfter && count.NonNumbers > count.Numbers)
                {
                    count.Complete = false;
                    counting--;
                }
            }
        }

        return header.Select((name, i) => new ProbedColumn(
            name,
            counts[i].NonNumbers == 0 ? ColumnKind.Numeric : ColumnKind.Categorical,
            "text",
            new ProbedValues(counts[i].Numbers, counts[i].NonNumbers, counts[i].Complete, counts[i].First))).ToList();
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

    private static double ParseNumber(ReadOnlySpan<char> value, CsvRecordReader records, string column) =>
        CsvNumber.TryParse(value, out var number)
            ? number
            : throw new InvalidDataException(
                $"{records.FileName}: line {records.LineNumber}: column '{column}' is requested as numeric but '{Shorten(value.Trim())}' is not a number " +
                "(nor a spelling of a missing value or an infinity).");

    private static string Shorten(ReadOnlySpan<char> value) =>
        value.Length <= MaxValueChars ? value.ToString() : string.Concat(value[..MaxValueChars], "…");

    private static bool IsMissing(ReadOnlySpan<char> value) => value.IsWhiteSpace();

    private static void Deliver(List<Column> columns, int rows, IColumnBatchSink sink)
    {
        sink.StartBatch(rows);
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

    private sealed class ValueCounts
    {
        public long Numbers { get; set; }

        public long NonNumbers { get; set; }

        public bool Complete { get; set; } = true;

        public List<ValueAt> First { get; } = [];
    }

    private sealed record Column(RequestedColumn Requested, int Position, double[]? Numbers, string?[]? Strings, StringPool? Pool);
}
