using DriftJobs.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DriftJobs.Baseline;

internal static class BaselineHostingExtensions
{
    public static IHostApplicationBuilder AddBaselineJob(this IHostApplicationBuilder builder)
    {
        builder.AddJob<BaselineJob, BaselineOptions, BaselineOptionsValidator>();
        builder.Services.AddOptions<BaselineOptions>().Bind(builder.Configuration);
        return builder;
    }
}
