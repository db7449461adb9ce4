using DriftJobs.Storage;
using DriftJobs.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Formatting.Compact;

namespace DriftJobs.Hosting;

/// <summary>
/// Runs a job to completion and returns its exit code from Main. The job is awaited directly rather than run as
/// a BackgroundService: a BackgroundService that throws can leave the process exiting 0.
/// </summary>
internal static class JobHost
{
    public static async Task<int> RunAsync(string[] args, JobDefinition definition, Action<IHostApplicationBuilder> configure, TextWriter? output = null, CancellationToken cancellationToken = default)
    {
        output ??= Console.Out;
        if (args.Contains("--help") || args.Contains("-h"))
        {
            await output.WriteAsync(JobCommandLine.Help(definition.Name, definition.Summary, definition.Settings)).ConfigureAwait(false);
            return JobExitCode.Ran;
        }

        IHost? host = null;
        try
        {
            var commandLine = JobCommandLine.Parse(args, definition.Settings);
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ApplicationName = definition.Name });
            builder.Configuration.AddEnvironmentVariables();
            builder.Configuration.AddInMemoryCollection(commandLine);
            builder.Services.AddSingleton(new JobOutput(output));
            builder.AddJobLogging(output);
            configure(builder);
            host = builder.Build();
            // Starting the host runs ValidateOnStart: a bad setting fails here, before any I/O.
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
            var exitCode = await host.Services.GetRequiredService<IJob>().RunAsync(stopping.Token).ConfigureAwait(false);
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            return exitCode;
        }
#pragma warning disable CA1031 // Main must turn every failure into an exit code.
        catch (Exception e)
#pragma warning restore CA1031
        {
            var (exitCode, message) = JobFailure.Classify(e);
            var logger = host?.Services.GetService<ILoggerFactory>()?.CreateLogger(definition.Name);
            if (logger is not null)
            {
                var level = exitCode == JobExitCode.ConfigurationError ? LogLevel.Error : LogLevel.Critical;
                // An unreachable account's message already says all its exception chain would (six tries' worth of it).
                var attached = exitCode == JobExitCode.Failure && e is not StorageUnreachableException ? e : null;
                logger.Log(level, attached, "{Job} failed with exit code {ExitCode}: {Reason}", definition.Name, exitCode, message);
            }
            else
            {
                await output.WriteLineAsync($"{definition.Name}: {message} (exit code {exitCode})").ConfigureAwait(false);
            }

            return exitCode;
        }
        finally
        {
            if (host is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                host?.Dispose();
            }
        }
    }

    /// <summary>Serilog compact JSON, one event a line: what a cluster's log pipeline parses.</summary>
    public static IHostApplicationBuilder AddJobLogging(this IHostApplicationBuilder builder, TextWriter output)
    {
        builder.Services.AddSerilog(
            new LoggerConfiguration()
                .MinimumLevel.Information()
                .MinimumLevel.Override("Microsoft", Serilog.Events.LogEventLevel.Warning)
                .Enrich.FromLogContext()
                .WriteTo.Sink(new TextWriterSink(new RenderedCompactJsonFormatter(), output))
                .CreateLogger(),
            dispose: true);
        return builder;
    }
}
