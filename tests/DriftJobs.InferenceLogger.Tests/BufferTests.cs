using DriftJobs.Testing;
using Microsoft.Extensions.Time.Testing;

namespace DriftJobs.InferenceLogger.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class BufferTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task When_the_buffer_is_full_TryLog_returns_false_and_every_call_is_counted_once()
    {
        var (container, fault) = await FaultyStorage.CreateAsync(azurite.Azurite);
        fault.Failing = true;
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 5, 1, 8, 0, 0, TimeSpan.Zero));
        await using var logger = TestRecords.Builder(container, o =>
        {
            o.BufferCapacity = 1_000;
            o.BatchSize = 100;
        }).WithTimeProvider(time).Build();

        // The writer takes batches out of the queue while storage fails; they still count against the capacity.
        var results = Enumerable.Range(0, 1_500).Select(i => logger.TryLog(TestRecords.Record(i))).ToList();

        Assert.Equal(1_000, results.Count(r => r));
        Assert.All(results.Take(1_000), Assert.True);
        Assert.All(results.Skip(1_000), Assert.False);
        var counters = logger.Counters;
        Assert.Equal(1_000, counters.Accepted);
        Assert.Equal(500, counters.DroppedBufferFull);
        Assert.Equal(0, counters.RejectedInvalid);
        Assert.Equal(1_000, logger.BufferDepth);

        // Storage returns: the kept thousand are written, and room opens up again.
        fault.Failing = false;
        await Eventually.TrueAsync(
            () =>
            {
                time.Advance(TimeSpan.FromSeconds(5));
                return logger.Counters.RecordsWritten == 1_000;
            },
            "the kept records");
        Assert.Equal(0, logger.BufferDepth);
        Assert.True(logger.TryLog(TestRecords.Record(2_000)));

        var written = (await LogFiles.ReadAllAsync(container)).SelectMany(f => f.Rows).Select(r => (string)r["request_id"]!).Order(StringComparer.Ordinal);
        Assert.Equal(Enumerable.Range(0, 1_000).Select(TestRecords.RequestId), written);
    }

    [Fact]
    public async Task An_unreachable_store_never_grows_memory_beyond_the_buffer()
    {
        var (container, fault) = await FaultyStorage.CreateAsync(azurite.Azurite);
        fault.Failing = true;
        var logger = TestRecords.Builder(container, o =>
        {
            o.BufferCapacity = 1_000;
            o.BatchSize = 500;
            o.ShutdownTimeout = TimeSpan.FromMilliseconds(200);
            o.MinRetryDelay = TimeSpan.FromMilliseconds(10);
            o.MaxRetryDelay = TimeSpan.FromMilliseconds(50);
        }).Build();

        var before = GC.GetTotalMemory(forceFullCollection: true);
        long maxDepth = 0;
        long accepted = 0;
        for (var i = 0; i < 300_000; i++)
        {
            if (logger.TryLog(TestRecords.Record(i)))
            {
                accepted++;
            }

            if (i % 1_000 == 0)
            {
                maxDepth = Math.Max(maxDepth, logger.BufferDepth);
            }
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);

        // 300,000 records kept would be well over 100 MB; a thousand, with the encoded batch, a few MB.
        Assert.True(after - before < 20_000_000, $"memory grew by {after - before:N0} bytes");
        Assert.True(maxDepth <= 1_000, $"buffer depth reached {maxDepth}");
        Assert.True(fault.FailedRequests > 0);
        Assert.Equal(1_000, accepted);

        await logger.DisposeAsync();
        var counters = logger.Counters;
        Assert.Equal(299_000, counters.DroppedBufferFull);
        Assert.Equal(1_000, counters.RecordsLost);
        Assert.Equal(0, counters.RecordsWritten);
        Assert.Equal(0, logger.BufferDepth);
    }

    [Theory]
    [InlineData("")]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("name with space")]
    [InlineData("ümlaut")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234")]
    public async Task A_model_name_or_version_that_could_not_be_a_file_name_is_rejected(string name)
    {
        var container = await azurite.CreateContainerAsync();
        await using var logger = TestRecords.Builder(container).Build();

        Assert.False(logger.TryLog(TestRecords.Record(1, model: name)));
        Assert.False(logger.TryLog(TestRecords.Record(2, version: name)));
        Assert.False(logger.TryLog(null!));

        Assert.Equal(3, logger.Counters.RejectedInvalid);
        Assert.Equal(0, logger.Counters.Accepted);
    }

    [Fact]
    public async Task The_longest_and_most_varied_valid_names_are_accepted()
    {
        var container = await azurite.CreateContainerAsync();
        var name = "A.b_c-9" + new string('x', 56);
        Assert.Equal(63, name.Length);
        await using (var logger = TestRecords.Builder(container).Build())
        {
            Assert.True(logger.TryLog(TestRecords.Record(1, model: name, version: "2024.06.01-rc_1")));
        }

        var file = Assert.Single(await LogFiles.ListAsync(container));
        Assert.Contains($"/{name}-2024.06.01-rc_1-test-pod-", file, StringComparison.Ordinal);
    }
}
