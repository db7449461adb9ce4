namespace DriftJobs.InferenceLogger.Tests;

public sealed class StripedQueueTests
{
    [Fact]
    public void Every_item_enqueued_from_many_threads_is_dequeued_exactly_once()
    {
        const int Threads = 8;
        const int PerThread = 50_000;
        var queue = new StripedQueue<long>();
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                queue.Enqueue(((long)t * PerThread) + i);
            }
        });

        var seen = new bool[Threads * PerThread];
        var count = 0;
        while (queue.TryDequeue(out var item))
        {
            Assert.False(seen[item], $"item {item} came out twice");
            seen[item] = true;
            count++;
        }

        Assert.Equal(Threads * PerThread, count);
        Assert.True(queue.IsEmpty);
    }

    [Fact]
    public async Task A_consumer_draining_while_producers_enqueue_gets_every_item()
    {
        const int Producers = 4;
        const int PerProducer = 100_000;
        var queue = new StripedQueue<int>();
        var producing = Enumerable.Range(0, Producers).Select(p => Task.Run(() =>
        {
            for (var i = 0; i < PerProducer; i++)
            {
                queue.Enqueue((p * PerProducer) + i);
            }
        })).ToArray();
        var all = Task.WhenAll(producing);

        var seen = new bool[Producers * PerProducer];
        var count = 0;
        while (!all.IsCompleted || !queue.IsEmpty)
        {
            while (queue.TryDequeue(out var item))
            {
                Assert.False(seen[item], $"item {item} came out twice");
                seen[item] = true;
                count++;
            }
        }

        await all;
        Assert.Equal(Producers * PerProducer, count);
    }

    [Fact]
    public void An_empty_queue_reports_empty_and_dequeues_nothing()
    {
        var queue = new StripedQueue<string>();
        Assert.True(queue.IsEmpty);
        Assert.False(queue.TryDequeue(out var item));
        Assert.Null(item);

        queue.Enqueue("a");
        Assert.False(queue.IsEmpty);
        Assert.True(queue.TryDequeue(out item));
        Assert.Equal("a", item);
        Assert.True(queue.IsEmpty);
    }
}
