using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using DriftJobs.Core.Reports;
using DriftJobs.Core.Reports.History;
using DriftJobs.Core.Reports.Html;
using DriftJobs.Storage;
using DriftJobs.Storage.Blobs;
using Microsoft.Extensions.Logging;

namespace DriftJobs.Detector.Reports;

/// <summary>
/// Writes the HTML report beside the JSON one (…/{window end}.html) and as drift-reports/{model}/latest.html.
/// latest.html moves forward only, like latest.json: its window end is kept in the blob's metadata and the
/// compare-and-write is guarded by the ETag read, so a late backfill never replaces a newer window's page.
/// </summary>
internal sealed partial class HtmlReportWriter(BlobContainerClient container, ILogger<HtmlReportWriter> logger)
{
    public const string WindowEndMetadata = "window_end";
    private const string ContentType = "text/html; charset=utf-8";
    private const int MaxLatestAttempts = 5;

    /// <summary>Writes both pages; returns the window page's blob name.</summary>
    /// <param name="history">The version's recent windows, drawn in latest.html (null: the page shows this window only).</param>
    public async Task<string> WriteAsync(DriftReport report, DriftHistorySeries? history = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        var name = StorageLayout.HtmlReportBlobName(report.ModelName, report.ModelVersion, report.Window.End);
        var jsonFile = Path.GetFileName(StorageLayout.ReportBlobName(report.ModelName, report.ModelVersion, report.Window.End));
        var metadata = new Dictionary<string, string> { [WindowEndMetadata] = report.Window.End.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture) };
        var page = new BinaryData(HtmlReportRenderer.Render(report, new HtmlReportLinks(jsonFile)));
        await container.GetBlobClient(name).UploadAsync(page, Options(metadata, null), cancellationToken).ConfigureAwait(false);

        // latest.html sits one folder up: its link goes down into the version's folder.
        var latest = new BinaryData(HtmlReportRenderer.Render(report, new HtmlReportLinks($"{report.ModelVersion}/{jsonFile}"), history));
        var outcome = await UpdateLatestAsync(StorageLayout.LatestHtmlReportBlobName(report.ModelName), latest, report.Window.End, metadata, cancellationToken).ConfigureAwait(false);
        LogWritten(logger, name, outcome);
        return name;
    }

    private async Task<LatestUpdateOutcome> UpdateLatestAsync(string name, BinaryData page, DateTimeOffset windowEnd, Dictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var blob = container.GetBlobClient(name);
        for (var attempt = 1; attempt <= MaxLatestAttempts; attempt++)
        {
            BlobRequestConditions conditions;
            try
            {
                var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                if (properties.Value.Metadata.TryGetValue(WindowEndMetadata, out var stored)
                    && DateTimeOffset.TryParse(stored, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var existing)
                    && existing > windowEnd)
                {
                    return LatestUpdateOutcome.KeptExisting;
                }

                conditions = new BlobRequestConditions { IfMatch = properties.Value.ETag };
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                conditions = new BlobRequestConditions { IfNoneMatch = ETag.All };
            }

            try
            {
                await blob.UploadAsync(page, Options(metadata, conditions), cancellationToken).ConfigureAwait(false);
                return conditions.IfMatch is null ? LatestUpdateOutcome.Created : LatestUpdateOutcome.Replaced;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(10, 50) * attempt), cancellationToken).ConfigureAwait(false);
            }
        }

        throw new IOException($"Blob '{name}' could not be updated: other writers changed it during each of {MaxLatestAttempts} attempts.");
    }

    private static BlobUploadOptions Options(Dictionary<string, string> metadata, BlobRequestConditions? conditions) => new()
    {
        HttpHeaders = new BlobHttpHeaders { ContentType = ContentType },
        Metadata = metadata,
        Conditions = conditions,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote {Report}; latest.html {LatestOutcome}")]
    private static partial void LogWritten(ILogger logger, string report, LatestUpdateOutcome latestOutcome);
}
