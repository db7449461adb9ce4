using DriftJobs.Core.Profiles;
using DriftJobs.Storage;

namespace DriftJobs.Baseline;

internal sealed class BaselineBuilderSink(BaselineBuilder builder) : IColumnBatchSink
{
    public void AddNumeric(string column, ReadOnlySpan<double> values) => builder.AddNumeric(column, values);

    public void AddCategorical(string column, ReadOnlySpan<string?> values) => builder.AddCategorical(column, values);
}
