using System.Globalization;
using Parquet;

namespace DriftJobs.InferenceLogger;

/// <summary>
/// Turns predictions into one log file (<see cref="ParquetFileWriter"/>), conforming each record to the declared schema
/// and counting every mismatch. Used by the logger's single writer loop only, so its column buffers are reused.
/// </summary>
internal sealed class ParquetBatchEncoder : IBatchEncoder<BufferedRecord>
{
    private readonly LogSchema _schema;
    private readonly LoggerCounters _counters;
    private readonly Action<string> _onFirstUnknownFeature;
    private readonly string[] _names;
    private readonly bool[] _isText;
    private readonly Dictionary<string, int> _columnOf;
    private readonly int[] _markedIn;
    private readonly int[] _columnAtPosition = new int[64];
    private readonly HashSet<string> _reportedUnknown = new(StringComparer.Ordinal);
    private readonly int _predictionColumn;
    private readonly int _scoreColumn;

    private readonly ParquetFileWriter _file;
    private readonly Func<ParquetRowGroupWriter, CancellationToken, Task> _writeColumns;
    private int _mark;

    // The rows of the file being written, for the columns' writer.
    private int _count;

    private DateTime[] _timestamps = [];
    // Strings go to Parquet.Net as ReadOnlyMemory<char>, its own representation: its string[] overload copies
    // every column into that form first.
    private ReadOnlyMemory<char>?[] _requestIds = [];
    private ReadOnlyMemory<char>[] _modelNames = [];
    private ReadOnlyMemory<char>[] _modelVersions = [];
    private readonly double?[]?[] _numbers;
    private readonly ReadOnlyMemory<char>?[]?[] _texts;
    private double?[] _predictionNumbers = [];
    private ReadOnlyMemory<char>?[] _predictionTexts = [];
    private double?[] _scores = [];

    public ParquetBatchEncoder(LogSchema schema, LoggerCounters counters, Action<string> onFirstUnknownFeature)
    {
        _schema = schema;
        _counters = counters;
        _onFirstUnknownFeature = onFirstUnknownFeature;
        _names = schema.Features.Select(f => f.Name).ToArray();
        _isText = schema.Features.Select(f => f.Kind == ValueKind.String).ToArray();
        _columnOf = _names.Select((name, column) => (name, column)).ToDictionary(p => p.name, p => p.column, StringComparer.Ordinal);
        _markedIn = new int[_names.Length];
        Array.Fill(_columnAtPosition, -1);
        _numbers = new double?[schema.Features.Count][];
        _texts = new ReadOnlyMemory<char>?[schema.Features.Count][];
        _predictionColumn = schema.Features.Count;
        _scoreColumn = schema.Features.Count + 1;
        _file = new ParquetFileWriter(schema.Parquet);
        _writeColumns = WriteColumnsAsync;
    }

    /// <summary>The columns whose values are conformed and counted, in counter order.</summary>
    public static IReadOnlyList<string> CountedColumns(LogSchema schema) =>
        [.. schema.Features.Select(f => f.Name), LogSchema.PredictionColumn, LogSchema.PredictionScoreColumn];

