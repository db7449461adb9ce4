using Azure.Storage.Blobs;
using DriftJobs.Core.Performance;
using DriftJobs.Core.Profiles;
using DriftJobs.Detector.Alerts;
using DriftJobs.Storage;
using Microsoft.Extensions.Logging;

namespace DriftJobs.Detector.Performance;

/// <summary>
/// Feeds the evaluated window's hours, oldest first and each once, to the Page–Hinkley detector whose state is kept
/// in drift-reports/{model}/performance-state.json (ETag-conditional, as the alert state): a slow rise of the hourly
/// error alarms before any single window is significantly worse. After an alarm the detector starts afresh, learning
/// the new level, so one change alarms once. A state another run changed meanwhile is not overwritten: this run's
/// update is dropped (logged) and the next run feeds the hours again.
/// </summary>
internal sealed partial class PerformanceTrendStore(BlobContainerClient container, TimeProvider time, ILogger<PerformanceTrendStore> logger)
{
    /// <summary>An hour with fewer labelled predictions is passed over: its error rate would be mostly noise.</summary>
    public const int MinHourLabels = 30;

    public const string ClassificationSeries = "error_rate";
    public const string RegressionSeries = "rmse_ratio";

    public async Task<PerformanceTrend> UpdateAsync(
        BaselineProfile baseline, ReferencePerformance reference, WindowPerformance realized, PerformanceThresholds thresholds, CancellationToken cancellationToken = default)
    {
        var name = StorageLayout.PerformanceStateBlobName(baseline.ModelName);
        var (content, etag) = await StateBlob.ReadAsync(container, name, cancellationToken).ConfigureAwait(false);
        PerformanceTrendDocument? stored = null;
        if (content is not null)
        {
            try
            {
                stored = AlertStateJson.ReadTrend(content.ToMemory().Span, $"{container.Name}/{name}");
            }
            catch (InvalidDataException e)
            {
                LogUnreadable(logger, e.Message);
            }
        }

        // Another version's detector learned another model's errors.
        var state = stored is not null && stored.ModelVersion == baseline.ModelVersion ? stored.PageHinkley : PageHinkleyState.Initial;
        var lastHour = stored?.ModelVersion == baseline.ModelVersion ? stored.LastHour : null;
        var alarm = false;
        var fed = false;
        for (var i = 0; i < realized.Hours.Count; i++)
        {
            var hour = realized.Hours[i];
            if (lastHour is { } last && hour <= last)
            {
                continue;
            }

            lastHour = hour;
            if (HourlyError(realized[i], reference) is not { } value)
            {
                continue;
            }

            (state, var alarmed) = PageHinkley.Update(state, value, thresholds.Trend);
            fed = true;
            if (alarmed)
            {
                alarm = true;
                break;
            }
        }

        var statistic = state.Sum - state.Minimum;
        var trend = new PerformanceTrend
        {
            Series = reference.Task == PerformanceTask.Classification ? ClassificationSeries : RegressionSeries,
            HoursSeen = state.Count,
            LastHour = lastHour,
            Statistic = statistic,
            Delta = thresholds.Trend.Delta,
            Lambda = thresholds.Trend.Lambda,
            Alarm = alarm,
        };

        if (fed || stored is null || lastHour != stored.LastHour)
        {
            var document = new PerformanceTrendDocument
            {
                SchemaVersion = PerformanceTrendDocument.CurrentSchemaVersion,
                ModelName = baseline.ModelName,
                ModelVersion = baseline.ModelVersion,
                LastHour = lastHour,
                PageHinkley = alarm ? PageHinkleyState.Initial : state,
                UpdatedAt = time.GetUtcNow(),
            };
            if (!await StateBlob.TryWriteAsync(container, name, AlertStateJson.Serialize(document), etag, cancellationToken).ConfigureAwait(false))
            {
                LogConflict(logger, name);
            }
        }

        return trend;
    }

    /// <summary>Classification: the hour's error rate; regression: its RMSE ÷ the validation RMSE. Null below <see cref="MinHourLabels"/>.</summary>
    public static double? HourlyError(HourPerformance hour, ReferencePerformance reference)
    {
        if (hour.Classification is { Count: >= MinHourLabels } c)
        {
            return 1 - c.Compute().Accuracy;
        }

        if (hour.Regression is { Count: >= MinHourLabels } r && reference.Regression?.Rmse is > 0 and var referenceRmse)
        {
            return r.Compute().Rmse / referenceRmse;
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Performance trend state unreadable, starting afresh: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Blob} was changed by another run meanwhile; this run's trend update was dropped (the next run feeds its hours again)")]
    private static partial void LogConflict(ILogger logger, string blob);
}
