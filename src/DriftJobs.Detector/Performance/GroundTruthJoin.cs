using DriftJobs.Core.Performance;

namespace DriftJobs.Detector.Performance;

/// <summary>
/// Joins a window's predictions with the labels that arrived for them, on <c>request_id</c>, within a memory budget
/// whatever the window's size: a hybrid hash join.
/// <para>
/// Labels are added first, in arrival order (an order number per row: the file's place in the arrival order, then the
/// row's), into one in-memory table; a request labelled twice keeps the latest arrival and counts a duplicate. While
/// the table's estimated size stays within the budget, predictions are then joined against it directly. Once it would
/// pass the budget, the table and every label after it go to <see cref="FanOut"/> partition files by a hash of the
/// request id, and so do the predictions; each partition is then joined on its own, its labels loaded into a table of
/// the same budget (a partition still too large is split again with another hash, up to <see cref="MaxDepth"/> levels:
/// 16⁴ partitions, enough for ~65,000 budgets' worth of labels). Spill files live in a temporary folder deleted at the
/// end.
/// </para>
/// <para>
/// A label's size is estimated as <see cref="EntryBytes"/>: the request id's characters, the table's entry and the label
/// object, the label's own text counted once per distinct value by the reader's string pool (not here). Measured once
/// (200,000 labels with 36-character ids, GC.GetTotalMemory after full collections): 93 bytes per label of table and
/// objects plus the 96-byte id string, 189 in all, against the estimate's 192. The budget bounds the table, not the
/// whole process.
/// </para>
/// Thread-safe: files are read concurrently.
/// </summary>
internal sealed class GroundTruthJoin : IDisposable
{
    public const int FanOut = 16;
    public const int MaxDepth = 4;

    private readonly object _gate = new();
    private readonly long _budgetBytes;
    private readonly string _spillRoot;
    private Dictionary<string, LabelEntry> _labels = new(StringComparer.Ordinal);
    private long _tableBytes;
    private SpillPartitions? _spilled;

    public GroundTruthJoin(PerformanceTask task, long budgetBytes, string? spillDirectory = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(budgetBytes, 1);
        Task = task;
        _budgetBytes = budgetBytes;
        _spillRoot = Path.Combine(spillDirectory ?? Path.GetTempPath(), "driftjobs-join-" + Guid.NewGuid().ToString("N"));
    }

    public PerformanceTask Task { get; }

    public long LabelRows { get; private set; }

    public long Duplicates { get; private set; }

    /// <summary>Labels no prediction of the window matched; known once <see cref="Finish"/> has run.</summary>
    public long WithoutPrediction { get; private set; }

    /// <summary>1 while everything fits in memory; else the partitions joined one by one (leaves of the split).</summary>
    public int Partitions { get; private set; } = 1;

    public static long EntryBytes(string requestId) => 120 + (2L * requestId.Length);

    /// <summary>One file's label rows; <paramref name="fileOrder"/> is the file's place in the arrival order.</summary>
    public void AddLabels(int fileOrder, IReadOnlyList<Label> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        lock (_gate)
        {
            for (var i = 0; i < rows.Count; i++)
            {
                var order = ((long)fileOrder << 32) | (uint)i;
                LabelRows++;
                if (_spilled is not null)
                {
                    _spilled.WriteLabel(rows[i], order);
                    continue;
                }

                if (!Remember(_labels, rows[i], order, ref _tableBytes))
                {
                    Duplicates++;
                }
                else if (_tableBytes > _budgetBytes)
                {
                    _spilled = new SpillPartitions(Path.Combine(_spillRoot, "p"), level: 0);
                    foreach (var (id, entry) in _labels)
                    {
                        _spilled.WriteLabel(new Label(id, entry.Text, entry.Number), entry.Order);
                    }

                    _labels = new Dictionary<string, LabelEntry>(StringComparer.Ordinal);
                    _tableBytes = 0;
                }
            }
        }
    }

    /// <summary>
    /// One batch of predictions; those joined now (all in memory) go to <paramref name="into"/>, the others once
    /// <see cref="Finish"/> runs. Call after every label has been added.
    /// </summary>
    public void AddPredictions(IReadOnlyList<Prediction> rows, WindowPerformance into)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(into);
        if (_spilled is not null)
        {
            lock (_gate)
            {
                foreach (var row in rows)
                {
                    if (row.RequestId is null)
                    {
                        into.AddUnlabelled(row.Hour);
                    }
                    else
                    {
                        _spilled.WritePrediction(row);
                    }
                }
            }

            return;
        }

