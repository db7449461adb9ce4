using System.Diagnostics.CodeAnalysis;
using DriftJobs.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace DriftJobs.Hosting;

internal static class JobServiceExtensions
{
    /// <summary>
    /// What every job has: storage, its options validated at start, a clock, and the job itself. The caller binds the
    /// options (<c>AddOptions&lt;TOptions&gt;().Bind(configuration)</c>) where their type is named: the configuration
    /// binding generator writes the binding code only for such a call, and a job compiled ahead of time has no other.
    /// </summary>
    public static IHostApplicationBuilder AddJob<
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TJob,
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions,
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TValidator>(this IHostApplicationBuilder builder)
        where TJob : class, IJob
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        builder.Services.AddDriftStorage(builder.Configuration);
        builder.Services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        builder.Services.AddOptions<TOptions>().ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IJob, TJob>();
        return builder;
    }
}
