using Azure.Storage.Blobs;
using DriftJobs.Storage.Blobs;
using DriftJobs.Testing;

namespace DriftJobs.Storage.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class InferenceLogSourceTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset End = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_source_is_decided_once_and_both_kinds_list_and_open_the_same_files_by_the_same_names()
    {
        var container = await azurite.CreateContainerAsync();
        var name = "inference-logs/year=2026/month=01/day=05/hour=09/a.parquet";
        await container.UploadBlobAsync(name, BinaryData.FromString("PAR1 stand-in"));
        var mount = Directory.CreateTempSubdirectory("logs-mount-");
        try
        {
            Directory.CreateDirectory(Path.Combine(mount.FullName, Path.GetDirectoryName(name)!));
            await File.WriteAllTextAsync(Path.Combine(mount.FullName, name), "PAR1 stand-in");
            var blobs = InferenceLogSource.Create(container, new StorageLayout(), " ", "DRIFT_LOGS_PATH");
            var mounted = InferenceLogSource.Create(container, new StorageLayout(), mount.FullName, "DRIFT_LOGS_PATH");
            Assert.IsType<BlobLogSource>(blobs);
            Assert.IsType<MountedLogSource>(mounted);

            foreach (var source in new[] { blobs, mounted })
            {
                var file = Assert.Single(await source.ListAsync(End, 1));
                Assert.Equal(name, file.Name);
                using var buffer = new MemoryStream();
                var stream = await source.OpenAsync(file, buffer);
                await using (stream)
                {
                    Assert.Equal("PAR1 stand-in", await new StreamReader(stream).ReadToEndAsync());
                }
            }
        }
        finally
        {
            mount.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_mount_gone_since_the_start_is_an_io_failure_naming_its_setting()
    {
        var mount = Directory.CreateTempSubdirectory("logs-mount-");
        var source = InferenceLogSource.Create(new BlobContainerClient(new Uri("http://127.0.0.1:9/a/c")), new StorageLayout(), mount.FullName, "DRIFT_LOGS_PATH");
        mount.Delete();

        // An IOException (retried: exit 1), not DirectoryNotFoundException, and the message says which setting.
        var error = await Assert.ThrowsAsync<IOException>(() => source.ListAsync(End, 1));
        Assert.Contains($"DRIFT_LOGS_PATH '{mount.FullName}' is no longer there", error.Message, StringComparison.Ordinal);
    }
}
