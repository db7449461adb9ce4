using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace DriftJobs.Jobs.Tests.Services;

/// <summary>
/// A real service binary (Alertmanager, Pushgateway) started on a free loopback port with a temporary folder,
/// stopped and cleaned up on dispose. A missing binary fails the test with what to run; nothing is skipped.
/// </summary>
internal sealed partial class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log;

    private ServiceProcess(Process process, ConcurrentQueue<string> log, int port, string directory)
    {
        _process = process;
        _log = log;
        Port = port;
        Directory = directory;
    }

    public int Port { get; }

    public string Directory { get; }

    public Uri BaseUrl => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");

    public string Log => string.Join('\n', _log);

    /// <summary>The binary's full path on PATH; fails with the install command when it is not there.</summary>
    public static string Find(string binary)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, binary);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            $"{binary} is not installed (not on PATH). Run tools/services/install.sh (make test does; it apt-get installs " +
            "prometheus-alertmanager, prometheus-pushgateway and chromium).");
    }

    /// <summary>
    /// Starts <paramref name="binary"/> with <paramref name="arguments"/> (given the temp folder) and "--web.listen-address=127.0.0.1:0",
    /// then waits for the Prometheus exporter toolkit's "Listening on" line to learn the port.
    /// </summary>
    public static async Task<ServiceProcess> StartAsync(string binary, Func<string, IEnumerable<string>> arguments)
    {
        var path = Find(binary);
        var directory = System.IO.Directory.CreateTempSubdirectory(binary + "-").FullName;
        var start = new ProcessStartInfo(path) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments(directory).Append("--web.listen-address=127.0.0.1:0"))
        {
            start.ArgumentList.Add(argument);
        }

        var log = new ConcurrentQueue<string>();
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        DataReceivedEventHandler onLine = (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            log.Enqueue(e.Data);
            if (ListeningLine().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
            }
        };
        process.OutputDataReceived += onLine;
        process.ErrorDataReceived += onLine;
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"{binary} exited before listening:\n{string.Join('\n', log)}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var port = await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
            return new ServiceProcess(process, log, port, directory);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{binary} did not report listening within 30 s:\n{string.Join('\n', log)}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    [GeneratedRegex(@"msg=""Listening on"" address=(?:127\.0\.0\.1|\[::1\]|localhost):(\d+)")]
    private static partial Regex ListeningLine();
}
