using DriftJobs.Testing;
using System.Collections.Concurrent;

namespace DriftJobs.InferenceLogger.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class ShutdownTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Dispose_writes_everything_buffered_before_returning()
    {
        var container = await azurite.CreateContainerAsync();
        var logger = TestRecords.Builder(container, o =>
        {
            o.BatchSize = 4_000;
            o.FlushInterval = TimeSpan.FromHours(1);
        }).Build();

        for (var i = 0; i < 10_000; i++)
        {
            Assert.True(logger.TryLog(TestRecords.Record(i)));
        }

        await logger.DisposeAsync();

        Assert.Equal(0, logger.BufferDepth);
        var rows = (await LogFiles.ReadAllAsync(container)).SelectMany(f => f.Rows).ToList();
        Assert.Equal(Enumerable.Range(0, 10_000).Select(TestRecords.RequestId), rows.Select(r => (string)r["request_id"]!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Disposing_twice_or_stopping_then_disposing_is_safe_and_writes_nothing_more()
    {
        var container = await azurite.CreateContainerAsync();
        var logger = TestRecords.Builder(container).Build();
        Assert.True(logger.TryLog(TestRecords.Record(1)));

        await logger.StopAsync();
        await logger.DisposeAsync();
        await logger.DisposeAsync();
        logger.Dispose();

        Assert.False(logger.TryLog(TestRecords.Record(2)));
        Assert.Equal(1, logger.Counters.DroppedStopped);
        Assert.Equal(["req-0000001"], (await LogFiles.ReadAllAsync(container)).SelectMany(f => f.Rows).Select(r => (string)r["request_id"]!));
    }

    [Fact]
    public async Task Concurrent_disposes_all_wait_for_the_same_drain()
    {
        var container = await azurite.CreateContainerAsync();
        var logger = TestRecords.Builder(container, o => o.FlushInterval = TimeSpan.FromHours(1)).Build();
        for (var i = 0; i < 3_000; i++)
        {
            Assert.True(logger.TryLog(TestRecords.Record(i)));
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            await logger.DisposeAsync();

            // Whichever call returns, the drain is complete.
            Assert.Equal(3_000, logger.Counters.RecordsWritten);
        })));
    }

    [Fact]
    public async Task Records_logged_from_many_threads_during_dispose_are_either_written_or_refused()
    {
        var container = await azurite.CreateContainerAsync();
        var logger = TestRecords.Builder(container, o =>
        {
            o.BufferCapacity = 20_000;
            o.BatchSize = 2_000;
        }).Build();

        const int Threads = 6;
        var accepted = new ConcurrentBag<string>();
        var refusedAfterStop = new int[Threads];
        var disposed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var exceptions = new ConcurrentBag<Exception>();
        var writers = Enumerable.Range(0, Threads).Select(t => Task.Factory.StartNew(
            () =>
            {
                try
                {
                    for (var n = 0; ; n++)
                    {
                        var id = (t * 1_000_000) + n;
                        var wasDisposed = disposed.Task.IsCompleted;
                        if (logger.TryLog(TestRecords.Record(id)))
                        {
                            accepted.Add(TestRecords.RequestId(id));
                        }
                        else if (wasDisposed && ++refusedAfterStop[t] >= 100)
                        {
                            return;
                        }

                        if (n % 64 == 0)
                        {
                            Thread.Yield();
                        }
                    }
                }
                catch (Exception e)
                {
                    exceptions.Add(e);
                }
            },
            TaskCreationOptions.LongRunning)).ToArray();

        await Eventually.TrueAsync(() => accepted.Count >= 5_000, "records from every thread");
        await logger.DisposeAsync();
        disposed.SetResult();
        await Task.WhenAll(writers);

        Assert.Empty(exceptions);
        var written = (await LogFiles.ReadAllAsync(container)).SelectMany(f => f.Rows).Select(r => (string)r["request_id"]!).ToList();
        Assert.Equal(accepted.Order(StringComparer.Ordinal), written.Order(StringComparer.Ordinal));

        var counters = logger.Counters;
        Assert.Equal(accepted.Count, counters.Accepted);
        Assert.Equal(accepted.Count, counters.RecordsWritten);
        Assert.Equal(0, counters.RecordsLost);
        Assert.True(counters.DroppedStopped >= Threads * 100);
    }

    [Fact]
    public async Task Dispose_from_a_synchronous_caller_drains_too()
    {
        var container = await azurite.CreateContainerAsync();
        var logger = TestRecords.Builder(container).Build();
        Assert.True(logger.TryLog(TestRecords.Record(7)));

        await Task.Run(logger.Dispose);

        Assert.Single(await LogFiles.ListAsync(container));
    }
}
