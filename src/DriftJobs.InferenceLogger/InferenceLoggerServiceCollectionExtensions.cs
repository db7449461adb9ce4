using System.Diagnostics.Metrics;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DriftJobs.InferenceLogger;

/// <summary>Registers the inference logger in a host's service collection.</summary>
public static class InferenceLoggerServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IInferenceLogger"/> (a singleton <see cref="BlobInferenceLogger"/>) and a hosted service
    /// that drains it when the host stops. Options are bound from the configuration section
    /// <see cref="InferenceLoggerOptions.SectionName"/>, then <paramref name="configure"/> runs, and the result is
    /// validated when the host starts. The host's <see cref="TimeProvider"/>, <see cref="ILoggerFactory"/> and
    /// <see cref="IMeterFactory"/> are used when registered.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="container">
    /// Creates the container the logs are written to, e.g.
    /// <c>_ =&gt; new BlobContainerClient(new Uri("https://account.blob.core.windows.net/logs"), new DefaultAzureCredential())</c>.
    /// Its retry policy is the first line of defence against storage failures.
    /// </param>
    /// <param name="configure">Optional changes applied after configuration binding.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddInferenceLogger(
        this IServiceCollection services,
        Func<IServiceProvider, BlobContainerClient> container,
        Action<InferenceLoggerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(container);

        var options = services.AddOptions<InferenceLoggerOptions>().BindConfiguration(InferenceLoggerOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InferenceLoggerOptions>, InferenceLoggerOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InferenceLoggerOptions>, FeatureKindConfigurationValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new BlobInferenceLogger(
            container(sp),
            sp.GetRequiredService<IOptions<InferenceLoggerOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>(),
            sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<IInferenceLogger>(sp => sp.GetRequiredService<BlobInferenceLogger>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, InferenceLoggerHostedService>());
        return services;
    }
}
