using Parquet;

namespace DriftJobs.InferenceLogger;

/// <summary>
/// Turns outcomes into one ground-truth file (<see cref="ParquetFileWriter"/>). Their labels were conformed when
/// they were logged, so nothing here can refuse or change a value. Used by the logger's writer loop only.
/// </summary>
internal sealed class OutcomeBatchEncoder : IBatchEncoder<BufferedOutcome>
{
    private readonly OutcomeSchema _schema;
    private readonly ParquetFileWriter _file;
    private readonly Func<ParquetRowGroupWriter, CancellationToken, Task> _writeColumns;

    private int _count;
    private ReadOnlyMemory<char>[] _requestIds = [];
    private double[] _numbers = [];
    private ReadOnlyMemory<char>[] _texts = [];
    private ReadOnlyMemory<char>[] _modelNames = [];
    private ReadOnlyMemory<char>[] _modelVersions = [];
    private DateTime?[] _timestamps = [];

    public OutcomeBatchEncoder(OutcomeSchema schema)
    {
        _schema = schema;
        _file = new ParquetFileWriter(schema.Parquet);
        _writeColumns = WriteColumnsAsync;
    }

    /// <inheritdoc/>
    public async Task<ReadOnlyMemory<byte>> EncodeAsync(IReadOnlyList<BufferedOutcome> records, CancellationToken cancellationToken = default)
    {
        var count = records.Count;
        if (_requestIds.Length < count)
        {
            _requestIds = new ReadOnlyMemory<char>[count];
            _numbers = new double[count];
            _texts = new ReadOnlyMemory<char>[count];
            _modelNames = new ReadOnlyMemory<char>[count];
            _modelVersions = new ReadOnlyMemory<char>[count];
            _timestamps = new DateTime?[count];
        }

        try
        {
            for (var r = 0; r < count; r++)
            {
                var (record, label, _) = records[r];
                _requestIds[r] = record.RequestId.AsMemory();
                if (_schema.LabelKind == ValueKind.String)
                {
                    _texts[r] = label.Text.AsMemory();
                }
                else
                {
                    _numbers[r] = label.RawNumber;
                }

                _modelNames[r] = record.ModelName.AsMemory();
                _modelVersions[r] = record.ModelVersion.AsMemory();
                _timestamps[r] = record.PredictionTimestamp?.UtcDateTime;
            }

            _count = count;
            return await _file.WriteAsync(_writeColumns, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The buffers outlive the batch: drop the strings so they do not stay reachable until the next one.
            Array.Clear(_requestIds, 0, count);
            Array.Clear(_texts, 0, count);
            Array.Clear(_modelNames, 0, count);
            Array.Clear(_modelVersions, 0, count);
        }
    }

    private async Task WriteColumnsAsync(ParquetRowGroupWriter rowGroup, CancellationToken cancellationToken)
    {
        var count = _count;
        await rowGroup.WriteAsync<ReadOnlyMemory<char>>(_schema.RequestId, _requestIds.AsMemory(0, count), null, null, cancellationToken).ConfigureAwait(false);
        if (_schema.LabelKind == ValueKind.String)
        {
            await rowGroup.WriteAsync<ReadOnlyMemory<char>>(_schema.Label, _texts.AsMemory(0, count), null, null, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await rowGroup.WriteAsync<double>(_schema.Label, _numbers.AsMemory(0, count), null, null, cancellationToken).ConfigureAwait(false);
        }

        await rowGroup.WriteAsync<ReadOnlyMemory<char>>(_schema.ModelName, _modelNames.AsMemory(0, count), null, null, cancellationToken).ConfigureAwait(false);
        await rowGroup.WriteAsync<ReadOnlyMemory<char>>(_schema.ModelVersion, _modelVersions.AsMemory(0, count), null, null, cancellationToken).ConfigureAwait(false);
        await rowGroup.WriteAsync<DateTime>(_schema.Timestamp, _timestamps.AsMemory(0, count), null, null, cancellationToken).ConfigureAwait(false);
    }
}
