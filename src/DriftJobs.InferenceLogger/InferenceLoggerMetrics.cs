using System.Diagnostics.Metrics;

namespace DriftJobs.InferenceLogger;

/// <summary>The <c>DriftJobs.InferenceLogger</c> meter: counters observed from <see cref="LoggerCounters"/> (predictions' <c>records.*</c>, outcomes' <c>outcomes.*</c>), plus the flush histogram.</summary>
internal sealed class InferenceLoggerMetrics : IDisposable
{
    private const string Prefix = "driftjobs.inference_logger.";
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Histogram<double> _flushDuration;

    public InferenceLoggerMetrics(LoggerCounters counters, Func<long> bufferDepth, IMeterFactory? meterFactory)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(new MeterOptions(BlobInferenceLogger.MeterName)) ?? new Meter(BlobInferenceLogger.MeterName);

        AddRecordCounts("records", "{record}", "Records", "TryLog", counters.Predictions);
        _meter.CreateObservableCounter(
            Prefix + "records.rejected",
            () => LoggerCounters.Read(ref counters.Predictions.RejectedInvalid),
            "{record}",
            "Records TryLog refused as invalid (null, or a model name or version that cannot be part of a file name).");
        AddRecordCounts("outcomes", "{outcome}", "Outcomes", "TryLogOutcome", counters.Outcomes);
        _meter.CreateObservableCounter(
            Prefix + "outcomes.rejected",
            () => PerName(counters.OutcomesRejectedFor, "reason", OutcomeRefusals.Tags),
            "{outcome}",
            "Outcomes TryLogOutcome refused as invalid, by reason: null, no_request_id, invalid_model, no_label, invalid_label, error.");
        _meter.CreateObservableCounter(Prefix + "files.written", () => LoggerCounters.Read(ref counters.FilesWritten), "{file}", "Parquet files uploaded to blob storage.");
        _meter.CreateObservableCounter(Prefix + "upload.failures", () => LoggerCounters.Read(ref counters.UploadFailures), "{failure}", "Uploads that failed after the Azure SDK's retries.");
        _meter.CreateObservableCounter(Prefix + "features.unknown", () => LoggerCounters.Read(ref counters.UnknownFeatures), "{value}", "Feature values ignored because the schema does not declare the feature.");
        _meter.CreateObservableCounter(Prefix + "values.missing", () => PerName(counters.Missing, "column", counters.Columns), "{value}", "Declared features a record lacked, written as null.");
        _meter.CreateObservableCounter(Prefix + "values.coerced", () => PerName(counters.Coerced, "column", counters.Columns), "{value}", "Values of the wrong kind converted to the declared kind.");
        _meter.CreateObservableCounter(Prefix + "values.nulled", () => PerName(counters.Nulled, "column", counters.Columns), "{value}", "Values written as null because they could not be converted or were not finite.");
        _meter.CreateObservableGauge(Prefix + "buffer.depth", bufferDepth, "{record}", "Records (predictions and outcomes) accepted and not yet written.");
        _flushDuration = _meter.CreateHistogram<double>(Prefix + "flush.duration", "s", "Time to encode and write one batch.");
    }

    /// <summary>The counts predictions and outcomes share: <c>{noun}.accepted</c>, <c>.dropped</c>, <c>.written</c>, <c>.spilled</c>, <c>.replayed</c>, <c>.lost</c>.</summary>
    private void AddRecordCounts(string noun, string unit, string capitalized, string method, RecordCounters counts)
    {
        _meter.CreateObservableCounter(Prefix + noun + ".accepted", counts.Accepted.Read, unit, $"{capitalized} {method} accepted.");
        _meter.CreateObservableCounter(
            Prefix + noun + ".dropped",
            () => new[]
            {
                new Measurement<long>(LoggerCounters.Read(ref counts.DroppedBufferFull), new KeyValuePair<string, object?>("reason", "buffer_full")),
                new Measurement<long>(LoggerCounters.Read(ref counts.DroppedStopped), new KeyValuePair<string, object?>("reason", "stopped")),
            },
            unit,
            $"{capitalized} {method} refused because the buffer was full or the logger was stopping.");
        _meter.CreateObservableCounter(Prefix + noun + ".written", () => LoggerCounters.Read(ref counts.Written), unit, $"{capitalized} this process accepted and uploaded, directly or after spilling them.");
        _meter.CreateObservableCounter(Prefix + noun + ".spilled", () => LoggerCounters.Read(ref counts.Spilled), unit, $"{capitalized} written to the spill directory while storage was unavailable.");
        _meter.CreateObservableCounter(Prefix + noun + ".replayed", () => LoggerCounters.Read(ref counts.Replayed), unit, $"{capitalized} from spill files an earlier process left, uploaded by this one (not in {noun}.written).");
        _meter.CreateObservableCounter(Prefix + noun + ".lost", () => LoggerCounters.Read(ref counts.Lost), unit, $"Accepted {noun} that could not be written before the shutdown timeout.");
    }

    public void RecordFlush(TimeSpan duration) => _flushDuration.Record(duration.TotalSeconds);

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    /// <summary>One measurement per non-zero count, tagged with its name (a column, a reason).</summary>
    private static IEnumerable<Measurement<long>> PerName(long[] values, string tag, IReadOnlyList<string> names)
    {
        for (var i = 0; i < values.Length; i++)
        {
            var value = Interlocked.Read(ref values[i]);
            if (value != 0)
            {
                yield return new Measurement<long>(value, new KeyValuePair<string, object?>(tag, names[i]));
            }
        }
    }
}
