using DriftJobs.Detector.Alerts;
using DriftJobs.Detector.Metrics;
using DriftJobs.Detector.Reports;
using DriftJobs.Hosting;
using DriftJobs.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace DriftJobs.Detector;

internal static class DetectorHostingExtensions
{
    public static IHostApplicationBuilder AddDetector(this IHostApplicationBuilder builder)
    {
        builder.Services.AddDriftStorage(builder.Configuration);
        builder.Services.AddSingleton<IValidateOptions<DetectorOptions>, DetectorOptionsValidator>();
        builder.Services.AddOptions<DetectorOptions>().Bind(builder.Configuration).ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IAlertSink, LogAlertSink>();
        builder.Services.AddSingleton<NotificationSinks>();
        builder.Services.AddSingleton<AlertDispatcher>();
        builder.Services.AddSingleton<HtmlReportWriter>();
        builder.Services.AddSingleton<PushgatewayPusher>();
        builder.Services.AddSingleton<IJob, DetectorJob>();
        return builder;
    }
}
