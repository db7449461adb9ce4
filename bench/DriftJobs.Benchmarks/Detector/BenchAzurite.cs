using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;

namespace DriftJobs.Benchmarks.Detector;

/// <summary>
/// Azurite on a loopback port with its blobs kept on disk under the data cache, so the gigabytes of logs are uploaded
/// once, not on every run.
/// </summary>
internal sealed partial class BenchAzurite : IAsyncDisposable
{
    public const string ContainerName = "bench";

    // Azurite's well-known development account: not a secret.
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;

    private BenchAzurite(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public int ProcessId => _process.Id;

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/devstoreaccount1;";

    public BlobContainerClient Container => new BlobServiceClient(ConnectionString).GetBlobContainerClient(ContainerName);

    public static async Task<BenchAzurite> StartAsync(string executable, string location, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(location);
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--blobHost", "127.0.0.1", "--blobPort", "0", "--skipApiVersionCheck", "--loose", "--location", location })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null && ListeningLine().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
            }
        };
        process.ErrorDataReceived += (_, e) => { };
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("Azurite exited before listening."));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var port = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        var azurite = new BenchAzurite(process, port);
        await azurite.Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        return azurite;
    }

    /// <summary>Uploads a generated data set unless a marker says this exact set is already there.</summary>
    public async Task EnsureUploadedAsync(string root, DataSet set, CancellationToken cancellationToken)
    {
        var container = Container;
        var marker = container.GetBlobClient($"markers/{set.Prefix}.v{set.Version}.{set.Rows}");
        if (await marker.ExistsAsync(cancellationToken))
        {
            return;
        }

        Console.Error.WriteLine($"uploading {set.Prefix} to Azurite ({set.Bytes / 1e9:F1} GB)");
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(set.Files, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (name, token) =>
        {
            await using var file = File.OpenRead(Path.Combine(root, name));
            await container.GetBlobClient(name).UploadAsync(file, overwrite: true, token);
        });
        await marker.UploadAsync(BinaryData.FromString(set.Prefix), overwrite: true, cancellationToken);
        Console.Error.WriteLine($"  uploaded in {clock.Elapsed.TotalSeconds:F0} s");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"listens on https?://[^:]+:(\d+)")]
    private static partial Regex ListeningLine();
}
