using Azure.Storage.Blobs;
using DriftJobs.Detector.Alerts;
using DriftJobs.Detector.History;
using DriftJobs.Detector.Metrics;
using DriftJobs.Detector.Performance;
using DriftJobs.Detector.Profiles;
using DriftJobs.Detector.Reports;
using DriftJobs.Hosting;
using DriftJobs.Storage;
using DriftJobs.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace DriftJobs.Detector;

internal static class DetectorHostingExtensions
{
    public static IHostApplicationBuilder AddDetector(this IHostApplicationBuilder builder)
    {
        builder.AddJob<DetectorJob, DetectorOptions, DetectorOptionsValidator>();
        builder.Services.AddOptions<DetectorOptions>().Bind(builder.Configuration);
        builder.Services.AddSingleton<IReportAlertSink, LogAlertSink>();
        builder.Services.AddSingleton<NotificationSinks>();
        builder.Services.AddSingleton<AlertDispatcher>();
        builder.Services.AddSingleton<HtmlReportWriter>();
        builder.Services.AddSingleton<HistoryRecorder>();
        builder.Services.AddSingleton<PushgatewayPusher>();
        builder.Services.AddSingleton<PerformanceTrendStore>();
        builder.Services.AddSingleton<PerformanceEvaluator>();
        builder.Services.AddSingleton<HourProfileStore>();
        builder.Services.AddSingleton<WindowAssembly>();
        builder.Services.AddSingleton<PreviousWeekAssembly>();
        builder.Services.AddSingleton(sp => InferenceLogSource.Create(
            sp.GetRequiredService<BlobContainerClient>(),
            sp.GetRequiredService<StorageLayout>(),
            sp.GetRequiredService<IOptions<DetectorOptions>>().Value.LogsPath,
            DetectorSettings.LogsPath.Name));
        return builder;
    }
}
