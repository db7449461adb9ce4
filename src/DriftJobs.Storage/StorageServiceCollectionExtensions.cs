using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DriftJobs.Storage;

internal static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="StorageOptions"/> from <paramref name="configuration"/> (environment-style keys such as
    /// DRIFT_CONTAINER), validates them at start, and registers the container client and the layout.
    /// </summary>
    public static IServiceCollection AddDriftStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        services.AddOptions<StorageOptions>().Bind(configuration).ValidateOnStart();
        services.AddSingleton(sp => BlobContainerFactory.Create(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return new StorageLayout(options.LogsPrefix, options.GroundTruthPrefix);
        });
        return services;
    }
}
