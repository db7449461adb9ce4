namespace DriftJobs.Storage.Csv;

/// <summary>A value of a file (shortened when long), and the line its record starts on.</summary>
internal sealed record ValueAt(string Value, string File, long Line)
{
    public override string ToString() => $"'{Value}' ({File}:{Line})";
}
