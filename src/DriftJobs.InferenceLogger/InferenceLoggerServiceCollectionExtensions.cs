using System.Diagnostics.Metrics;
using Azure.Core;
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
    /// Creates the client of the container the logs are written to, e.g. the gateway's own client. Build it with
    /// <see cref="InferenceLoggerStorage.CreateClientOptions"/> (few, fast retries); with other options an outage is
    /// still noticed within <see cref="InferenceLoggerOptions.UploadTimeout"/>, which bounds each upload.
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

    /// <summary>
    /// Adds the inference logger as <see cref="AddInferenceLogger(IServiceCollection, Func{IServiceProvider, BlobContainerClient}, Action{InferenceLoggerOptions}?)"/>
    /// does, writing to the container at <paramref name="containerUri"/> through a client of its own with the
    /// logger's retry policy (<see cref="InferenceLoggerStorage.CreateClientOptions"/>). The recommended registration.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="containerUri">The container, e.g. <c>https://myaccount.blob.core.windows.net/drift</c>.</param>
    /// <param name="credential">E.g. <c>new DefaultAzureCredential()</c> (workload identity on AKS).</param>
    /// <param name="configure">Optional changes applied after configuration binding.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddInferenceLogger(
        this IServiceCollection services,
        Uri containerUri,
        TokenCredential credential,
        Action<InferenceLoggerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(containerUri);
        ArgumentNullException.ThrowIfNull(credential);
        return services.AddInferenceLogger(_ => InferenceLoggerStorage.CreateContainerClient(containerUri, credential), configure);
    }

    /// <summary>
    /// Adds the inference logger as <see cref="AddInferenceLogger(IServiceCollection, Func{IServiceProvider, BlobContainerClient}, Action{InferenceLoggerOptions}?)"/>
    /// does, writing to container <paramref name="containerName"/> of the account in
    /// <paramref name="connectionString"/> through a client of its own with the logger's retry policy.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="connectionString">A storage connection string (Azurite in development).</param>
    /// <param name="containerName">The container's name.</param>
    /// <param name="configure">Optional changes applied after configuration binding.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddInferenceLogger(
        this IServiceCollection services,
        string connectionString,
        string containerName,
        Action<InferenceLoggerOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(containerName);
        return services.AddInferenceLogger(_ => InferenceLoggerStorage.CreateContainerClient(connectionString, containerName), configure);
    }
}
