using Microsoft.Extensions.Hosting;

namespace DriftJobs.InferenceLogger;

/// <summary>Ties the logger to the host's lifetime: it starts with the host and drains when the host stops.</summary>
internal sealed class InferenceLoggerHostedService(BlobInferenceLogger logger) : IHostedService
{
    // Resolving the logger (this service's dependency) already started its writer loop; what is left is to fail the
    // start when the container is missing and may not be created (not when storage is merely unreachable).
    public Task StartAsync(CancellationToken cancellationToken) => logger.EnsureContainerAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => logger.StopAsync(cancellationToken);
}
