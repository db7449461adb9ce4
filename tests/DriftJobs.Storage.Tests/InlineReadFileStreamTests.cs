namespace DriftJobs.Storage.Tests;

public sealed class InlineReadFileStreamTests
{
    [Fact]
    public async Task Asynchronous_reads_complete_on_the_calling_thread_with_the_files_bytes()
    {
        var folder = TestFiles.TempFolder();
        try
        {
            var bytes = Enumerable.Range(0, 200_000).Select(i => (byte)(i * 7)).ToArray();
            var path = Path.Combine(folder.FullName, "f.bin");
            await File.WriteAllBytesAsync(path, bytes);
            await using var stream = new InlineReadFileStream(path);
            var read = new List<byte>();
            var buffer = new byte[70_000];

            while (true)
            {
                var pending = stream.ReadAsync(buffer.AsMemory());
                Assert.True(pending.IsCompleted, "the read was handed to another thread");
                var count = await pending;
                if (count == 0)
                {
                    break;
                }

                read.AddRange(buffer.AsSpan(0, count));
            }

            Assert.Equal(bytes, read);
            stream.Position = 123;
            Assert.Equal(5, await stream.ReadAsync(buffer, 0, 5));
            Assert.Equal(bytes.AsSpan(123, 5).ToArray(), buffer.AsSpan(0, 5).ToArray());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_cancelled_or_failed_read_fails_its_task()
    {
        var folder = TestFiles.TempFolder();
        try
        {
            var path = Path.Combine(folder.FullName, "f.bin");
            await File.WriteAllBytesAsync(path, [1, 2, 3]);
            var stream = new InlineReadFileStream(path);
            using var cancelled = new CancellationTokenSource();
            await cancelled.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stream.ReadAsync(new byte[3].AsMemory(), cancelled.Token).AsTask());
            await stream.DisposeAsync();
            var afterDispose = stream.ReadAsync(new byte[3].AsMemory());

            await Assert.ThrowsAsync<ObjectDisposedException>(() => afterDispose.AsTask());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
