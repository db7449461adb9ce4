using System.Globalization;
using DriftJobs.Core.Performance;
using DriftJobs.Storage;

namespace DriftJobs.Baseline;

/// <summary>
/// Joins the readers' column batches back into rows for <see cref="ReferencePerformanceBuilder"/>: the readers
/// deliver each requested column of a batch in turn, so a batch's label, prediction and score are kept until the last
/// of them arrives. Only one batch is ever held.
/// </summary>
internal sealed class ReferencePerformanceSink(ReferencePerformanceBuilder builder) : IColumnBatchSink
{
    private readonly Dictionary<string, Column> _columns = new(StringComparer.Ordinal);
    private string _file = "";
    private Column? _label;
    private Column? _prediction;
    private Column? _score;
    private long _row;

    /// <summary>Starts a file, whose rows are numbered from 1 in messages; the columns as they are requested from it.</summary>
    public void BeginFile(string file, RequestedColumn label, RequestedColumn prediction, RequestedColumn? score)
    {
        _file = file;
        _row = 0;
        _columns.Clear();
        _label = Add(label);
        _prediction = Add(prediction);
        _score = score is null ? null : Add(score);
    }

    public void AddNumeric(string column, ReadOnlySpan<double> values)
    {
        var c = _columns[column];
        c.Numbers = c.Numbers is { } kept && kept.Length >= values.Length ? kept : new double[values.Length];
        values.CopyTo(c.Numbers);
        Received(c, values.Length);
    }

    public void AddCategorical(string column, ReadOnlySpan<string?> values)
    {
        var c = _columns[column];
        c.Texts = c.Texts is { } kept && kept.Length >= values.Length ? kept : new string?[values.Length];
        values.CopyTo(c.Texts);
        Received(c, values.Length);
    }

    /// <summary>Every column of the last batch arrived: nothing is left half-read.</summary>
    public void EndFile()
    {
        if (_columns.Values.Any(c => c.Count >= 0))
        {
            throw new InvalidOperationException($"{_file}: a batch ended with some of its columns missing.");
        }
    }

    private Column Add(RequestedColumn requested)
    {
        var column = new Column(requested.Kind == ColumnKind.Numeric);
        _columns.Add(requested.Name, column);
        return column;
    }

    private void Received(Column column, int count)
    {
        if (column.Count >= 0)
        {
            throw new InvalidOperationException($"{_file}: a column arrived twice in one batch.");
        }

        column.Count = count;
        if (_columns.Values.Any(c => c.Count < 0))
        {
            return;
        }

        if (_columns.Values.Any(c => c.Count != count))
        {
            throw new InvalidOperationException($"{_file}: the columns of one batch differ in length.");
        }

        for (var i = 0; i < count; i++)
        {
            _row++;
            var score = _score is null ? double.NaN : _score.Numbers![i];
            if (!ReferencePerformanceBuilder.IsScore(score))
            {
                throw new InvalidDataException(
                    $"{_file}: row {_row}: column '{PerformanceColumns.PredictionScore}' is {score.ToString(CultureInfo.InvariantCulture)}, " +
                    "not a probability in [0, 1] (leave it empty or null when there is no score).");
            }

            if (_label!.IsNumeric && _prediction!.IsNumeric)
            {
                builder.Add(_label.Numbers![i], _prediction.Numbers![i], score);
            }
            else
            {
                builder.Add(Text(_label, i), Text(_prediction!, i), score);
            }
        }

        foreach (var c in _columns.Values)
        {
            c.Count = -1;
        }
    }

    private static string? Text(Column column, int i) =>
        column.IsNumeric ? PerformanceLabel.Text(column.Numbers![i]) : column.Texts![i];

    /// <summary>One requested column's values of the current batch; <see cref="Count"/> is −1 until they arrive.</summary>
    private sealed class Column(bool isNumeric)
    {
        public bool IsNumeric { get; } = isNumeric;

        public double[]? Numbers { get; set; }

        public string?[]? Texts { get; set; }

        public int Count { get; set; } = -1;
    }
}
