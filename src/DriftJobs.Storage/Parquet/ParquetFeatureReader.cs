using System.Globalization;
using System.Numerics;
using Azure;
using Parquet;
using Parquet.Schema;

namespace DriftJobs.Storage.Parquet;

/// <summary>Keep only the rows a given model logged (models share a logs root).</summary>
/// <param name="ModelName">Rows whose model_name differs (or is null) are skipped.</param>
/// <param name="ModelVersion">When set, rows whose model_version differs (or is null) are skipped too.</param>
internal sealed record ModelFilter(string ModelName, string? ModelVersion = null)
{
    public const string ModelNameColumn = "model_name";
    public const string ModelVersionColumn = "model_version";
}

/// <summary>
/// Reads requested feature columns from Parquet, row group by row group, into buffers it reuses across row groups
/// and files (this is the detector's hot path): numeric columns cost no allocation per value, categorical values are
/// shared through a per-column <see cref="StringPool"/>. Conversions: int8–int64 (signed or not), float, double and
/// decimal → double (null → NaN); string → categorical; bool → categorical "true"/"false"; a numeric column
/// requested as categorical → its invariant text ("42", "0.5"; NaN → missing). One instance is not thread-safe:
/// use one per concurrent reader.
/// </summary>
internal sealed class ParquetFeatureReader
{
    private static readonly ParquetOptions Options = new();

    private readonly IReadOnlyList<RequestedColumn> _columns;
    private readonly ModelFilter? _filter;

    // The filter's values as UTF-8, to compare with column statistics (empty without a filter).
    private readonly byte[] _filterName;
    private readonly byte[] _filterVersion;
    private readonly Dictionary<string, StringPool> _pools = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, Array> _scratch = [];
    private double[] _numbers = [];
    private string?[] _strings = [];
    private int[] _definitions = [];
    private bool[] _keep = [];
    private ReadOnlyMemory<char>[] _filterValues = [];

    public ParquetFeatureReader(IReadOnlyList<RequestedColumn> columns, ModelFilter? filter = null)
    {
        RequestedColumn.ValidateAll(columns);
        if (filter is not null)
        {
            ModelIdentity.Validate(filter.ModelName, nameof(filter.ModelName));
            if (filter.ModelVersion is not null)
            {
                ModelIdentity.Validate(filter.ModelVersion, nameof(filter.ModelVersion));
            }
        }

        _columns = columns.ToArray();
        _filter = filter;
        _filterName = filter is null ? [] : System.Text.Encoding.UTF8.GetBytes(filter.ModelName);
        _filterVersion = filter?.ModelVersion is null ? [] : System.Text.Encoding.UTF8.GetBytes(filter.ModelVersion);
    }

    public IReadOnlyList<RequestedColumn> Columns => _columns;

