using Azure;
using Azure.Storage.Blobs;
using DriftJobs.Core.Reports;
using DriftJobs.Core.Reports.History;
using DriftJobs.Core.Reports.Html;
using DriftJobs.Core.Reports.Index;
using DriftJobs.Detector.Alerts;
using DriftJobs.Storage;
using DriftJobs.Storage.Blobs;
using Microsoft.Extensions.Logging;

namespace DriftJobs.Detector.History;

/// <summary>
/// After a report is written: its numbers appended to the model version's history day, the index row moved forward and
/// index.html rendered again, each a read-change-write guarded by the ETag read (<see cref="StateBlob.UpdateAsync"/>),
/// so racing runs keep each other's entries. All of it is derived from the report, which is already stored: a failure
/// is a WARNING and the run still succeeds (the next run, or a backfill, records its own window). A stored document
/// that cannot be read is named in the warning and left as it is, never replaced by a history that lacks its entries.
/// </summary>
internal sealed partial class HistoryRecorder(BlobContainerClient container, TimeProvider time, ILogger<HistoryRecorder> logger)
{
    private const string HtmlContentType = "text/html; charset=utf-8";

    /// <summary>Appends the report's window; returns the version's last week when <paramref name="readSeries"/> (for latest.html), null when not or when it failed.</summary>
    public async Task<DriftHistorySeries?> AppendAsync(DriftReport report, bool readSeries = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        var name = StorageLayout.HistoryBlobName(report.ModelName, report.ModelVersion, report.Window.End);
        DriftHistoryDay? written = null;
        try
        {
            await StateBlob.UpdateAsync(container, name, content =>
            {
                var existing = content is null ? null : HistoryBlobs.Parse(content, container, report.ModelName, report.ModelVersion, DriftHistory.DayOf(report.Window.End));
                written = DriftHistory.Append(existing, report);
                return new BinaryData(DriftHistoryJson.Serialize(written));
            }, cancellationToken: cancellationToken).ConfigureAwait(false);
            LogAppended(logger, name, written!.Entries.Count);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or RequestFailedException)
        {
            LogNotAppended(logger, name, e.Message);
            return null;
        }

        if (!readSeries)
        {
            return null;
        }

        try
        {
            return await HistoryBlobs.ReadSeriesAsync(container, report.ModelName, report.ModelVersion, report.Window.End, known: written, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or RequestFailedException)
        {
            LogNotRead(logger, e.Message);
            return null;
        }
    }

    /// <summary>Moves the report's row of index.json forward and renders index.html from the result.</summary>
    public async Task UpdateIndexAsync(DriftReport report, DriftHistorySeries? series, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        const string name = StorageLayout.IndexJsonBlobName;
        try
        {
            ReportIndex? index = null;
            await StateBlob.UpdateAsync(container, name, content =>
            {
                var existing = content is null ? null : DriftHistoryJson.ReadIndex(content.ToMemory().Span, $"{container.Name}/{name}");
                index = ReportIndexing.With(existing, report, series, time.GetUtcNow());
                return new BinaryData(DriftHistoryJson.Serialize(index));
            }, cancellationToken: cancellationToken).ConfigureAwait(false);

            // The page never goes back to an older revision: a run that lost the race to a newer index leaves its page.
            var page = new BinaryData(IndexHtmlRenderer.Render(index!, Links));
            var replaced = await StateBlob.UpdateAsync(
                container,
                StorageLayout.IndexHtmlBlobName,
                content => content is not null && IndexHtmlRenderer.RevisionOf(content.ToString()) >= index!.Revision ? null : page,
                HtmlContentType,
                cancellationToken).ConfigureAwait(false);
            LogIndexed(logger, index!.Models.Count, index.Revision, replaced is not null);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or RequestFailedException)
        {
            LogNotIndexed(logger, e.Message);
        }
    }

    /// <summary>Deletes the version's days older than <see cref="DriftHistory.RetentionDays"/> before <paramref name="end"/>'s day. Best effort.</summary>
    public async Task PruneAsync(string model, string version, DateTimeOffset end, CancellationToken cancellationToken = default)
    {
        var oldest = DriftHistory.DayOf(end).AddDays(-DriftHistory.RetentionDays);
        try
        {
            foreach (var day in await HistoryBlobs.ListDaysAsync(container, model, version, cancellationToken).ConfigureAwait(false))
            {
                if (day < oldest)
                {
                    await container.DeleteBlobIfExistsAsync(StorageLayout.HistoryBlobName(model, version, day), cancellationToken: cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (RequestFailedException e)
        {
            LogPruneFailed(logger, e.Status, e.ErrorCode);
        }
    }

    private static IndexRowLinks Links(ReportIndexRow row) => new(
        StorageLayout.IndexRelativePath(StorageLayout.LatestHtmlReportBlobName(row.ModelName)),
        StorageLayout.IndexRelativePath(StorageLayout.HtmlReportBlobName(row.ModelName, row.ModelVersion, row.Window.End)));

    [LoggerMessage(Level = LogLevel.Information, Message = "Appended to {History} ({Entries} windows that day)")]
    private static partial void LogAppended(ILogger logger, string history, int entries);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The window was not added to the history {History}, which was left unchanged (the report was written): {Reason}")]
    private static partial void LogNotAppended(ILogger logger, string history, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "latest.html has no history section: {Reason}")]
    private static partial void LogNotRead(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "index.json lists {Rows} model versions (revision {Revision}); index.html replaced: {Replaced}")]
    private static partial void LogIndexed(ILogger logger, int rows, long revision, bool replaced);

    [LoggerMessage(Level = LogLevel.Warning, Message = "drift-reports/index.json and index.html were left unchanged (the report was written): {Reason}")]
    private static partial void LogNotIndexed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Old history days were not deleted ({Status} {ErrorCode}); the next run tries again")]
    private static partial void LogPruneFailed(ILogger logger, int status, string? errorCode);
}
