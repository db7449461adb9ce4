using Azure.Storage.Blobs;
using DriftJobs.Core.Performance;
using DriftJobs.Hosting;
using DriftJobs.Storage;
using DriftJobs.Storage.Csv;
using DriftJobs.Storage.Parquet;
using DriftJobs.Storage.Training;

namespace DriftJobs.Baseline;

/// <summary>
/// VALIDATION_DATA in, the model's reference performance out. The files are found and read as TRAINING_DATA is
/// (Parquet or CSV, local or blob); of their columns only TARGET_COLUMN, <c>prediction</c> and <c>prediction_score</c>
/// are read, in one pass, each file's column as the type that file stores it in.
/// </summary>
internal sealed class ReferencePerformanceReader(BlobContainerClient container, BaselineOptions options)
{
    /// <summary>
    /// Lists and probes every file first, so a file without the label or the prediction fails the run before
    /// anything is read (or written).
    /// </summary>
    public async Task<Plan> PlanAsync(CancellationToken cancellationToken = default)
    {
        var setting = BaselineSettings.ValidationData.Name;
        var source = TrainingDataSource.Create(options.ValidationData, container, setting);
        var inputs = await source.ListInputsAsync(cancellationToken).ConfigureAwait(false);
        var target = options.ToBuildOptions().TargetColumn!;
        var task = options.Task;
        var files = new List<PlannedFile>();
        foreach (var input in inputs)
        {
            var columns = await BaselineJob.ProbeAsync(source, input, cancellationToken).ConfigureAwait(false);
            var label = Find(columns, input, target, $"the label, {BaselineSettings.TargetColumn.Name}");
            var prediction = Find(columns, input, PerformanceColumns.Prediction, "the model's prediction");
            var score = columns.FirstOrDefault(c => c.Name == PerformanceColumns.PredictionScore);
            if (score is not null && score.Kind != ColumnKind.Numeric)
            {
                throw new JobInputException($"{setting} file '{input.Name}': column '{score.Name}' is {score.StoredType}; a score is a number (a probability in [0, 1]).");
            }

            if (task == PerformanceTask.Regression && new[] { label, prediction }.FirstOrDefault(c => c.Kind != ColumnKind.Numeric) is { } text)
            {
                throw new JobInputException(
                    $"{setting} file '{input.Name}': column '{text.Name}' holds text ({text.StoredType}), but {BaselineSettings.ModelTask.Name} is regression, which needs numbers.");
            }

            files.Add(new PlannedFile(input, Requested(label), Requested(prediction), score is null ? null : RequestedColumn.Numeric(score.Name)));
        }

        // A text label or prediction anywhere makes a classifier (PerformanceTaskRule), known before a value is read.
        var anyText = files.Any(f => f.Label.Kind != ColumnKind.Numeric || f.Prediction.Kind != ColumnKind.Numeric);
        return new Plan(source, files, task ?? (anyText ? PerformanceTask.Classification : null));
    }

    public async Task<(ReferencePerformance Performance, long ScoresIgnored)> ReadAsync(Plan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var builder = new ReferencePerformanceBuilder(plan.Task, options.DeclaredPositiveClass);
        var sink = new ReferencePerformanceSink(builder);
        foreach (var file in plan.Files)
        {
            RequestedColumn[] columns = file.Score is null ? [file.Label, file.Prediction] : [file.Label, file.Prediction, file.Score];
            sink.BeginFile(file.Input.Name, file.Label, file.Prediction, file.Score);
            var stream = await plan.Source.OpenAsync(file.Input, cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                _ = file.Input.Format == TrainingDataFormat.Parquet
                    ? await new ParquetFeatureReader(columns).ReadAsync(stream, file.Input.Name, sink, cancellationToken).ConfigureAwait(false)
                    : await new CsvFeatureReader(columns).ReadAsync(stream, file.Input.Name, sink, cancellationToken).ConfigureAwait(false);
            }

            sink.EndFile();
        }

        var performance = builder.Build(BaselineJob.Describe(plan.Source, plan.Files.Select(f => f.Input).ToList()), out var ignored);
        Check(performance);
        return (performance, ignored);
    }

    /// <summary>What no metric can be computed from, and a declared positive class the data contradicts.</summary>
    private void Check(ReferencePerformance performance)
    {
        var setting = BaselineSettings.ValidationData.Name;
        if (performance.Rows == performance.Unlabelled)
        {
            throw new JobInputException(
                $"{setting} '{options.ValidationData}' has no row with both a label ('{options.ToBuildOptions().TargetColumn}') and a '{PerformanceColumns.Prediction}' " +
                $"({performance.Rows} rows read, {performance.Unlabelled} without one or the other).");
        }

        if (options.DeclaredPositiveClass is { } positive && performance.Classification is { } c && (c.Classes.Count > 2 || !c.Classes.Contains(positive)))
        {
            throw new JobInputException(
                $"{BaselineSettings.PositiveClass.Name} '{positive}' needs a binary model whose labels or predictions include it; the validation data's classes are " +
                $"{string.Join(", ", c.Classes.Take(20).Select(x => $"'{x}'"))}{(c.Classes.Count > 20 ? ", …" : "")}.");
        }
    }

    private static ProbedColumn Find(IReadOnlyList<ProbedColumn> columns, TrainingInput input, string name, string role)
    {
        var column = columns.FirstOrDefault(c => c.Name == name) ?? throw new JobInputException(
            $"{BaselineSettings.ValidationData.Name} file '{input.Name}' has no column '{name}' ({role}). Columns: {string.Join(", ", columns.Select(c => c.Name))}.");
        return column.Kind == ColumnKind.Unsupported
            ? throw new JobInputException($"{BaselineSettings.ValidationData.Name} file '{input.Name}': column '{name}' has type {column.StoredType}, which cannot be read as a label.")
            : column;
    }

    private static RequestedColumn Requested(ProbedColumn column) => new(column.Name, column.Kind);

    /// <summary>The files to read and how; <see cref="Task"/> is null when the values decide it.</summary>
    internal sealed record Plan(TrainingDataSource Source, IReadOnlyList<PlannedFile> Files, PerformanceTask? Task);

    internal sealed record PlannedFile(TrainingInput Input, RequestedColumn Label, RequestedColumn Prediction, RequestedColumn? Score);
}
