using DriftJobs.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace DriftJobs.Hosting;

internal static class JobServiceExtensions
{
    /// <summary>
    /// What every job has: storage, its options bound from the env-named keys and validated at start, a clock, and
    /// the job itself.
    /// </summary>
    public static IHostApplicationBuilder AddJob<TJob, TOptions, TValidator>(this IHostApplicationBuilder builder)
        where TJob : class, IJob
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        builder.Services.AddDriftStorage(builder.Configuration);
        builder.Services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        builder.Services.AddOptions<TOptions>().Bind(builder.Configuration).ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IJob, TJob>();
        return builder;
    }
}
