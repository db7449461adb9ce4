using DriftJobs.Detector.Alerts;
using DriftJobs.Detector.Metrics;
using DriftJobs.Detector.Reports;
using DriftJobs.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DriftJobs.Detector;

internal static class DetectorHostingExtensions
{
    public static IHostApplicationBuilder AddDetector(this IHostApplicationBuilder builder)
    {
        builder.AddJob<DetectorJob, DetectorOptions, DetectorOptionsValidator>();
        builder.Services.AddOptions<DetectorOptions>().Bind(builder.Configuration);
        builder.Services.AddSingleton<IAlertSink, LogAlertSink>();
        builder.Services.AddSingleton<NotificationSinks>();
        builder.Services.AddSingleton<AlertDispatcher>();
        builder.Services.AddSingleton<HtmlReportWriter>();
        builder.Services.AddSingleton<PushgatewayPusher>();
        return builder;
    }
}
