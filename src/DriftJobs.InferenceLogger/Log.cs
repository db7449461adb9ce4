using Microsoft.Extensions.Logging;

namespace DriftJobs.InferenceLogger;

/// <summary>The logger's own diagnostics. Nothing here is ever thrown at the gateway's request path.</summary>
internal static partial class Log
{
    public const string Category = "DriftJobs.InferenceLogger";

    // One line, no exception: during an outage every attempt fails the same way, and the SDK's exception (every
    // retry's failure, with request and response) made ~15 KB a line. The full exception is in StorageUnavailable.
    [LoggerMessage(1, LogLevel.Warning, "Uploading {BlobName} ({Records} records) failed: {Cause}; next attempt in {RetryDelay}")]
    public static partial void UploadFailed(ILogger logger, string blobName, int records, string cause, TimeSpan retryDelay);

    [LoggerMessage(21, LogLevel.Warning, "Blob storage unavailable ({Cause}): records are spilled or kept in memory and uploads retried with backoff, probing storage every {ProbeInterval}; further failures are logged one line each")]
    public static partial void StorageUnavailable(ILogger logger, Exception exception, string cause, TimeSpan probeInterval);

    [LoggerMessage(22, LogLevel.Information, "Blob storage available again after {Outage}: {Failures} uploads failed and {Spilled} records were spilled during the outage; {SpillFiles} files are in the spill directory")]
    public static partial void StorageAvailable(ILogger logger, TimeSpan outage, int failures, long spilled, int spillFiles);

    [LoggerMessage(2, LogLevel.Debug, "Spilled {Records} records to {SpillPath}")]
    public static partial void Spilled(ILogger logger, int records, string spillPath);

    [LoggerMessage(3, LogLevel.Debug, "Uploaded spilled file {BlobName} ({Records} records)")]
    public static partial void SpillUploaded(ILogger logger, string blobName, long records);

    [LoggerMessage(15, LogLevel.Warning, "Storage unavailable: writing log files to the spill directory {SpillDirectory} until it returns")]
    public static partial void SpillingStarted(ILogger logger, string spillDirectory);

    [LoggerMessage(16, LogLevel.Information, "Every spilled log file has been uploaded; the spill directory {SpillDirectory} is empty")]
    public static partial void SpillEmptied(ILogger logger, string spillDirectory);

    [LoggerMessage(4, LogLevel.Error, "Could not write {Records} records to the spill directory {SpillDirectory}; keeping them in memory")]
    public static partial void SpillFailed(ILogger logger, Exception exception, int records, string spillDirectory);

    [LoggerMessage(5, LogLevel.Error, "Cannot use the spill directory {SpillDirectory}; continuing without it")]
    public static partial void SpillUnavailable(ILogger logger, Exception exception, string spillDirectory);

    [LoggerMessage(6, LogLevel.Error, "Cannot read spilled file {Path}; it is left in place and no longer retried")]
    public static partial void SpillUnreadable(ILogger logger, Exception exception, string path);

    [LoggerMessage(7, LogLevel.Warning, "Inference log buffer full: {Dropped} records dropped in the last minute ({TotalDropped} since start)")]
    public static partial void RecordsDropped(ILogger logger, long dropped, long totalDropped);

    [LoggerMessage(8, LogLevel.Warning, "{Rejected} records rejected in the last minute: null, or a model name or version that is not 1-63 characters of [A-Za-z0-9._-] (or is . or ..)")]
    public static partial void RecordsRejected(ILogger logger, long rejected);

    [LoggerMessage(23, LogLevel.Warning, "Inference log buffer full: {Dropped} outcomes dropped in the last minute ({TotalDropped} since start)")]
    public static partial void OutcomesDropped(ILogger logger, long dropped, long totalDropped);

    [LoggerMessage(24, LogLevel.Warning, "{Rejected} outcomes rejected in the last minute: {Reasons}")]
    public static partial void OutcomesRejected(ILogger logger, long rejected, string reasons);

    [LoggerMessage(9, LogLevel.Error, "{Records} accepted records could not be written and are lost ({Reason})")]
    public static partial void RecordsLost(ILogger logger, long records, string reason);

    [LoggerMessage(10, LogLevel.Error, "Encoding {Records} records as Parquet failed; they are lost")]
    public static partial void EncodeFailed(ILogger logger, Exception exception, int records);

    [LoggerMessage(11, LogLevel.Warning, "Record feature '{Feature}' is not declared in InferenceLogger:Features and is not logged")]
    public static partial void UnknownFeature(ILogger logger, string feature);

    [LoggerMessage(12, LogLevel.Warning, "Blob {BlobName} already exists with other content; writing under another name")]
    public static partial void NameTaken(ILogger logger, string blobName);

    [LoggerMessage(17, LogLevel.Information, "The inference log container {Container} did not exist in account {Account}; the logger created it")]
    public static partial void ContainerCreated(ILogger logger, string container, string account);

    [LoggerMessage(18, LogLevel.Error, "{Message}")]
    public static partial void ContainerMissing(ILogger logger, string message);

    [LoggerMessage(19, LogLevel.Warning, "Could not check the inference log container {Container} at start ({Cause}); records are kept in memory or the spill directory until storage can be written")]
    public static partial void ContainerCheckFailed(ILogger logger, Exception exception, string container, string cause);

    [LoggerMessage(20, LogLevel.Warning, "The logger's credential may neither create nor read the inference log container {Container} ({ErrorCode}); assuming it exists")]
    public static partial void ContainerUnverified(ILogger logger, string container, string? errorCode);

    [LoggerMessage(13, LogLevel.Critical, "The inference logger's writer loop failed; records are no longer written")]
    public static partial void LoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(14, LogLevel.Information, "Inference logger stopped: {Accepted} accepted, {Written} written, {Spilled} spilled, {Lost} lost, {Dropped} dropped, {Rejected} rejected; {Replayed} records of an earlier process uploaded from the spill directory, {SpillFiles} files wait there")]
    public static partial void Stopped(ILogger logger, long accepted, long written, long spilled, long replayed, long lost, long dropped, long rejected, int spillFiles);

    [LoggerMessage(25, LogLevel.Information, "Inference logger stopped, outcomes: {Accepted} accepted, {Written} written, {Spilled} spilled, {Lost} lost, {Dropped} dropped, {Rejected} rejected; {Replayed} outcomes of an earlier process uploaded from the spill directory")]
    public static partial void OutcomesStopped(ILogger logger, long accepted, long written, long spilled, long replayed, long lost, long dropped, long rejected);
}
