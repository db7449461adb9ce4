using System.Diagnostics.Metrics;

namespace DriftJobs.InferenceLogger;

/// <summary>The <c>DriftJobs.InferenceLogger</c> meter: counters observed from <see cref="LoggerCounters"/>, plus the flush histogram.</summary>
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

        _meter.CreateObservableCounter(Prefix + "records.accepted", counters.Accepted.Read, "{record}", "Records TryLog accepted.");
        _meter.CreateObservableCounter(
            Prefix + "records.dropped",
            () => new[]
            {
                new Measurement<long>(LoggerCounters.Read(ref counters.DroppedBufferFull), new KeyValuePair<string, object?>("reason", "buffer_full")),
                new Measurement<long>(LoggerCounters.Read(ref counters.DroppedStopped), new KeyValuePair<string, object?>("reason", "stopped")),
            },
            "{record}",
            "Records TryLog refused because the buffer was full or the logger was stopping.");
        _meter.CreateObservableCounter(
            Prefix + "records.rejected",
            () => LoggerCounters.Read(ref counters.RejectedInvalid),
            "{record}",
            "Records TryLog refused as invalid (null, or a model name or version that cannot be part of a file name).");
        _meter.CreateObservableCounter(Prefix + "records.written", () => LoggerCounters.Read(ref counters.RecordsWritten), "{record}", "Records this process accepted and uploaded, directly or after spilling them.");
        _meter.CreateObservableCounter(Prefix + "records.spilled", () => LoggerCounters.Read(ref counters.RecordsSpilled), "{record}", "Records written to the spill directory while storage was unavailable.");
        _meter.CreateObservableCounter(Prefix + "records.replayed", () => LoggerCounters.Read(ref counters.RecordsReplayed), "{record}", "Records from spill files an earlier process left, uploaded by this one (not in records.written).");
        _meter.CreateObservableCounter(Prefix + "records.lost", () => LoggerCounters.Read(ref counters.RecordsLost), "{record}", "Accepted records that could not be written before the shutdown timeout.");
        _meter.CreateObservableCounter(Prefix + "files.written", () => LoggerCounters.Read(ref counters.FilesWritten), "{file}", "Parquet files uploaded to blob storage.");
        _meter.CreateObservableCounter(Prefix + "upload.failures", () => LoggerCounters.Read(ref counters.UploadFailures), "{failure}", "Uploads that failed after the Azure SDK's retries.");
        _meter.CreateObservableCounter(Prefix + "features.unknown", () => LoggerCounters.Read(ref counters.UnknownFeatures), "{value}", "Feature values ignored because the schema does not declare the feature.");
        _meter.CreateObservableCounter(Prefix + "values.missing", () => PerColumn(counters, counters.Missing), "{value}", "Declared features a record lacked, written as null.");
        _meter.CreateObservableCounter(Prefix + "values.coerced", () => PerColumn(counters, counters.Coerced), "{value}", "Values of the wrong kind converted to the declared kind.");
        _meter.CreateObservableCounter(Prefix + "values.nulled", () => PerColumn(counters, counters.Nulled), "{value}", "Values written as null because they could not be converted or were not finite.");
        _meter.CreateObservableGauge(Prefix + "buffer.depth", bufferDepth, "{record}", "Records accepted and not yet written.");
        _flushDuration = _meter.CreateHistogram<double>(Prefix + "flush.duration", "s", "Time to encode and write one batch.");
    }

    public void RecordFlush(TimeSpan duration) => _flushDuration.Record(duration.TotalSeconds);

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private static IEnumerable<Measurement<long>> PerColumn(LoggerCounters counters, long[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            var value = Interlocked.Read(ref values[i]);
            if (value != 0)
            {
                yield return new Measurement<long>(value, new KeyValuePair<string, object?>("column", counters.Columns[i]));
            }
        }
    }
}
