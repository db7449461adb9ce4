using System.Diagnostics;
using DriftJobs.Testing;
using Xunit.Abstractions;

namespace DriftJobs.InferenceLogger.Tests;

/// <summary>The outage the logger's tests simulate: <see cref="AzuriteInstance.StopAsync"/> and a restart on the same port.</summary>
public sealed class AzuriteInstanceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_restart_finds_the_container_and_blob_written_just_before_the_stop_although_a_client_held_a_connection()
    {
        await using var storage = await AzuriteInstance.StartAsync(persistent: true);
        var container = await storage.CreateContainerAsync(FaultyStorage.QuickRetries());
        await container.UploadBlobAsync("just-before-the-stop", BinaryData.FromString("kept"));

        // A request still waiting when the stop begins keeps its connection open; Azurite no longer answers it.
        using var pending = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var waiting = Task.Run(async () =>
        {
            while (!pending.IsCancellationRequested)
            {
                try
                {
                    await container.GetPropertiesAsync(cancellationToken: pending.Token);
                }
                catch (Exception)
                {
                    // Refused or unanswered while stopped: keep asking.
                }
            }
        });

        var stopping = Stopwatch.StartNew();
        await storage.StopAsync();
        output.WriteLine($"StopAsync took {stopping.Elapsed.TotalMilliseconds:F0} ms");
        await storage.RestartAsync();
        await pending.CancelAsync();
        await waiting;

        var content = await container.GetBlobClient("just-before-the-stop").DownloadContentAsync();
        Assert.Equal("kept", content.Value.Content.ToString());
    }
}
