namespace DriftJobs.Storage.Csv;

/// <summary>
/// What a CSV probe counted in one column, read by the rule of <see cref="CsvNumber"/>: values that are numbers (±∞
/// included), values that are not (text), and the first few distinct texts with where they are. Missing values count
/// as neither. The baseline job uses it to warn about a column of numbers turned categorical by a few stray texts.
/// </summary>
/// <param name="Complete">False when the probe stopped counting the column once it was clearly text (then the
/// counts cover only the rows before that).</param>
internal sealed record ProbedValues(long Numbers, long NonNumbers, bool Complete, IReadOnlyList<ValueAt> FirstNonNumbers);
