using DriftJobs.Hosting;
using DriftJobs.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace DriftJobs.Baseline;

internal static class BaselineHostingExtensions
{
    public static IHostApplicationBuilder AddBaselineJob(this IHostApplicationBuilder builder)
    {
        builder.Services.AddDriftStorage(builder.Configuration);
        builder.Services.AddSingleton<IValidateOptions<BaselineOptions>, BaselineOptionsValidator>();
        builder.Services.AddOptions<BaselineOptions>().Bind(builder.Configuration).ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IJob, BaselineJob>();
        return builder;
    }
}
