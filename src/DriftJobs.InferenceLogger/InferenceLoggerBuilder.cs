using System.Diagnostics.Metrics;
using Azure.Core;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging;

namespace DriftJobs.InferenceLogger;

/// <summary>
/// Creates a <see cref="BlobInferenceLogger"/> without dependency injection:
/// <code>
/// await using var logger = new InferenceLoggerBuilder(container)
///     .Configure(o =&gt; o.Features["age"] = ValueKind.Number)
///     .Build();
/// </code>
/// </summary>
public sealed class InferenceLoggerBuilder
{
    private readonly BlobContainerClient _container;
    private readonly InferenceLoggerOptions _options = new();
    private TimeProvider _timeProvider = TimeProvider.System;
    private ILoggerFactory? _loggerFactory;
    private IMeterFactory? _meterFactory;

    /// <summary>Starts a builder for a logger writing to <paramref name="container"/>.</summary>
    /// <param name="container">
    /// The client of the container the logs are written to. Build it with
    /// <see cref="InferenceLoggerStorage.CreateClientOptions"/> (few, fast retries); with other options an outage is
    /// still noticed within <see cref="InferenceLoggerOptions.UploadTimeout"/>.
    /// </param>
    public InferenceLoggerBuilder(BlobContainerClient container)
    {
        ArgumentNullException.ThrowIfNull(container);
        _container = container;
    }

    /// <summary>Starts a builder for a logger writing to the container at <paramref name="containerUri"/> through a client with the logger's retry policy.</summary>
    /// <param name="containerUri">The container, e.g. <c>https://myaccount.blob.core.windows.net/drift</c>.</param>
    /// <param name="credential">E.g. <c>new DefaultAzureCredential()</c>.</param>
    public InferenceLoggerBuilder(Uri containerUri, TokenCredential credential)
        : this(InferenceLoggerStorage.CreateContainerClient(containerUri, credential))
    {
    }

    /// <summary>Starts a builder for a logger writing to container <paramref name="containerName"/> through a client with the logger's retry policy.</summary>
    /// <param name="connectionString">A storage connection string (Azurite in development).</param>
    /// <param name="containerName">The container's name.</param>
    public InferenceLoggerBuilder(string connectionString, string containerName)
        : this(InferenceLoggerStorage.CreateContainerClient(connectionString, containerName))
    {
    }

    /// <summary>Changes the options (they start at their defaults).</summary>
    /// <param name="configure">Changes to apply.</param>
    /// <returns>This builder.</returns>
    public InferenceLoggerBuilder Configure(Action<InferenceLoggerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(_options);
        return this;
    }

    /// <summary>Sets the clock for default timestamps, flush intervals, backoff and the shutdown timeout (default <see cref="TimeProvider.System"/>).</summary>
    /// <param name="timeProvider">The clock.</param>
    /// <returns>This builder.</returns>
    public InferenceLoggerBuilder WithTimeProvider(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        return this;
    }

    /// <summary>Sets where the logger's own warnings and errors go (default: nowhere).</summary>
    /// <param name="loggerFactory">The logger factory.</param>
    /// <returns>This builder.</returns>
    public InferenceLoggerBuilder WithLoggerFactory(ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _loggerFactory = loggerFactory;
        return this;
    }

    /// <summary>Sets the factory of the <c>DriftJobs.InferenceLogger</c> meter (default: a meter the logger owns).</summary>
    /// <param name="meterFactory">The meter factory.</param>
    /// <returns>This builder.</returns>
    public InferenceLoggerBuilder WithMeterFactory(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meterFactory = meterFactory;
        return this;
    }

    /// <summary>Validates the options and starts the logger.</summary>
    /// <returns>A running logger; dispose it (or call <see cref="BlobInferenceLogger.StopAsync"/>) at shutdown to write what is buffered.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is invalid; the message names it.</exception>
    public BlobInferenceLogger Build() => new(_container, _options, _timeProvider, _loggerFactory, _meterFactory);

    /// <summary>
    /// Validates the options, starts the logger and makes sure the container exists, creating it when the credential
    /// allows (<see cref="BlobInferenceLogger.EnsureContainerAsync"/>): what a host does at start.
    /// </summary>
    /// <param name="cancellationToken">Cancels the container check.</param>
    /// <returns>A running logger; dispose it (or call <see cref="BlobInferenceLogger.StopAsync"/>) at shutdown to write what is buffered.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is invalid; the message names it.</exception>
    /// <exception cref="InvalidOperationException">The container does not exist and may not be created; the message says what permission is needed.</exception>
    public async Task<BlobInferenceLogger> BuildAsync(CancellationToken cancellationToken = default)
    {
        var logger = Build();
        try
        {
            await logger.EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
            return logger;
        }
        catch
        {
            await logger.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