    /// <summary>
    /// Reads <paramref name="stream"/> (seekable is best; anything else is buffered in memory first) and pushes
    /// every row group's columns to <paramref name="sink"/>. <paramref name="fileName"/> names the file in errors.
    /// </summary>
    /// <exception cref="InvalidDataException">Not Parquet, truncated or corrupt; or a requested column (or the
    /// filter's model column) has a type it cannot be read as. The message names the file and column.</exception>
    public async Task<FeatureReadResult> ReadAsync(Stream stream, string fileName, IColumnBatchSink sink, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        ArgumentNullException.ThrowIfNull(sink);

        var seekable = await EnsureSeekableAsync(stream, cancellationToken).ConfigureAwait(false);
        try
        {
            var source = SourceStream.Wrap(seekable, fileName);
            var reader = await OpenAsync(source, fileName, cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var plan = Plan(reader.Schema, fileName);
                long rowsRead = 0;
                long rowsSkipped = 0;
                for (var index = 0; index < reader.RowGroupCount; index++)
                {
                    var (rows, kept) = await ReadRowGroupAsync(reader, index, plan, fileName, sink, cancellationToken).ConfigureAwait(false);
                    rowsRead += rows;
                    rowsSkipped += rows - kept;
                }

                return new FeatureReadResult(rowsRead, rowsSkipped, plan.Absent);
            }
        }
        finally
        {
            if (!ReferenceEquals(seekable, stream))
            {
                await seekable.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Lists a file's top-level columns with the kind each would be read as (numeric, categorical or unsupported),
    /// in schema order; the baseline job uses it to decide its features.
    /// </summary>
    public static async Task<IReadOnlyList<ProbedColumn>> ProbeAsync(Stream stream, string fileName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        var seekable = await EnsureSeekableAsync(stream, cancellationToken).ConfigureAwait(false);
        try
        {
            var reader = await OpenAsync(SourceStream.Wrap(seekable, fileName), fileName, cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return reader.Schema.Fields
                    .Select(field => new ProbedColumn(field.Name, KindOf(Classify(field)), Describe(field)))
                    .ToList();
            }
        }
        finally
        {
            if (!ReferenceEquals(seekable, stream))
            {
                await seekable.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<(long Rows, long Kept)> ReadRowGroupAsync(
        ParquetReader reader, int index, FilePlan plan, string fileName, IColumnBatchSink sink, CancellationToken cancellationToken)
    {
        ParquetRowGroupReader group;
        try
        {
            group = reader.OpenRowGroupReader(index);
        }
        catch (Exception e) when (IsFormatError(e))
        {
            throw Unreadable(fileName, e);
        }

        if (group.RowCount is < 0 or > int.MaxValue / 2)
        {
            throw new InvalidDataException($"{fileName}: row group {index} claims {group.RowCount} rows; the file is corrupt or its row groups are too large to read.");
        }

        var rows = (int)group.RowCount;
        int kept;
        try
        {
            kept = rows == 0 ? 0 : await FilterAsync(group, plan, rows, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsFormatError(e))
        {
            throw Unreadable(fileName, e);
        }

        if (kept == 0)
        {
            return (rows, 0);
        }

        sink.StartBatch(kept);
        foreach (var column in plan.Columns)
        {
            // Read and convert inside the guard (library errors mean a bad file); deliver outside it, so a sink's
            // own exception is never mistaken for one.
            try
            {
                await ReadColumnAsync(group, column, rows, cancellationToken).ConfigureAwait(false);
                if (kept < rows)
                {
                    Compact(column.Requested.Kind, rows);
                }
            }
            catch (Exception e) when (IsFormatError(e))
            {
                throw Unreadable(fileName, e);
            }

            if (column.Requested.Kind == ColumnKind.Numeric)
            {
                sink.AddNumeric(column.Requested.Name, _numbers.AsSpan(0, kept));
            }
            else
            {
                sink.AddCategorical(column.Requested.Name, _strings.AsSpan(0, kept));
            }
        }

        return (rows, kept);
    }

    /// <summary>Fills <see cref="_keep"/> for the row group; returns how many rows are kept.</summary>
    private async ValueTask<int> FilterAsync(ParquetRowGroupReader group, FilePlan plan, int rows, CancellationToken cancellationToken)
    {
        if (plan.ModelName is null)
        {
            return rows;
        }

        var name = Judge(group, plan.ModelName, _filterName);
        var version = plan.ModelVersion is null ? Verdict.AllMatch : Judge(group, plan.ModelVersion, _filterVersion);
        if (name == Verdict.NoneMatch || version == Verdict.NoneMatch)
        {
            return 0;
        }

        if (name == Verdict.AllMatch && version == Verdict.AllMatch)
        {
            return rows;
        }

        Grow(ref _keep, rows);
        _keep.AsSpan(0, rows).Fill(true);
        if (name == Verdict.Unknown)
        {
            await MatchAsync(group, plan.ModelName, _filter!.ModelName, rows, cancellationToken).ConfigureAwait(false);
        }

        if (version == Verdict.Unknown)
        {
            await MatchAsync(group, plan.ModelVersion!, _filter!.ModelVersion!, rows, cancellationToken).ConfigureAwait(false);
        }

        return _keep.AsSpan(0, rows).Count(true);
    }

    /// <summary>
    /// What the column chunk's statistics say about a filter column, without decoding it: the model's own files
    /// (every row one model, the logger's case) and other models' files need no string compared. Only the exact
    /// statistics fields are used (min_value and max_value, unsigned byte order for strings), and only as bounds:
    /// min = max = the expected value with no nulls means every row matches; the expected value outside [min, max]
    /// means none does. Anything else is read and compared.
    /// </summary>
    private static Verdict Judge(ParquetRowGroupReader group, DataField field, byte[] expected)
    {
        global::Parquet.Meta.Statistics? statistics;
        try
        {
            statistics = group.GetMetadata(field)?.MetaData?.Statistics;
        }
        catch (Exception e) when (IsFormatError(e))
        {
            return Verdict.Unknown;
        }

        if (statistics?.MinValue is not { } min || statistics.MaxValue is not { } max || min.AsSpan().SequenceCompareTo(max) > 0)
        {
            return Verdict.Unknown;
        }

        if (expected.AsSpan().SequenceCompareTo(min) < 0 || expected.AsSpan().SequenceCompareTo(max) > 0)
        {
            return Verdict.NoneMatch;
        }

        return statistics.NullCount == 0 && min.AsSpan().SequenceEqual(expected) && max.AsSpan().SequenceEqual(expected)
            ? Verdict.AllMatch
            : Verdict.Unknown;
    }

    private async ValueTask MatchAsync(ParquetRowGroupReader group, DataField field, string expected, int rows, CancellationToken cancellationToken)
    {
        Grow(ref _filterValues, rows);
        var definitions = (await ReadRawAsync(group, field, _filterValues, rows, cancellationToken).ConfigureAwait(false)).Span;
        var keep = _keep.AsSpan(0, rows);
        var values = _filterValues.AsSpan();
        var next = 0;
        for (var i = 0; i < rows; i++)
        {
            if (definitions.IsEmpty || definitions[i] == field.MaxDefinitionLevel)
            {
                keep[i] &= values[next++].Span.SequenceEqual(expected);
            }
            else
            {
                keep[i] = false;
            }
        }

        ForgetDecoded(_filterValues, next);
    }

    private ValueTask ReadColumnAsync(ParquetRowGroupReader group, ColumnPlan column, int rows, CancellationToken cancellationToken) =>
        column.Source switch
        {
            SourceType.Double when column.Requested.Kind == ColumnKind.Numeric => ReadDoublesAsync(group, column.Field, rows, cancellationToken),
            SourceType.Double => ReadNumberAsync<double>(group, column, rows, cancellationToken),
            SourceType.Float => ReadNumberAsync<float>(group, column, rows, cancellationToken),
            SourceType.Decimal => ReadNumberAsync<decimal>(group, column, rows, cancellationToken),
            SourceType.SByte => ReadNumberAsync<sbyte>(group, column, rows, cancellationToken),
            SourceType.Byte => ReadNumberAsync<byte>(group, column, rows, cancellationToken),
            SourceType.Int16 => ReadNumberAsync<short>(group, column, rows, cancellationToken),
            SourceType.UInt16 => ReadNumberAsync<ushort>(group, column, rows, cancellationToken),
            SourceType.Int32 => ReadNumberAsync<int>(group, column, rows, cancellationToken),
            SourceType.UInt32 => ReadNumberAsync<uint>(group, column, rows, cancellationToken),
            SourceType.Int64 => ReadNumberAsync<long>(group, column, rows, cancellationToken),
            SourceType.UInt64 => ReadNumberAsync<ulong>(group, column, rows, cancellationToken),
            SourceType.Boolean => ReadBooleanAsync(group, column, rows, cancellationToken),
            SourceType.String => ReadStringAsync(group, column, rows, cancellationToken),
            _ => throw new InvalidOperationException($"Unplanned source type {column.Source}."),
        };

    private async ValueTask ReadNumberAsync<T>(ParquetRowGroupReader group, ColumnPlan column, int rows, CancellationToken cancellationToken)
        where T : unmanaged, INumberBase<T>, ISpanFormattable
    {
        var values = Scratch<T>(rows);
        var definitions = (await ReadRawAsync(group, column.Field, values, rows, cancellationToken).ConfigureAwait(false)).Span;
        if (column.Requested.Kind == ColumnKind.Numeric)
        {
            Grow(ref _numbers, rows);
            ExpandNumbers(values, definitions, column.Field.MaxDefinitionLevel, _numbers.AsSpan(0, rows));
        }
        else
        {
            Grow(ref _strings, rows);
            ExpandNumbersAsText(values, definitions, column.Field.MaxDefinitionLevel, _strings.AsSpan(0, rows), column.Pool!);
        }
    }

    private ValueTask ReadDoublesAsync(ParquetRowGroupReader group, DataField field, int rows, CancellationToken cancellationToken)
    {
        Grow(ref _numbers, rows);
        return ReadDoublesWithParquetNetAsync(group, field, _numbers.AsMemory(0, rows), cancellationToken);
    }

    /// <summary>The values packed at the start by Parquet.Net are spread over their rows in place (from the end, so
    /// none is overwritten before it moves).</summary>
    private async ValueTask ReadDoublesWithParquetNetAsync(ParquetRowGroupReader group, DataField field, Memory<double> values, CancellationToken cancellationToken)
    {
        var rows = values.Length;
        var levels = (await ReadRawAsync(group, field, values, cancellationToken).ConfigureAwait(false)).Span;
        var span = values.Span;
        if (!levels.IsEmpty && levels.ContainsAnyExcept(field.MaxDefinitionLevel))
        {
            var next = levels.Count(field.MaxDefinitionLevel) - 1;
            for (var i = rows - 1; i >= 0; i--)
            {
                span[i] = levels[i] == field.MaxDefinitionLevel ? span[next--] : double.NaN;
            }
        }
    }

    private static void ExpandNumbers<T>(T[] values, ReadOnlySpan<int> definitions, int maxDefinition, Span<double> output)
        where T : unmanaged, INumberBase<T>
    {
        // A nullable column without a null in the row group (the common case) is packed like a required one;
        // finding that out is one vectorised scan. (float64 columns read as numbers do not come here.)
        if (definitions.IsEmpty || !definitions.ContainsAnyExcept(maxDefinition))
        {
            for (var i = 0; i < output.Length; i++)
            {
                output[i] = double.CreateTruncating(values[i]);
            }

            return;
        }

        var next = 0;
        for (var i = 0; i < output.Length; i++)
        {
            output[i] = definitions[i] == maxDefinition ? double.CreateTruncating(values[next++]) : double.NaN;
        }
    }

    private static void ExpandNumbersAsText<T>(T[] values, ReadOnlySpan<int> definitions, int maxDefinition, Span<string?> output, StringPool pool)
        where T : unmanaged, INumberBase<T>, ISpanFormattable
    {
        Span<char> text = stackalloc char[64];
        var next = 0;
        for (var i = 0; i < output.Length; i++)
        {
            if (!definitions.IsEmpty && definitions[i] != maxDefinition)
            {
                output[i] = null;
                continue;
            }

            var value = values[next++];
            output[i] = FormatInvariant(value, text, out var written) ? pool.Get(text[..written]) : null;
        }
    }

    /// <summary>Integers as integers, float and double as their shortest round-trip text, decimal via double
    /// (so 2.00 reads "2", as the same value would from a double column). NaN is missing.</summary>
    private static bool FormatInvariant<T>(T value, Span<char> text, out int written)
        where T : unmanaged, INumberBase<T>, ISpanFormattable
    {
        if (typeof(T) == typeof(decimal) || typeof(T) == typeof(double))
        {
            var number = double.CreateTruncating(value);
            written = 0;
            return !double.IsNaN(number) && number.TryFormat(text, out written, default, CultureInfo.InvariantCulture);
        }

        if (T.IsNaN(value))
        {
            written = 0;
            return false;
        }

        return value.TryFormat(text, out written, default, CultureInfo.InvariantCulture);
    }

    private async ValueTask ReadBooleanAsync(ParquetRowGroupReader group, ColumnPlan column, int rows, CancellationToken cancellationToken)
    {
        var values = Scratch<bool>(rows);
        var definitions = (await ReadRawAsync(group, column.Field, values, rows, cancellationToken).ConfigureAwait(false)).Span;
        Grow(ref _strings, rows);
        var output = _strings.AsSpan(0, rows);
        var next = 0;
        for (var i = 0; i < rows; i++)
        {
            output[i] = definitions.IsEmpty || definitions[i] == column.Field.MaxDefinitionLevel
                ? (values[next++] ? "true" : "false")
                : null;
        }
    }

    private async ValueTask ReadStringAsync(ParquetRowGroupReader group, ColumnPlan column, int rows, CancellationToken cancellationToken)
    {
        Grow(ref _strings, rows);
        var pool = column.Pool!;

        var values = Scratch<ReadOnlyMemory<char>>(rows);
        var definitions = (await ReadRawAsync(group, column.Field, values, rows, cancellationToken).ConfigureAwait(false)).Span;
        var output = _strings.AsSpan(0, rows);
        var next = 0;
        for (var i = 0; i < rows; i++)
        {
            output[i] = definitions.IsEmpty || definitions[i] == column.Field.MaxDefinitionLevel
                ? pool.Get(values[next++].Span)
                : null;
        }

        ForgetDecoded(values, next);
    }

    /// <summary>
    /// Drops the scratch buffer's references to the text Parquet.Net just decoded: the buffer lives in the large
    /// object heap, so every reference left in it would keep that text alive through each gen0 collection until the
    /// next row group overwrote it.
    /// </summary>
    private static void ForgetDecoded(ReadOnlyMemory<char>[] values, int count) => values.AsSpan(0, count).Clear();

    /// <summary>Reads the non-null values packed at the start of <paramref name="values"/>; returns the definition
    /// levels (empty for a required column, where every row has a value).</summary>
    private ValueTask<ReadOnlyMemory<int>> ReadRawAsync<T>(
        ParquetRowGroupReader group, DataField field, T[] values, int rows, CancellationToken cancellationToken)
        where T : struct => ReadRawAsync(group, field, values.AsMemory(0, rows), cancellationToken);

    /// <summary>As above, into exactly <paramref name="values"/> (one per row of the row group).</summary>
    private async ValueTask<ReadOnlyMemory<int>> ReadRawAsync<T>(
        ParquetRowGroupReader group, DataField field, Memory<T> values, CancellationToken cancellationToken)
        where T : struct
    {
        if (field.MaxDefinitionLevel == 0)
        {
            await group.ReadRawAsync(field, values, null, null, cancellationToken).ConfigureAwait(false);
            return ReadOnlyMemory<int>.Empty;
        }

        Grow(ref _definitions, values.Length);
        var definitions = _definitions.AsMemory(0, values.Length);
        await group.ReadRawAsync(field, values, definitions, null, cancellationToken).ConfigureAwait(false);
        return definitions;
    }

    private void Compact(ColumnKind kind, int rows)
    {
        var keep = _keep.AsSpan(0, rows);
        if (kind == ColumnKind.Numeric)
        {
            CompactInPlace(_numbers.AsSpan(0, rows), keep);
        }
        else
        {
            CompactInPlace(_strings.AsSpan(0, rows), keep);
        }
    }

    private static void CompactInPlace<T>(Span<T> values, ReadOnlySpan<bool> keep)
    {
        var next = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (keep[i])
            {
                values[next++] = values[i];
            }
        }
    }

    private FilePlan Plan(ParquetSchema schema, string fileName)
    {
        var fields = new Dictionary<string, Field>(StringComparer.Ordinal);
        foreach (var field in schema.Fields)
        {
            fields.TryAdd(field.Name, field);
        }

        var columns = new List<ColumnPlan>(_columns.Count);
        var absent = new List<string>();
        foreach (var requested in _columns)
        {
            if (!fields.TryGetValue(requested.Name, out var field))
            {
                absent.Add(requested.Name);
                continue;
            }

            var source = Classify(field);
            var readable = requested.Kind == ColumnKind.Numeric ? IsNumber(source) : source != SourceType.Unsupported;
            if (!readable)
            {
                var hint = KindOf(source) == ColumnKind.Categorical ? " (it is categorical)" : string.Empty;
                throw new InvalidDataException(
                    $"{fileName}: column '{requested.Name}' holds {Describe(field)} values{hint}, which cannot be read as a {requested.Kind.ToString().ToLowerInvariant()} feature.");
            }

            var pool = requested.Kind == ColumnKind.Categorical ? PoolFor(requested.Name) : null;
            columns.Add(new ColumnPlan(requested, (DataField)field, source, pool));
        }

        DataField? modelName = null;
        DataField? modelVersion = null;
        if (_filter is not null)
        {
            modelName = FilterField(fields, ModelFilter.ModelNameColumn, fileName);
            if (_filter.ModelVersion is not null)
            {
                modelVersion = FilterField(fields, ModelFilter.ModelVersionColumn, fileName);
            }
        }

        return new FilePlan(columns, absent, modelName, modelVersion);
    }

    private static DataField FilterField(Dictionary<string, Field> fields, string name, string fileName)
    {
        if (!fields.TryGetValue(name, out var field))
        {
            throw new InvalidDataException(
                $"{fileName}: has no '{name}' column, so its rows cannot be attributed to a model (the logs root is shared by models).");
        }

        if (Classify(field) != SourceType.String)
        {
            throw new InvalidDataException($"{fileName}: column '{name}' holds {Describe(field)} values; a string column is expected.");
        }

        return (DataField)field;
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

    private T[] Scratch<T>(int rows)
    {
        if (_scratch.TryGetValue(typeof(T), out var existing) && existing.Length >= rows)
        {
            return (T[])existing;
        }

        var array = new T[Capacity(rows)];
        _scratch[typeof(T)] = array;
        return array;
    }

    private static void Grow<T>(ref T[] buffer, int rows)
    {
        if (buffer.Length < rows)
        {
            buffer = new T[Capacity(rows)];
        }
    }

    // Round up so that row groups of slightly different sizes share one buffer.
    private static int Capacity(int rows) => rows <= 1024 ? 1024 : (int)Math.Min(BitOperations.RoundUpToPowerOf2((uint)rows), (uint)Array.MaxLength);

    private static SourceType Classify(Field field)
    {
        if (field is not DataField data || field.SchemaType != SchemaType.Data || data.IsArray || field.MaxRepetitionLevel > 0)
        {
            return SourceType.Unsupported;
        }

        var type = data.ClrType;
        return type == typeof(double) ? SourceType.Double
            : type == typeof(float) ? SourceType.Float
            : type == typeof(decimal) ? SourceType.Decimal
            : type == typeof(sbyte) ? SourceType.SByte
            : type == typeof(byte) ? SourceType.Byte
            : type == typeof(short) ? SourceType.Int16
            : type == typeof(ushort) ? SourceType.UInt16
            : type == typeof(int) ? SourceType.Int32
            : type == typeof(uint) ? SourceType.UInt32
            : type == typeof(long) ? SourceType.Int64
            : type == typeof(ulong) ? SourceType.UInt64
            : type == typeof(bool) ? SourceType.Boolean
            : type == typeof(ReadOnlyMemory<char>) || type == typeof(string) ? SourceType.String
            : SourceType.Unsupported;
    }

    private static bool IsNumber(SourceType source) => source is not (SourceType.Boolean or SourceType.String or SourceType.Unsupported);

    private static ColumnKind KindOf(SourceType source) =>
        IsNumber(source) ? ColumnKind.Numeric : source == SourceType.Unsupported ? ColumnKind.Unsupported : ColumnKind.Categorical;

    /// <summary>The stored type in words, for probes and errors: "INT32 (INT_8)", "BYTE_ARRAY (UTF8)", "list"…</summary>
    private static string Describe(Field field)
    {
        if (field is not DataField data || field.SchemaType != SchemaType.Data)
        {
            return field.SchemaType.ToString().ToLowerInvariant();
        }

        var element = data.SchemaElement;
        var physical = element?.Type?.ToString() ?? data.ClrType.Name;
        var annotation = data switch
        {
            DecimalDataField d => $"DECIMAL({d.Precision},{d.Scale})",
            DateTimeDataField => "timestamp or date",
            _ => element?.ConvertedType?.ToString(),
        };
        var repeated = data.IsArray || field.MaxRepetitionLevel > 0 ? "repeated " : string.Empty;
        return annotation is null ? repeated + physical : $"{repeated}{physical} ({annotation})";
    }

    private static async Task<ParquetReader> OpenAsync(Stream stream, string fileName, CancellationToken cancellationToken)
    {
        try
        {
            return await ParquetReader.CreateAsync(stream, Options, leaveStreamOpen: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsFormatError(e))
        {
            throw Unreadable(fileName, e);
        }
    }

    private static async Task<Stream> EnsureSeekableAsync(Stream stream, CancellationToken cancellationToken)
    {
        if (stream.CanSeek)
        {
            return stream;
        }

        // Parquet is read from its footer backwards, so a forward-only stream has to be buffered first.
        var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        buffer.Position = 0;
        return buffer;
    }

    /// <summary>Whatever the Parquet library throws on bad bytes; not cancellation, the source failing to read, or transport errors.</summary>
    private static bool IsFormatError(Exception e) =>
        e is not (OperationCanceledException or RequestFailedException or OutOfMemoryException or SourceReadException);

    private static InvalidDataException Unreadable(string fileName, Exception e) =>
        new($"{fileName} is not a readable Parquet file (truncated, corrupt or not Parquet): {e.Message}", e);

    private enum Verdict
    {
        Unknown,
        AllMatch,
        NoneMatch,
    }

    private enum SourceType
    {
        Unsupported,
        Double,
        Float,
        Decimal,
        SByte,
        Byte,
        Int16,
        UInt16,
        Int32,
        UInt32,
        Int64,
        UInt64,
        Boolean,
        String,
    }

    private sealed record ColumnPlan(RequestedColumn Requested, DataField Field, SourceType Source, StringPool? Pool);

    private sealed record FilePlan(IReadOnlyList<ColumnPlan> Columns, IReadOnlyList<string> Absent, DataField? ModelName, DataField? ModelVersion);
}
