using Azure.Storage.Blobs;
using DriftJobs.Core.Profiles;
using DriftJobs.Core.Serialization;
using DriftJobs.Hosting;
using DriftJobs.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DriftJobs.Baseline;

/// <summary>Training data in, baselines/{model}/{version}/baseline.json out (create-only unless --force).</summary>
internal sealed partial class BaselineJob(
    BlobContainerClient container,
    IOptions<BaselineOptions> options,
    TimeProvider time,
    JobOutput output,
    ILogger<BaselineJob> logger) : IJob
{
    public static JobDefinition Definition { get; } = new("drift-baseline", "profiles a model's training data as its drift baseline", BaselineSettings.All);

    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        var o = options.Value;
        var model = o.ModelName!;
        var version = o.ModelVersion!;
        var blobName = StorageLayout.BaselineBlobName(model, version);
        // Fail before reading gigabytes when the write would be refused anyway.
        if (!o.Force && await container.GetBlobClient(blobName).ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new JobInputException($"A baseline already exists at {container.Name}/{blobName}; reports were judged against it. Pass --force (FORCE=true) to replace it.");
        }

        var source = TrainingDataSource.Create(o.TrainingData, container);
        var inputs = await source.ListInputsAsync(cancellationToken).ConfigureAwait(false);
        if (inputs.Count == 0)
        {
            throw new JobInputException($"TRAINING_DATA '{o.TrainingData}' holds no .parquet or .csv file.");
        }

        var schemas = new List<IReadOnlyList<ProbedColumn>>();
        foreach (var input in inputs)
        {
            schemas.Add(await ProbeAsync(source, input, cancellationToken).ConfigureAwait(false));
        }

        var columns = ChooseColumns(o, schemas);
        var builder = new BaselineBuilder(o.ToBuildOptions());
        var sink = new BaselineBuilderSink(builder);
        for (var i = 0; i < inputs.Count; i++)
        {
            var stream = await source.OpenAsync(inputs[i], cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var result = inputs[i].Format == TrainingDataFormat.Parquet
                    ? await new ParquetFeatureReader(columns).ReadAsync(stream, inputs[i].Name, sink, cancellationToken).ConfigureAwait(false)
                    : await new CsvFeatureReader(columns).ReadAsync(stream, inputs[i].Name, sink, cancellationToken).ConfigureAwait(false);
                builder.AddRows(result.RowsRead);
                foreach (var absent in result.AbsentColumns)
                {
                    var kind = columns.First(c => c.Name == absent).Kind == ColumnKind.Numeric ? FeatureKind.Numeric : FeatureKind.Categorical;
                    builder.AddMissing(absent, kind, result.RowsRead);
                }

                LogRead(logger, inputs[i].Name, result.RowsRead, result.AbsentColumns.Count);
            }
        }

        var description = $"{(source.IsLocal ? "file" : "blob")} {source.Location} ({inputs.Count} {(inputs[0].Format == TrainingDataFormat.Parquet ? "Parquet" : "CSV")} file{(inputs.Count == 1 ? "" : "s")})";
        var baseline = builder.Build(model, version, description, time.GetUtcNow());
        await BlobJsonWrites.UploadAsync(container, blobName, new BinaryData(DriftJson.Serialize(baseline)), overwrite: o.Force, cancellationToken).ConfigureAwait(false);
        LogWritten(logger, blobName, baseline.Features.Count, baseline.Source.Rows);
        await output.Writer.WriteLineAsync(
            $"Baseline {model} v{version}: {baseline.Source.Rows} rows, {baseline.MonitoredFeatures.Count()} features" +
            $"{(baseline.Target is { } t ? $", target {t.Name}" : "")} → {container.Name}/{blobName}").ConfigureAwait(false);
        return JobExitCode.Ran;
    }

    private static async Task<IReadOnlyList<ProbedColumn>> ProbeAsync(TrainingDataSource source, TrainingInput input, CancellationToken cancellationToken)
    {
        var stream = await source.OpenAsync(input, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return input.Format == TrainingDataFormat.Parquet
                ? await ParquetFeatureReader.ProbeAsync(stream, input.Name, cancellationToken).ConfigureAwait(false)
                : await CsvFeatureReader.ProbeAsync(stream, input.Name, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Every column of any input, in first-seen order, minus the excluded ones. A column is categorical when any
    /// input stores it as text or bool, or CATEGORICAL_COLUMNS names it; columns of unsupported types (timestamps,
    /// nested) are left out with a warning. Names in the settings that match no column are errors: a typo must not
    /// silently profile an ID column.
    /// </summary>
    private List<RequestedColumn> ChooseColumns(BaselineOptions o, List<IReadOnlyList<ProbedColumn>> schemas)
    {
        var all = schemas.SelectMany(s => s).ToList();
        var names = all.Select(c => c.Name).Distinct(StringComparer.Ordinal).ToList();
        var known = names.ToHashSet(StringComparer.Ordinal);
        foreach (var (setting, listed) in new[] { ("EXCLUDE_COLUMNS", o.Excluded), ("CATEGORICAL_COLUMNS", o.Categorical) })
        {
            var unknown = listed.Where(n => !known.Contains(n)).ToList();
            if (unknown.Count > 0)
            {
                throw new JobInputException($"{setting} names {string.Join(", ", unknown.Select(n => $"'{n}'"))}, which no training file has. Columns: {string.Join(", ", names)}.");
            }
        }

        var target = o.ToBuildOptions().TargetColumn;
        if (target is not null && !known.Contains(target))
        {
            throw new JobInputException($"TARGET_COLUMN '{target}' is not a column of the training data. Columns: {string.Join(", ", names)}.");
        }

        var columns = new List<RequestedColumn>();
        foreach (var name in names.Where(n => !o.Excluded.Contains(n)))
        {
            var kinds = all.Where(c => c.Name == name).Select(c => c.Kind).ToHashSet();
            if (kinds.Contains(ColumnKind.Unsupported))
            {
                var stored = all.First(c => c.Name == name && c.Kind == ColumnKind.Unsupported).StoredType;
                if (name == target)
                {
                    throw new JobInputException($"TARGET_COLUMN '{name}' has type {stored}, which cannot be profiled.");
                }

                LogUnsupported(logger, name, stored);
                continue;
            }

            var categorical = o.Categorical.Contains(name) || kinds.Contains(ColumnKind.Categorical);
            columns.Add(new RequestedColumn(name, categorical ? ColumnKind.Categorical : ColumnKind.Numeric));
        }

        if (!columns.Any(c => c.Name != target))
        {
            throw new JobInputException("No feature column is left to profile after EXCLUDE_COLUMNS and TARGET_COLUMN.");
        }

        return columns;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Read {Input}: {Rows} rows, {AbsentColumns} columns absent")]
    private static partial void LogRead(ILogger logger, string input, long rows, int absentColumns);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Column {Column} ({StoredType}) is not numeric, text or bool; it is not profiled")]
    private static partial void LogUnsupported(ILogger logger, string column, string storedType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote {Baseline}: {Features} features from {Rows} rows")]
    private static partial void LogWritten(ILogger logger, string baseline, int features, long rows);
}
