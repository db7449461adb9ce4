using System.Globalization;
using Azure.Storage.Blobs;
using DriftJobs.Core.Performance;
using DriftJobs.Core.Profiles;
using DriftJobs.Core.Profiles.Segments;
using DriftJobs.Core.Serialization;
using DriftJobs.Hosting;
using DriftJobs.Storage;
using DriftJobs.Storage.Blobs;
using DriftJobs.Storage.Csv;
using DriftJobs.Storage.Parquet;
using DriftJobs.Storage.Training;
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
    /// <summary>The share of numbers among a text column's non-missing values from which it is taken for a column of
    /// numbers with stray texts (see <see cref="WarnIfMostlyNumbers"/>).</summary>
    public const double MostlyNumbersShare = 0.95;

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

        // Validation data is usually the smaller input, and a file of it without a prediction column is a reason to
        // stop before the training data is read.
        var performance = await ReadValidationDataAsync(o, cancellationToken).ConfigureAwait(false);
        var builder = new BaselineBuilder(o.ToBuildOptions());
        foreach (var column in columns)
        {
            // Declared up front, in input column order: readers working in parallel then each touch only their own
            // features, and the order does not depend on which file has which column.
            builder.Declare(column.Name, KindOf(column));
        }

        var sink = new BaselineBuilderSink(builder);
        var parquet = inputs[0].Format == TrainingDataFormat.Parquet;
        var readers = parquet
            ? SplitColumns(columns, o.ReadConcurrency > 0 ? o.ReadConcurrency : Environment.ProcessorCount).Select(g => new ParquetFeatureReader(g)).ToArray()
            : [];
        using var download = new MemoryStream();
        foreach (var input in inputs)
        {
            var (rows, absent) = parquet
                ? await ReadParquetAsync(source, input, readers, download, sink, cancellationToken).ConfigureAwait(false)
                : await ReadCsvAsync(source, input, columns, sink, cancellationToken).ConfigureAwait(false);
            builder.AddRows(rows);
            foreach (var column in absent)
            {
                builder.AddMissing(column.Name, KindOf(column), rows);
            }

            LogRead(logger, input.Name, rows, absent.Count);
        }

        var baseline = builder.Build(model, version, Describe(source, inputs), time.GetUtcNow()) with { Performance = performance };
        WarnAboutEmptyFeatures(baseline);
        if (o.SegmentColumnList.Count > 0)
        {
            baseline = baseline with { Segments = await ProfileSegmentsAsync(source, inputs, baseline, columns, schemas, o, cancellationToken).ConfigureAwait(false) };
        }

        await BlobJsonWrites.UploadAsync(container, blobName, new BinaryData(DriftJson.Serialize(baseline)), overwrite: o.Force, cancellationToken).ConfigureAwait(false);
        LogWritten(logger, blobName, baseline.Features.Count, baseline.Source.Rows);
        await output.Writer.WriteLineAsync(
            $"Baseline {model} v{version}: {baseline.Source.Rows} rows, {baseline.MonitoredFeatures.Count()} features" +
            $"{(baseline.Target is { } t ? $", target {t.Name}" : "")}" +
            $"{(performance is { } p ? $", {p.Task.ToString().ToLowerInvariant()} performance of {p.Rows - p.Unlabelled} validation rows" : "")} → {container.Name}/{blobName}").ConfigureAwait(false);
        return JobExitCode.Ran;
    }

    /// <summary>What was read, as baseline.json's descriptions say it: "file /data/train (3 Parquet files)".</summary>
    internal static string Describe(TrainingDataSource source, IReadOnlyList<TrainingInput> inputs) =>
        $"{(source.IsLocal ? "file" : "blob")} {source.Location} ({inputs.Count} {(inputs[0].Format == TrainingDataFormat.Parquet ? "Parquet" : "CSV")} file{(inputs.Count == 1 ? "" : "s")})";

    private async Task<ReferencePerformance?> ReadValidationDataAsync(BaselineOptions o, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(o.ValidationData))
        {
            return null;
        }

        var reader = new ReferencePerformanceReader(container, o);
        var plan = await reader.PlanAsync(cancellationToken).ConfigureAwait(false);
        var (performance, scoresIgnored) = await reader.ReadAsync(plan, cancellationToken).ConfigureAwait(false);
        if (scoresIgnored > 0)
        {
            if (performance.Task == PerformanceTask.Regression)
            {
                LogScoresOfRegression(logger, scoresIgnored);
            }
            else
            {
                LogScoresWithoutPositiveClass(logger, scoresIgnored, string.Join(", ", performance.Classification!.Classes.Take(20)));
            }
        }

        var metric = performance.Classification is { } c
            ? string.Create(CultureInfo.InvariantCulture, $"accuracy {c.Accuracy:0.####}")
            : string.Create(CultureInfo.InvariantCulture, $"RMSE {performance.Regression!.Rmse:G6}");
        LogPerformance(logger, performance.Source, performance.Task.ToString().ToLowerInvariant(), performance.Rows - performance.Unlabelled, performance.Unlabelled, metric);
        return performance;
    }

    /// <summary>
    /// Reads one Parquet file with every reader at once, each decoding its own columns into its own features, so a
    /// feature still sees its values in file order and the baseline is the same as read by one reader. A file in
    /// blob storage is downloaded once into <paramref name="download"/> and shared; local readers each open the file.
    /// </summary>
    private static async Task<(long Rows, List<RequestedColumn> Absent)> ReadParquetAsync(
        TrainingDataSource source, TrainingInput input, ParquetFeatureReader[] readers, MemoryStream download, IColumnBatchSink sink, CancellationToken cancellationToken)
    {
        if (!source.IsLocal && readers.Length > 1)
        {
            await source.DownloadAsync(input, download, cancellationToken).ConfigureAwait(false);
        }

        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var tasks = readers.Select(reader => Task.Run(async () =>
        {
            try
            {
                var stream = source.IsLocal || readers.Length == 1
                    ? await source.OpenAsync(input, failed.Token).ConfigureAwait(false)
                    : new MemoryStream(download.GetBuffer(), 0, (int)download.Length, writable: false);
                await using (stream.ConfigureAwait(false))
                {
                    return await reader.ReadAsync(stream, input.Name, sink, failed.Token).ConfigureAwait(false);
                }
            }
            catch
            {
                // One reader's failure is the file's: stop the others rather than decode the rest of it for nothing.
                await failed.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }, CancellationToken.None)).ToArray();
        // A cancelled task adds no exception, so a failure surfaces as itself, not as its siblings' cancellation.
        await Task.WhenAll(tasks).ConfigureAwait(false);

        var absent = readers.SelectMany((reader, i) => tasks[i].Result.AbsentColumns.Select(name => reader.Columns.First(c => c.Name == name))).ToList();
        return (tasks[0].Result.RowsRead, absent);
    }

    private static async Task<(long Rows, List<RequestedColumn> Absent)> ReadCsvAsync(
        TrainingDataSource source, TrainingInput input, IReadOnlyList<RequestedColumn> columns, IColumnBatchSink sink, CancellationToken cancellationToken)
    {
        var stream = await source.OpenAsync(input, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var result = await new CsvFeatureReader(columns).ReadAsync(stream, input.Name, sink, cancellationToken).ConfigureAwait(false);
            return (result.RowsRead, result.AbsentColumns.Select(name => columns.First(c => c.Name == name)).ToList());
        }
    }

    /// <summary>
    /// The segments' profiles, in two more reads of the training data (one reader each, the segment columns first): the
    /// first counts the rows of every combination of the segment columns' values, the second counts the features of
    /// the DRIFT_MAX_SEGMENTS largest and of the rest together on the whole profile's bins, grid and categories.
    /// </summary>
    private async Task<BaselineSegments> ProfileSegmentsAsync(
        TrainingDataSource source,
        IReadOnlyList<TrainingInput> inputs,
        BaselineProfile baseline,
        List<RequestedColumn> columns,
        List<IReadOnlyList<ProbedColumn>> schemas,
        BaselineOptions o,
        CancellationToken cancellationToken)
    {
        var segmentColumns = o.SegmentColumnList;
        var setting = BaselineSettings.SegmentColumns.Name;
        var known = schemas.SelectMany(s => s).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        if (segmentColumns.FirstOrDefault(c => !known.Contains(c)) is { } unknown)
        {
            throw new SettingException(setting, $"{setting} names '{unknown}', which no training file has. Columns: {string.Join(", ", known.Order(StringComparer.Ordinal))}.");
        }

        if (columns.FirstOrDefault(c => c.Kind == ColumnKind.Numeric && segmentColumns.Contains(c.Name)) is { } numeric)
        {
            throw new SettingException(setting, $"{setting} names '{numeric.Name}', a numeric feature: segments need categorical columns (list it in {BaselineSettings.CategoricalColumns.Name}, or leave it out of the features with {BaselineSettings.ExcludeColumns.Name}).");
        }

        var segmentRequests = segmentColumns.Select(c => new RequestedColumn(c, ColumnKind.Categorical)).ToList();
        var builder = new BaselineSegmentsBuilder(baseline, segmentColumns, o.MaxSegments);
        await ReadSegmentsAsync(source, inputs, segmentRequests, builder.Keys, new HashSet<string>(), BaselineSegmentsBuilder.MaxKeys + 1, cancellationToken).ConfigureAwait(false);
        var windows = builder.StartProfiles();
        var features = columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var requests = segmentRequests.Concat(columns.Where(c => !segmentColumns.Contains(c.Name))).ToList();
        await ReadSegmentsAsync(source, inputs, requests, windows, features, SegmentWindows.MaxTrackedUnseen, cancellationToken).ConfigureAwait(false);
        var segments = builder.Build();
        LogSegments(logger, segments.Segments.Count, builder.Keys.Unseen.Count, string.Join(",", segmentColumns));
        return segments;
    }

    private static async Task ReadSegmentsAsync(
        TrainingDataSource source,
        IReadOnlyList<TrainingInput> inputs,
        List<RequestedColumn> requests,
        SegmentWindows into,
        IReadOnlySet<string> features,
        int maxTrackedUnseen,
        CancellationToken cancellationToken)
    {
        var router = new SegmentRouter(into.Layout, maxTrackedUnseen);
        var sink = new SegmentProfileSink(router, into, features);
        var parquet = new ParquetFeatureReader(requests);
        foreach (var input in inputs)
        {
            var stream = await source.OpenAsync(input, cancellationToken).ConfigureAwait(false);
            IReadOnlyList<string> absent;
            await using (stream.ConfigureAwait(false))
            {
                absent = input.Format == TrainingDataFormat.Parquet
                    ? (await parquet.ReadAsync(stream, input.Name, sink, cancellationToken).ConfigureAwait(false)).AbsentColumns
                    : (await new CsvFeatureReader(requests).ReadAsync(stream, input.Name, sink, cancellationToken).ConfigureAwait(false)).AbsentColumns;
            }

            foreach (var feature in absent.Where(features.Contains))
            {
                into.AddAbsent(feature, router.SourceRows);
            }

            router.Commit(into);
        }
    }

    /// <summary>
    /// Deals numeric and categorical columns out in turn (as many groups as readers, at most one per column), so each
    /// reader gets a like share of both: text columns cost more to decode than numbers.
    /// </summary>
    private static List<List<RequestedColumn>> SplitColumns(IReadOnlyList<RequestedColumn> columns, int readers)
    {
        var groups = Enumerable.Range(0, Math.Clamp(readers, 1, columns.Count)).Select(_ => new List<RequestedColumn>()).ToList();
        var next = 0;
        foreach (var column in columns.Where(c => c.Kind == ColumnKind.Numeric).Concat(columns.Where(c => c.Kind != ColumnKind.Numeric)))
        {
            groups[next++ % groups.Count].Add(column);
        }

        return groups;
    }

    private static FeatureKind KindOf(RequestedColumn column) => column.Kind == ColumnKind.Numeric ? FeatureKind.Numeric : FeatureKind.Categorical;

    internal static async Task<IReadOnlyList<ProbedColumn>> ProbeAsync(TrainingDataSource source, TrainingInput input, CancellationToken cancellationToken)
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

            var listed = o.Categorical.Contains(name);
            var categorical = listed || kinds.Contains(ColumnKind.Categorical);
            if (categorical && !listed)
            {
                WarnIfMostlyNumbers(name, all.Where(c => c.Name == name).ToList());
            }

            columns.Add(new RequestedColumn(name, categorical ? ColumnKind.Categorical : ColumnKind.Numeric));
        }

        if (!columns.Any(c => c.Name != target))
        {
            throw new JobInputException("No feature column is left to profile after EXCLUDE_COLUMNS and TARGET_COLUMN.");
        }

        return columns;
    }

    /// <summary>
    /// A CSV column of numbers with a few stray texts ("n.a.", "?") is categorical like any column with text, which
    /// makes every distinct number a category: the detector then finds most window values "never seen in training"
    /// and reports the feature drifted in every window. That is almost never what was meant, so say so, naming
    /// the texts to clean. Parquet columns have declared types and are left alone.
    /// </summary>
    private void WarnIfMostlyNumbers(string name, List<ProbedColumn> probes)
    {
        if (probes.Any(p => p.Values is not { Complete: true }))
        {
            return;
        }

        var numbers = probes.Sum(p => p.Values!.Numbers);
        var others = probes.Sum(p => p.Values!.NonNumbers);
        var share = (double)numbers / (numbers + others);
        if (others == 0 || share < MostlyNumbersShare)
        {
            return;
        }

        var first = probes.SelectMany(p => p.Values!.FirstNonNumbers).Take(CsvFeatureReader.NonNumbersKept);
        // Rounded down, so that 99.97 % does not read as 100 % beside values that are not numbers.
        var percent = (Math.Floor(share * 1000) / 10).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " %";
        LogMostlyNumbers(logger, name, percent, others, string.Join(", ", first));
    }

    /// <summary>
    /// A feature without a single valid training value is kept, so the baseline's schema is whole, but nothing can be
    /// compared with it: the detector can only say so in every report. Usually an export gone wrong, so said now.
    /// </summary>
    private void WarnAboutEmptyFeatures(BaselineProfile baseline)
    {
        foreach (var feature in baseline.Features.Where(f => f.Valid == 0))
        {
            if (feature.Kind == FeatureKind.Numeric)
            {
                LogNoNumbers(logger, feature.Name, feature.Rows, feature.Missing, feature.Invalid);
            }
            else
            {
                LogNoCategories(logger, feature.Name, feature.Rows);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Segments by {Columns}: {Profiled} profiled (the largest, and the rest together) of {Keys} in the training data")]
    private static partial void LogSegments(ILogger logger, int profiled, int keys, string columns);

    [LoggerMessage(Level = LogLevel.Information, Message = "Read {Input}: {Rows} rows, {AbsentColumns} columns absent")]
    private static partial void LogRead(ILogger logger, string input, long rows, int absentColumns);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Column {Column} ({StoredType}) is not numeric, text or bool; it is not profiled")]
    private static partial void LogUnsupported(ILogger logger, string column, string storedType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Column {Column} is profiled as categorical although {NumberShare} of its non-missing values are numbers: " +
        "{NonNumbers} are not, the first {NonNumberValues}. If it holds numbers, clean those values (or write them as a missing value: empty, NA, nan) " +
        "and rebuild the baseline (--force replaces this one); if it is categorical, name it in CATEGORICAL_COLUMNS, which silences this warning")]
    private static partial void LogMostlyNumbers(ILogger logger, string column, string numberShare, long nonNumbers, string nonNumberValues);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Column {Column} is numeric but has no valid value in the training data " +
        "({Missing} of its {Rows} values missing, {Invalid} infinite): it is in the baseline, but the detector has nothing to compare its values with. " +
        "Check the export, or leave the column out with EXCLUDE_COLUMNS")]
    private static partial void LogNoNumbers(ILogger logger, string column, long rows, long missing, long invalid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Column {Column} is categorical but all {Rows} of its training values are missing: " +
        "it is in the baseline, but the detector has nothing to compare its values with. Check the export, or leave the column out with EXCLUDE_COLUMNS")]
    private static partial void LogNoCategories(ILogger logger, string column, long rows);

    [LoggerMessage(Level = LogLevel.Information, Message = "Validation data {Source}: {Task}, {Labelled} labelled rows, {Unlabelled} without a label or prediction; {Metric}")]
    private static partial void LogPerformance(ILogger logger, string source, string task, long labelled, long unlabelled, string metric);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Scores} rows of the validation data have a prediction_score, but the model has no positive class " +
        "(classes {Classes}): the scores are not used, so the baseline has no ROC AUC or log loss. Name the class the score is the probability of in POSITIVE_CLASS")]
    private static partial void LogScoresWithoutPositiveClass(ILogger logger, long scores, string classes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Scores} rows of the validation data have a prediction_score, which a regression does not use. " +
        "If the model is a classifier, set MODEL_TASK=classification")]
    private static partial void LogScoresOfRegression(ILogger logger, long scores);

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote {Baseline}: {Features} features from {Rows} rows")]
    private static partial void LogWritten(ILogger logger, string baseline, int features, long rows);
}
