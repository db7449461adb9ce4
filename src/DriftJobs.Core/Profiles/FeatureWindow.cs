namespace DriftJobs.Core.Profiles;

internal abstract class FeatureWindow(FeatureProfile baseline)
{
    public FeatureProfile Baseline { get; } = baseline;

    /// <summary>Rows seen, missing, invalid and absent included.</summary>
    public long Rows { get; protected set; }

    /// <summary>Null/NaN values plus rows of sources without the column.</summary>
    public long Missing { get; protected set; }

    public long Invalid { get; protected set; }

    /// <summary>Rows from sources that had no column for this feature.</summary>
    public long AbsentRows { get; private set; }

    public long Valid => Rows - Missing - Invalid;

    public void AddAbsent(long rows)
    {
        Rows += rows;
        Missing += rows;
        AbsentRows += rows;
    }

    public void Merge(FeatureWindow other, bool emptyOther = false)
    {
        // Every value, missing, invalid or absent row adds to Rows: a window without rows has nothing to add (with
        // segments, many of a reader's hour windows; merging is a pass over all of a window's slots).
        if (other.Rows == 0)
        {
            return;
        }

        Rows += other.Rows;
        Missing += other.Missing;
        Invalid += other.Invalid;
        AbsentRows += other.AbsentRows;
        MergeCounts(other, emptyOther);
        if (emptyOther)
        {
            other.ClearTotals();
        }
    }

    /// <summary>Sets the totals of a window read back from a stored hour profile (the counts are set by the subclass).</summary>
    internal void RestoreTotals(long rows, long missing, long invalid, long absentRows)
    {
        Rows = rows;
        Missing = missing;
        Invalid = invalid;
        AbsentRows = absentRows;
    }

    public void Clear()
    {
        ClearTotals();
        ClearCounts();
    }

    /// <summary>Adds the other window's own counts; with <paramref name="emptyOther"/> also zeroes them (one pass).</summary>
    protected abstract void MergeCounts(FeatureWindow other, bool emptyOther);

    protected abstract void ClearCounts();

    private void ClearTotals()
    {
        Rows = 0;
        Missing = 0;
        Invalid = 0;
        AbsentRows = 0;
    }
}
