using System.Globalization;
using Parquet;

namespace DriftJobs.InferenceLogger;

/// <summary>
/// Turns records into one Parquet file (one row group, Snappy), conforming each record to the declared schema
/// and counting every mismatch. Used by the logger's single writer loop only, so its column buffers are reused.
/// </summary>
internal sealed class ParquetBatchEncoder
{
    private readonly LogSchema _schema;
    private readonly LoggerCounters _counters;
    private readonly Action<string> _onFirstUnknownFeature;
    private readonly HashSet<string> _declared;
    private readonly HashSet<string> _reportedUnknown = new(StringComparer.Ordinal);
    private readonly int _predictionColumn;
    private readonly int _scoreColumn;

    // Sampling keeps Parquet.Net from scanning a whole column of unique values (request ids, continuous
    // features) for dictionary encoding, which costs more than the rest of the encoding together.
    private readonly ParquetOptions _parquetOptions = new() { CompressionMethod = CompressionMethod.Snappy, DictionaryEncodingSampleSize = 1_000 };
    private readonly MemoryStream _stream = new();

    private DateTime[] _timestamps = [];
    private string?[] _requestIds = [];
    private string?[] _modelNames = [];
    private string?[] _modelVersions = [];
    private readonly double?[]?[] _numbers;
    private readonly string?[]?[] _texts;
    private double?[] _predictionNumbers = [];
    private string?[] _predictionTexts = [];
    private double?[] _scores = [];

    public ParquetBatchEncoder(LogSchema schema, LoggerCounters counters, Action<string> onFirstUnknownFeature)
    {
        _schema = schema;
        _counters = counters;
        _onFirstUnknownFeature = onFirstUnknownFeature;
        _declared = new HashSet<string>(schema.Features.Select(f => f.Name), StringComparer.Ordinal);
        _numbers = new double?[schema.Features.Count][];
        _texts = new string?[schema.Features.Count][];
        _predictionColumn = schema.Features.Count;
        _scoreColumn = schema.Features.Count + 1;
    }

    /// <summary>The columns whose values are conformed and counted, in counter order.</summary>
    public static IReadOnlyList<string> CountedColumns(LogSchema schema) =>
        [.. schema.Features.Select(f => f.Name), LogSchema.PredictionColumn, LogSchema.PredictionScoreColumn];

    /// <summary>Encodes <paramref name="records"/> (non-empty) into the bytes of one Parquet file.</summary>
    public async Task<byte[]> EncodeAsync(IReadOnlyList<BufferedRecord> records, CancellationToken cancellationToken = default)
    {
        var count = records.Count;
        EnsureCapacity(count);
        try
        {
            Fill(records);
            _stream.SetLength(0);
            var writer = await ParquetWriter.CreateAsync(_schema.Parquet, _stream, _parquetOptions, cancellationToken: cancellationToken).ConfigureAwait(false);
            await using (writer.ConfigureAwait(false))
            {
                using var rowGroup = writer.CreateRowGroup();
                await rowGroup.WriteAsync<DateTime>(_schema.Timestamp, _timestamps.AsMemory(0, count), null, null, cancellationToken).ConfigureAwait(false);
                await rowGroup.WriteAsync(_schema.RequestId, Segment(_requestIds, count), null).ConfigureAwait(false);
                await rowGroup.WriteAsync(_schema.ModelName, Segment(_modelNames, count), null).ConfigureAwait(false);
                await rowGroup.WriteAsync(_schema.ModelVersion, Segment(_modelVersions, count), null).ConfigureAwait(false);
                for (var f = 0; f < _schema.Features.Count; f++)
                {
                    var column = _schema.Features[f];
                    if (column.Kind == ValueKind.String)
                    {
                        await rowGroup.WriteAsync(column.Field, Segment(_texts[f]!, count), null).ConfigureAwait(false);
                    }
                    else
                    {
                        await rowGroup.WriteAsync<double>(column.Field, _numbers[f].AsMemory(0, count), null, null, cancellationToken).ConfigureAwait(false);
                    }
                }

                if (_schema.PredictionKind == ValueKind.String)
                {
                    await rowGroup.WriteAsync(_schema.Prediction, Segment(_predictionTexts, count), null).ConfigureAwait(false);
                }
                else
                {
                    await rowGroup.WriteAsync<double>(_schema.Prediction, _predictionNumbers.AsMemory(0, count), null, null, cancellationToken).ConfigureAwait(false);
                }

                await rowGroup.WriteAsync<double>(_schema.PredictionScore, _scores.AsMemory(0, count), null, null, cancellationToken).ConfigureAwait(false);
                rowGroup.CompleteValidate();
            }

            return _stream.ToArray();
        }
        finally
        {
            ReleaseReferences(count);
        }
    }

    private static ArraySegment<string> Segment(string?[] values, int count) => new(values!, 0, count);

    private void Fill(IReadOnlyList<BufferedRecord> records)
    {
        var features = _schema.Features;
        for (var r = 0; r < records.Count; r++)
        {
            var (record, ticks) = records[r];
            _timestamps[r] = new DateTime(ticks, DateTimeKind.Utc);
            _requestIds[r] = record.RequestId;
            _modelNames[r] = record.ModelName;
            _modelVersions[r] = record.ModelVersion;

            var values = record.Features;
            var matched = 0;
            for (var f = 0; f < features.Count; f++)
            {
                ModelValue value = default;
                if (values is not null && values.TryGetValue(features[f].Name, out value))
                {
                    matched++;
                }
                else
                {
                    _counters.Missing[f]++;
                }

                if (features[f].Kind == ValueKind.String)
                {
                    _texts[f]![r] = ToText(value, f);
                }
                else
                {
                    _numbers[f]![r] = ToNumber(value, f);
                }
            }

            if (values is not null && values.Count > matched)
            {
                CountUnknown(values);
            }

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

    private double? ToNumber(ModelValue value, int column)
    {
        switch (value.Kind)
        {
            case ValueKind.Number:
                var number = value.Number!.Value;
                if (double.IsFinite(number))
                {
                    return number;
                }

                break;
            case ValueKind.String:
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

    private string? ToText(ModelValue value, int column)
    {
        if (value.Kind == ValueKind.Number)
        {
            _counters.Coerced[column]++;
            return value.Number!.Value.ToString("R", CultureInfo.InvariantCulture);
        }

        return value.Text;
    }

    private void CountUnknown(IReadOnlyDictionary<string, ModelValue> values)
    {
        foreach (var name in values.Keys)
        {
            if (!_declared.Contains(name))
            {
                _counters.UnknownFeatures++;
                if (_reportedUnknown.Count < 100 && _reportedUnknown.Add(name))
                {
                    _onFirstUnknownFeature(name);
                }
            }
        }
    }

    private void EnsureCapacity(int count)
    {
        if (_timestamps.Length >= count)
        {
            return;
        }

        _timestamps = new DateTime[count];
        _requestIds = new string?[count];
        _modelNames = new string?[count];
        _modelVersions = new string?[count];
        for (var f = 0; f < _schema.Features.Count; f++)
        {
            if (_schema.Features[f].Kind == ValueKind.String)
            {
                _texts[f] = new string?[count];
            }
            else
            {
                _numbers[f] = new double?[count];
            }
        }

        _predictionNumbers = new double?[count];
        _predictionTexts = new string?[count];
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

        _stream.SetLength(0);
        if (_stream.Capacity > 64 << 20)
        {
            _stream.Capacity = 0;
        }
    }
}