    /// <inheritdoc/>
    public async Task<ReadOnlyMemory<byte>> EncodeAsync(IReadOnlyList<BufferedRecord> records, CancellationToken cancellationToken = default)
    {
        var count = records.Count;
        EnsureCapacity(count);
        try
        {
            Fill(records);
            _count = count;
            return await _file.WriteAsync(_writeColumns, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ReleaseReferences(count);
        }
    }

    private async Task WriteColumnsAsync(ParquetRowGroupWriter rowGroup, CancellationToken cancellationToken)
    {
        var count = _count;
        await rowGroup.WriteAsync<DateTime>(_schema.Timestamp, _timestamps.AsMemory(0, count), null, null, cancellationToken).ConfigureAwait(false);
        await rowGroup.WriteAsync<ReadOnlyMemory<char>>(_schema.RequestId, _requestIds.AsMemory(0, count), null, null, cancellationToken).ConfigureAwait(false);
        await rowGroup.WriteAsync<ReadOnlyMemory<char>>(_schema.ModelName, _modelNames.AsMemory(0, count), null, null, cancellationToken).ConfigureAwait(false);
        await rowGroup.WriteAsync<ReadOnlyMemory<char>>(_schema.ModelVersion, _modelVersions.AsMemory(0, count), null, null, cancellationToken).ConfigureAwait(false);
        for (var f = 0; f < _schema.Features.Count; f++)
        {
            var column = _schema.Features[f];
            if (column.Kind == ValueKind.String)
            {
                await rowGroup.WriteAsync<ReadOnlyMemory<char>>(column.Field, _texts[f].AsMemory(0, count), null, null, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await rowGroup.WriteAsync<double>(column.Field, _numbers[f].AsMemory(0, count), null, null, cancellationToken).ConfigureAwait(false);
            }
        }

        if (_schema.PredictionKind == ValueKind.String)
        {
            await rowGroup.WriteAsync<ReadOnlyMemory<char>>(_schema.Prediction, _predictionTexts.AsMemory(0, count), null, null, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await rowGroup.WriteAsync<double>(_schema.Prediction, _predictionNumbers.AsMemory(0, count), null, null, cancellationToken).ConfigureAwait(false);
        }

        await rowGroup.WriteAsync<double>(_schema.PredictionScore, _scores.AsMemory(0, count), null, null, cancellationToken).ConfigureAwait(false);
    }

    private void Fill(IReadOnlyList<BufferedRecord> records)
    {
        for (var r = 0; r < records.Count; r++)
        {
            var (record, ticks) = records[r];
            _timestamps[r] = new DateTime(ticks, DateTimeKind.Utc);
            _requestIds[r] = Text(record.RequestId);
            _modelNames[r] = record.ModelName.AsMemory();
            _modelVersions[r] = record.ModelVersion.AsMemory();
            FillFeatures(record.Features, r);

            if (_schema.PredictionKind == ValueKind.String)
            {
                _predictionTexts[r] = ToText(record.Prediction, _predictionColumn);
            }
            else
            {
                _predictionNumbers[r] = ToNumber(record.Prediction, _predictionColumn);
            }

            _scores[r] = ToNumber(record.PredictionScore, _scoreColumn);
        }
    }

    // Walks the record's own entries rather than looking each declared feature up: gateways build their feature
    // dictionaries the same way every time, so the column at each position is remembered and confirmed with a
    // reference (or ordinal) comparison instead of hashing every name of every record.
    private void FillFeatures(IReadOnlyDictionary<string, ModelValue>? values, int row)
    {
        if (++_mark == int.MaxValue)
        {
            Array.Clear(_markedIn);
            _mark = 1;
        }

        if (values is Dictionary<string, ModelValue> dictionary)
        {
            var position = 0;
            foreach (var (name, value) in dictionary)
            {
                Set(name, value, position++, row);
            }
        }
        else if (values is not null)
        {
            var position = 0;
            foreach (var (name, value) in values)
            {
                Set(name, value, position++, row);
            }
        }

        for (var column = 0; column < _names.Length; column++)
        {
            if (_markedIn[column] != _mark)
            {
                _counters.Missing[column]++;
                if (_isText[column])
                {
                    _texts[column]![row] = null;
                }
                else
                {
                    _numbers[column]![row] = null;
                }
            }
        }
    }

    private void Set(string name, ModelValue value, int position, int row)
    {
        var cached = position < _columnAtPosition.Length;
        var column = cached ? _columnAtPosition[position] : -1;
        if (column < 0 || !(ReferenceEquals(name, _names[column]) || string.Equals(name, _names[column], StringComparison.Ordinal)))
        {
            if (!_columnOf.TryGetValue(name, out column))
            {
                CountUnknown(name);
                return;
            }

            if (cached)
            {
                _columnAtPosition[position] = column;
            }
        }

        _markedIn[column] = _mark;
        if (_isText[column])
        {
            _texts[column]![row] = ToText(value, column);
        }
        else
        {
            _numbers[column]![row] = ToNumber(value, column);
        }
    }

    private double? ToNumber(ModelValue value, int column)
    {
        switch (value.RawKind)
        {
            case (byte)ValueKind.Number:
                var number = value.RawNumber;
                if (double.IsFinite(number))
                {
                    return number;
                }

                break;
            case (byte)ValueKind.String:
                if (double.TryParse(value.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed))
                {
                    _counters.Coerced[column]++;
                    return parsed;
                }

                break;
            default:
                return null;
        }

        _counters.Nulled[column]++;
        return null;
    }

    private ReadOnlyMemory<char>? ToText(ModelValue value, int column)
    {
        if (value.RawKind == (byte)ValueKind.Number)
        {
            _counters.Coerced[column]++;
            return value.RawNumber.ToString("R", CultureInfo.InvariantCulture).AsMemory();
        }

        return Text(value.Text);
    }

    // Not "value is null ? null : ...": null would convert through char[] to an empty, non-null memory.
    private static ReadOnlyMemory<char>? Text(string? value) => value is null ? default(ReadOnlyMemory<char>?) : value.AsMemory();

    private void CountUnknown(string name)
    {
        _counters.UnknownFeatures++;
        if (_reportedUnknown.Count < 100 && _reportedUnknown.Add(name))
        {
            _onFirstUnknownFeature(name);
        }
    }

    private void EnsureCapacity(int count)
    {
        if (_timestamps.Length >= count)
        {
            return;
        }

        _timestamps = new DateTime[count];
        _requestIds = new ReadOnlyMemory<char>?[count];
        _modelNames = new ReadOnlyMemory<char>[count];
        _modelVersions = new ReadOnlyMemory<char>[count];
        for (var f = 0; f < _schema.Features.Count; f++)
        {
            if (_schema.Features[f].Kind == ValueKind.String)
            {
                _texts[f] = new ReadOnlyMemory<char>?[count];
            }
            else
            {
                _numbers[f] = new double?[count];
            }
        }

        _predictionNumbers = new double?[count];
        _predictionTexts = new ReadOnlyMemory<char>?[count];
        _scores = new double?[count];
    }

    // The buffers outlive the batch: drop the strings so they do not stay reachable until the next one.
    private void ReleaseReferences(int count)
    {
        Array.Clear(_requestIds, 0, count);
        Array.Clear(_modelNames, 0, count);
        Array.Clear(_modelVersions, 0, count);
        Array.Clear(_predictionTexts, 0, count);
        foreach (var texts in _texts)
        {
            if (texts is not null)
            {
                Array.Clear(texts, 0, count);
            }
        }
    }
}
