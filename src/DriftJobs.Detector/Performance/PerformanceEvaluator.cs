using System.Collections.Concurrent;
using DriftJobs.Core.Performance;
using DriftJobs.Core.Profiles;
using DriftJobs.Core.Reports;
using DriftJobs.Hosting;
using DriftJobs.Storage;
using DriftJobs.Storage.Blobs;
using DriftJobs.Storage.Parquet;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DriftJobs.Detector.Performance;

/// <summary>
/// The realized performance of the window that lies DRIFT_LABEL_DELAY_HOURS behind the data window: its predictions
/// (request_id, prediction, prediction_score) joined with every label that arrived from the window's start until the
/// data window's end, then judged against the baseline's validation performance.
/// </summary>
internal sealed partial class PerformanceEvaluator(
    InferenceLogSource files,
    IOptions<DetectorOptions> options,
    PerformanceTrendStore trends,
    ILogger<PerformanceEvaluator> logger)
{
    public const string RequestIdColumn = "request_id";
    public const string LabelColumn = "label";

    /// <summary>Null when the baseline has no validation performance to compare with (built without VALIDATION_DATA).</summary>
    /// <param name="dataWindowEstimate">
    /// The data window's estimate from its scores, summed from its hours' (<see cref="EstimatesDataWindow"/>); null when
    /// there is none to make.
    /// </param>
    public async Task<(PerformanceSection Section, IReadOnlyList<DriftAlert> Alerts)?> EvaluateAsync(
        BaselineProfile baseline, DateTimeOffset dataWindowEnd, EstimatedPerformanceAccumulator? dataWindowEstimate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        if (baseline.Performance is not { } reference)
        {
            return null;
        }

        var o = options.Value;
        var thresholds = o.ToPerformanceThresholds();
        var metric = thresholds.MetricFor(reference.Task);
        if (reference.Task == PerformanceTask.Classification != PerformanceAnalyzer.HigherIsBetter(metric))
        {
            throw new JobInputException(
                $"{DetectorSettings.PerformanceMetric.Name} = '{o.PerformanceMetric}' does not apply to {baseline.ModelName} {baseline.ModelVersion}, a {reference.Task.ToString().ToLowerInvariant()} model " +
                $"(use {(reference.Task == PerformanceTask.Classification ? "accuracy or f1" : "rmse or mae")}).");
        }

        var end = dataWindowEnd.AddHours(-o.LabelDelayHours);
        var window = new ReportWindow { Start = end.AddHours(-o.WindowHours), End = end, Hours = o.WindowHours };
        var hours = StorageLayout.WindowHours(end, o.WindowHours);
        var concurrency = o.ReadConcurrency > 0 ? o.ReadConcurrency : Environment.ProcessorCount;

        // Labels of the window's predictions arrive from its first hour on; those after the data window's end belong to later runs.
        var labelFiles = await files.ListAsync(HourTree.GroundTruth, dataWindowEnd, o.WindowHours + o.LabelDelayHours, cancellationToken).ConfigureAwait(false);
        var predictionFiles = await files.ListAsync(HourTree.InferenceLogs, end, o.WindowHours, cancellationToken).ConfigureAwait(false);

        using var join = new GroundTruthJoin(reference.Task, (long)o.JoinMemoryMb << 20);
        var skipped = new ConcurrentBag<SkippedFile>();
        var labelRead = await ReadLabelsAsync(baseline, reference.Task, labelFiles, join, skipped, concurrency, cancellationToken).ConfigureAwait(false);
        var realized = new WindowPerformance(reference.Task, hours, reference.PositiveClass);
        var (calibrated, reason) = Calibration(reference, thresholds);
        var evaluatedEstimate = calibrated ? new EstimatedPerformanceAccumulator() : null;
        await ReadPredictionsAsync(baseline, reference, hours, predictionFiles, join, realized, evaluatedEstimate, concurrency, cancellationToken).ConfigureAwait(false);
        join.Finish(realized);

        var counts = new GroundTruthCounts
        {
            FilesRead = labelRead.Files,
            Rows = join.LabelRows,
            Duplicates = join.Duplicates,
            WithoutPrediction = join.WithoutPrediction,
            Invalid = labelRead.Invalid,
            RowsOfOtherModels = labelRead.OtherModels,
            JoinPartitions = join.Partitions,
            Skipped = skipped.OrderBy(s => s.Path, StringComparer.Ordinal).ToArray(),
        };
        LogJoined(logger, realized.Predictions, realized.Labelled, join.LabelRows, join.Duplicates, join.Partitions, o.JoinMemoryMb);

        var trend = await trends.UpdateAsync(baseline, reference, realized, thresholds, cancellationToken).ConfigureAwait(false);
        var (section, alerts) = PerformanceAnalyzer.Analyze(realized, reference, thresholds, window, o.LabelDelayHours, counts, trend);
        if (reference.Task == PerformanceTask.Classification && reference.PositiveClass is not null)
        {
            if (calibrated && dataWindowEstimate is null)
            {
                throw new InvalidOperationException("The data window's estimate was not made although the scores are calibrated.");
            }

            section = section with
            {
                Estimate = new PerformanceEstimate
                {
                    CalibrationError = reference.Calibration?.Ece,
                    MaxCalibrationError = thresholds.MaxCalibrationError,
                    Calibrated = calibrated,
                    Reason = reason,
                    Window = calibrated ? dataWindowEstimate!.Compute() : null,
                    Evaluated = evaluatedEstimate?.Compute(),
                },
            };
        }

        return (section, alerts);
    }

    /// <summary>Whether the scores may be trusted for an estimate: the validation data's calibration error within the setting.</summary>
    private static (bool Calibrated, string? Reason) Calibration(ReferencePerformance reference, PerformanceThresholds thresholds) =>
        reference.Task != PerformanceTask.Classification || reference.PositiveClass is null ? (false, "not a binary classifier with a positive class")
        : reference.Calibration is not { } calibration ? (false, "the baseline has no calibration check (no prediction_score in the validation data)")
        : calibration.Ece > thresholds.MaxCalibrationError
            ? (false, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"not calibrated: the validation data's expected calibration error {calibration.Ece:0.###} is above {thresholds.MaxCalibrationError:0.###}"))
            : (true, null);

    /// <summary>Whether a run estimates its data window's performance from the scores: a binary classifier whose validation scores were calibrated.</summary>
    public bool EstimatesDataWindow(BaselineProfile baseline) =>
        baseline.Performance is { } reference && Calibration(reference, options.Value.ToPerformanceThresholds()).Calibrated;

    /// <summary>
    /// The expected performance of some log files (an hour's) from their scores: every prediction with a score counts.
    /// Summed over the data window's hours it is the window's; only for a baseline <see cref="EstimatesDataWindow"/> holds for.
    /// </summary>
    public Task<EstimatedPerformanceAccumulator> EstimateAsync(BaselineProfile baseline, IReadOnlyList<LogBlob> files, CancellationToken cancellationToken = default)
    {
        var o = options.Value;
        return EstimateAsync(baseline, baseline.Performance!, files, o.ReadConcurrency > 0 ? o.ReadConcurrency : Environment.ProcessorCount, cancellationToken);
    }

    private async Task<EstimatedPerformanceAccumulator> EstimateAsync(
        BaselineProfile baseline, ReferencePerformance reference, IReadOnlyList<LogBlob> dataWindowFiles, int concurrency, CancellationToken cancellationToken)
    {
        var total = new EstimatedPerformanceAccumulator();
        var columns = new[] { RequestedColumn.Categorical(PerformanceColumns.Prediction), RequestedColumn.Numeric(PerformanceColumns.PredictionScore) };
        await ForEachFileAsync(dataWindowFiles, columns, baseline, concurrency, async (file, _, reader, buffer, token) =>
        {
            var mine = new EstimatedPerformanceAccumulator();
            var batches = new RowBatches(batch => AddEstimates(batch, reference.PositiveClass!, mine));
            await ReadFileAsync(file, reader, buffer, batches, token).ConfigureAwait(false);
            lock (total)
            {
                total.Merge(mine);
            }

            return null;
        }, new ConcurrentBag<SkippedFile>(), cancellationToken).ConfigureAwait(false);
        return total;
    }

    private static void AddEstimates(RowBatches batch, string positiveClass, EstimatedPerformanceAccumulator into)
    {
        if (!batch.Has(PerformanceColumns.Prediction) || !batch.Has(PerformanceColumns.PredictionScore))
        {
            return;
        }

        var predictions = batch.Texts(PerformanceColumns.Prediction);
        var scores = batch.Numbers(PerformanceColumns.PredictionScore);
        for (var i = 0; i < batch.Count; i++)
        {
            if (PerformanceLabel.Text(predictions[i]) is { } prediction && scores[i] is >= 0 and <= 1)
            {
                into.Add(string.Equals(prediction, positiveClass, StringComparison.Ordinal), scores[i]);
            }
        }
    }

    private async Task<(int Files, long Invalid, long OtherModels)> ReadLabelsAsync(
        BaselineProfile baseline, PerformanceTask task, IReadOnlyList<LogBlob> labelFiles, GroundTruthJoin join,
        ConcurrentBag<SkippedFile> skipped, int concurrency, CancellationToken cancellationToken)
    {
        // Arrival order: by hour, then by name (the logger's names sort by time within an hour); the latest label wins.
        var ordered = labelFiles.OrderBy(f => f.Hour).ThenBy(f => f.Name, StringComparer.Ordinal).ToList();
        var columns = new[] { RequestedColumn.Categorical(RequestIdColumn), new RequestedColumn(LabelColumn, KindOf(task)) };
        int read = 0;
        long invalid = 0, otherModels = 0;
        await ForEachFileAsync(ordered, columns, baseline, concurrency, async (file, index, reader, buffer, token) =>
        {
            var rows = new List<Label>();
            long fileInvalid = 0;
            var batches = new RowBatches(batch =>
            {
                if (!batch.Has(RequestIdColumn) || !batch.Has(LabelColumn))
                {
                    return;
                }

                var ids = batch.Texts(RequestIdColumn);
                for (var i = 0; i < batch.Count; i++)
                {
                    var label = task == PerformanceTask.Classification
                        ? new Label(ids[i]!, PerformanceLabel.Text(batch.Texts(LabelColumn)[i]), double.NaN)
                        : new Label(ids[i]!, null, batch.Numbers(LabelColumn)[i]);
                    if (string.IsNullOrEmpty(ids[i]) || (task == PerformanceTask.Classification ? label.Text is null : !double.IsFinite(label.Number)))
                    {
                        fileInvalid++;
                    }
                    else
                    {
                        rows.Add(label);
                    }
                }
            });

            var result = await ReadFileAsync(file, reader, buffer, batches, token).ConfigureAwait(false);
            if (result.Absent.Count > 0)
            {
                return $"a ground-truth file needs the columns {RequestIdColumn} and {LabelColumn}; it has no {string.Join(" or ", result.Absent)}";
            }

            join.AddLabels(index, rows);
            Interlocked.Increment(ref read);
            Interlocked.Add(ref invalid, fileInvalid);
            Interlocked.Add(ref otherModels, result.OtherModels);
            return null;
        }, skipped, cancellationToken).ConfigureAwait(false);
        return (read, invalid, otherModels);
    }

    private async Task ReadPredictionsAsync(
        BaselineProfile baseline, ReferencePerformance reference, IReadOnlyList<DateTimeOffset> hours, IReadOnlyList<LogBlob> predictionFiles,
        GroundTruthJoin join, WindowPerformance realized, EstimatedPerformanceAccumulator? estimate, int concurrency, CancellationToken cancellationToken)
    {
        var hourIndex = hours.Select((h, i) => (h, i)).ToDictionary(x => x.h, x => x.i);
        var scored = reference.PositiveClass is not null;
        var columns = new List<RequestedColumn> { RequestedColumn.Categorical(RequestIdColumn), new(PerformanceColumns.Prediction, KindOf(reference.Task)) };
        if (scored)
        {
            columns.Add(RequestedColumn.Numeric(PerformanceColumns.PredictionScore));
        }

        // Log files the drift read already reported as skipped are skipped here too, without a second entry.
        await ForEachFileAsync(predictionFiles, columns, baseline, concurrency, async (file, _, reader, buffer, token) =>
        {
            var hour = hourIndex[file.Hour];
            var mine = new WindowPerformance(reference.Task, hours, reference.PositiveClass);
            var estimated = estimate is null ? null : new EstimatedPerformanceAccumulator();
            var rows = new List<Prediction>();
            var batches = new RowBatches(batch =>
            {
                if (estimated is not null)
                {
                    AddEstimates(batch, reference.PositiveClass!, estimated);
                }

                var ids = batch.Has(RequestIdColumn) ? batch.Texts(RequestIdColumn) : default;
                var hasPrediction = batch.Has(PerformanceColumns.Prediction);
                var hasScore = scored && batch.Has(PerformanceColumns.PredictionScore);
                for (var i = 0; i < batch.Count; i++)
                {
                    var id = ids.IsEmpty || string.IsNullOrEmpty(ids[i]) ? null : ids[i];
                    var text = hasPrediction && reference.Task == PerformanceTask.Classification ? PerformanceLabel.Text(batch.Texts(PerformanceColumns.Prediction)[i]) : null;
                    var number = hasPrediction && reference.Task == PerformanceTask.Regression ? batch.Numbers(PerformanceColumns.Prediction)[i] : double.NaN;
                    var score = hasScore ? batch.Numbers(PerformanceColumns.PredictionScore)[i] : double.NaN;
                    rows.Add(new Prediction(id, hour, text, number, score));
                }
            });

            await ReadFileAsync(file, reader, buffer, batches, token).ConfigureAwait(false);
            join.AddPredictions(rows, mine);
            lock (realized)
            {
                realized.Merge(mine);
                if (estimated is not null)
                {
                    estimate!.Merge(estimated);
                }
            }

            return null;
        }, new ConcurrentBag<SkippedFile>(), cancellationToken).ConfigureAwait(false);
    }

    private delegate Task<string?> ReadOne(LogBlob file, int index, ParquetFeatureReader reader, MemoryStream buffer, CancellationToken cancellationToken);

    /// <summary>
    /// Reads files several at a time, each worker with its own reader and download buffer; a file that is not readable
    /// Parquet (or has columns of the wrong type) is skipped and listed, as the drift read does with log files.
    /// </summary>
    private async Task ForEachFileAsync(
        IReadOnlyList<LogBlob> list, IReadOnlyList<RequestedColumn> columns, BaselineProfile baseline, int concurrency, ReadOne read,
        ConcurrentBag<SkippedFile> skipped, CancellationToken cancellationToken)
    {
        var filter = new ModelFilter(baseline.ModelName, baseline.ModelVersion);
        var idle = new ConcurrentBag<(ParquetFeatureReader Reader, MemoryStream Buffer)>();
        var indexed = list.Select((file, index) => (file, index)).ToList();
        await Parallel.ForEachAsync(indexed, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (item, token) =>
        {
            if (!idle.TryTake(out var worker))
            {
                worker = (new ParquetFeatureReader(columns, filter), new MemoryStream());
            }

            try
            {
                if (await read(item.file, item.index, worker.Reader, worker.Buffer, token).ConfigureAwait(false) is { } reason)
                {
                    Skip(item.file.Name, reason);
                }
            }
            catch (InvalidDataException e)
            {
                Skip(item.file.Name, e.Message);
            }
            finally
            {
                idle.Add(worker);
            }
        }).ConfigureAwait(false);

        void Skip(string name, string reason)
        {
            LogSkipped(logger, name, reason);
            skipped.Add(new SkippedFile(name, reason));
        }
    }

    private async Task<(IReadOnlyList<string> Absent, long OtherModels)> ReadFileAsync(
        LogBlob file, ParquetFeatureReader reader, MemoryStream buffer, RowBatches batches, CancellationToken cancellationToken)
    {
        var stream = await files.OpenAsync(file, buffer, cancellationToken).ConfigureAwait(false);
        try
        {
            var result = await reader.ReadAsync(stream, file.Name, batches, cancellationToken).ConfigureAwait(false);
            batches.Flush();
            return (result.AbsentColumns, result.RowsSkipped);
        }
        finally
        {
            if (!ReferenceEquals(stream, buffer))
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static ColumnKind KindOf(PerformanceTask task) => task == PerformanceTask.Classification ? ColumnKind.Categorical : ColumnKind.Numeric;

    [LoggerMessage(Level = LogLevel.Information, Message = "Joined {Predictions} predictions with labels: {Labelled} labelled, from {LabelRows} label rows ({Duplicates} duplicates), in {Partitions} partition(s) of at most {BudgetMiB} MiB")]
    private static partial void LogJoined(ILogger logger, long predictions, long labelled, long labelRows, long duplicates, int partitions, int budgetMiB);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped ground-truth or log file {File} for performance: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string file, string reason);
}
