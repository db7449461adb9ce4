using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;

namespace DriftJobs.Testing;

/// <summary>
/// A real Azurite blob service on a loopback port, started from the pinned npm package in tools/azurite
/// (installed by <c>make tools</c>). Tests never talk to a fake store.
/// </summary>
public sealed partial class AzuriteInstance : IAsyncDisposable
{
    // The well-known development account every Azurite serves; not a secret.
    private const string AccountName = "devstoreaccount1";
    private const string AccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly string? _location;
    private Process? _process;

    // Completed when the running process says it closed (or exits): see StopAsync.
    private TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AzuriteInstance(string? location) => _location = location;

    /// <summary>The port Azurite listens on; kept across <see cref="RestartAsync"/>.</summary>
    public int Port { get; private set; }

    public string ConnectionString => ConnectionStringFor(Port);

    /// <summary>Azurite's connection string for a loopback port, whether anything listens there or not.</summary>
    public static string ConnectionStringFor(int port) =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/{AccountName};";

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>
    /// Starts Azurite. With <paramref name="persistent"/> the data lives in a temporary folder, so the
    /// service can be stopped and started again (an outage) without losing blobs.
    /// </summary>
    public static async Task<AzuriteInstance> StartAsync(bool persistent = false, CancellationToken cancellationToken = default)
    {
        string? location = persistent ? Directory.CreateTempSubdirectory("azurite-").FullName : null;
        var instance = new AzuriteInstance(location);
        await instance.LaunchAsync(port: 0, cancellationToken).ConfigureAwait(false);
        return instance;
    }

    public BlobServiceClient CreateServiceClient(BlobClientOptions? options = null) => new(ConnectionString, options);

    /// <summary>A new, empty container with a unique name.</summary>
    public async Task<BlobContainerClient> CreateContainerAsync(BlobClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        var container = CreateServiceClient(options).GetBlobContainerClient("t" + Guid.NewGuid().ToString("N")[..20]);
        await container.CreateAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return container;
    }

    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            // Azurite saves its metadata every 5 seconds; SIGTERM makes it save what was just written, so a restart
            // (a simulated outage) finds every blob again. It says "successfully closed" once the save is done; by
            // then it has stopped handling requests, and it only stays up until its clients close their keep-alive
            // connections (ours, pooled, could keep it for the whole grace period, ~10 s per stop). Nothing is
            // saved after that line, so killing it then loses nothing that waiting would have kept.
            if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
            {
                _ = SendSignal(_process.Id, SigTerm);
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await _closed.Task.WaitAsync(grace.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Did not close in time: killed below.
                }
            }

            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().ConfigureAwait(false);
            }
        }

        _process.Dispose();
        _process = null;
    }

    /// <summary>Starts the service again on the same port (only meaningful for a persistent instance).</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync().ConfigureAwait(false);
        await LaunchAsync(Port, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        if (_location is not null)
        {
            try
            {
                Directory.Delete(_location, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
        }
    }

    public static string FindExecutable()
    {
        var fromEnv = Environment.GetEnvironmentVariable("AZURITE_BLOB");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return fromEnv;
        }

        var path = Path.Combine(RepositoryRoot.Find(), "tools", "azurite", "node_modules", ".bin", "azurite-blob");
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"Azurite is not installed at {path}: run `make tools` (npm install in tools/azurite).");
    }

    private async Task LaunchAsync(int port, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(FindExecutable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--blobHost", "127.0.0.1", "--blobPort", port.ToString(CultureInfo.InvariantCulture), "--skipApiVersionCheck", "--loose" })
        {
            start.ArgumentList.Add(arg);
        }

        if (_location is null)
        {
            start.ArgumentList.Add("--inMemoryPersistence");
        }
        else
        {
            start.ArgumentList.Add("--location");
            start.ArgumentList.Add(_location);
        }

        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _closed = closed;
        var process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        _process = process;
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            output.Enqueue(e.Data);
            var match = ListeningLine().Match(e.Data);
            if (match.Success)
            {
                listening.TrySetResult(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
            }
            else if (e.Data.Contains(ClosedLine, StringComparison.Ordinal))
            {
                closed.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.Enqueue(e.Data);
            }
        };
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) =>
        {
            closed.TrySetResult();
            listening.TrySetException(new InvalidOperationException("Azurite exited before listening:\n" + string.Join('\n', output)));
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            Port = await listening.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await StopAsync().ConfigureAwait(false);
            throw new TimeoutException("Azurite did not report listening within 60 s:\n" + string.Join('\n', output));
        }
    }

    private const int SigTerm = 15;

    // Printed by Azurite's blob service (azurite/dist/src/blob/main.js) once its server and stores are closed.
    private const string ClosedLine = "Azurite Blob service successfully closed";

#pragma warning disable CA5392, SYSLIB1054 // libc's kill(2): the only way to send SIGTERM from .NET.
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
#pragma warning restore CA5392, SYSLIB1054

    [GeneratedRegex(@"listens on https?://[^:]+:(\d+)")]
    private static partial Regex ListeningLine();
}