        foreach (var row in rows)
        {
            Match(_labels, row, into);
        }
    }

    /// <summary>Joins what was spilled, and counts the labels no prediction matched.</summary>
    public void Finish(WindowPerformance into)
    {
        ArgumentNullException.ThrowIfNull(into);
        if (_spilled is null)
        {
            WithoutPrediction = _labels.Values.LongCount(e => !e.Matched);
            return;
        }

        _spilled.Complete();
        Partitions = 0;
        foreach (var partition in _spilled.Partitions)
        {
            JoinPartition(partition, into);
        }
    }

    public void Dispose()
    {
        _spilled?.Dispose();
        try
        {
            if (Directory.Exists(_spillRoot))
            {
                Directory.Delete(_spillRoot, recursive: true);
            }
        }
        catch (IOException)
        {
            // A temporary folder left behind is not worth failing a finished run for.
        }
    }

    private void JoinPartition(SpillPartitions.Partition partition, WindowPerformance into)
    {
        var table = new Dictionary<string, LabelEntry>(StringComparer.Ordinal);
        long bytes = 0;
        long duplicates = 0;
        var fits = true;
        foreach (var (label, order) in partition.ReadLabels())
        {
            // Spilled rows were written as they came; a request's rows all land in one partition, so its duplicates
            // are counted here, once the partition is known to fit.
            if (!Remember(table, label, order, ref bytes))
            {
                duplicates++;
            }

            if (bytes > _budgetBytes)
            {
                fits = false;
                break;
            }
        }

        if (!fits)
        {
            if (partition.Level + 1 >= MaxDepth)
            {
                throw new InvalidOperationException(
                    $"The labels of one join partition still exceed the join's memory budget after {MaxDepth} levels of splitting " +
                    "(many labels for the same request ids?). Raise DRIFT_JOIN_MEMORY_MB.");
            }

            using var split = new SpillPartitions(partition.Path + "s", partition.Level + 1);
            foreach (var (label, order) in partition.ReadLabels())
            {
                split.WriteLabel(label, order);
            }

            foreach (var prediction in partition.ReadPredictions())
            {
                split.WritePrediction(prediction);
            }

            split.Complete();
            partition.Delete();
            foreach (var child in split.Partitions)
            {
                JoinPartition(child, into);
            }

            return;
        }

        Partitions++;
        Duplicates += duplicates;
        foreach (var prediction in partition.ReadPredictions())
        {
            Match(table, prediction, into);
        }

        WithoutPrediction += table.Values.LongCount(e => !e.Matched);
        partition.Delete();
    }

    /// <summary>Adds a label to a table, the latest arrival winning; false for a request already there (a duplicate).</summary>
    private static bool Remember(Dictionary<string, LabelEntry> table, Label label, long order, ref long bytes)
    {
        if (table.TryGetValue(label.RequestId, out var existing))
        {
            if (order > existing.Order)
            {
                existing.Text = label.Text;
                existing.Number = label.Number;
                existing.Order = order;
            }

            return false;
        }

        table[label.RequestId] = new LabelEntry { Text = label.Text, Number = label.Number, Order = order };
        bytes += EntryBytes(label.RequestId);
        return true;
    }

    private void Match(Dictionary<string, LabelEntry> table, Prediction row, WindowPerformance into)
    {
        if (row.RequestId is null || !table.TryGetValue(row.RequestId, out var label))
        {
            into.AddUnlabelled(row.Hour);
            return;
        }

        label.Matched = true;
        if (Task == PerformanceTask.Classification)
        {
            if (row.Text is null)
            {
                into.AddUnscorable(row.Hour);
            }
            else
            {
                into.AddClassification(row.Hour, label.Text!, row.Text, row.Score);
            }
        }
        else if (double.IsFinite(row.Number))
        {
            into.AddRegression(row.Hour, label.Number, row.Number);
        }
        else
        {
            into.AddUnscorable(row.Hour);
        }
    }

    private sealed class LabelEntry
    {
        public string? Text;
        public double Number;
        public long Order;
        public bool Matched;
    }
}

/// <summary>A label row: classification labels as text, regression labels as numbers.</summary>
internal readonly record struct Label(string RequestId, string? Text, double Number);

/// <summary>A prediction row of the evaluated window: its hour's index, the prediction as text or number, the positive class's score (NaN: none).</summary>
internal readonly record struct Prediction(string? RequestId, int Hour, string? Text, double Number, double Score);
