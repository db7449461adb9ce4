using Azure.Core;
using Azure.Core.Pipeline;

namespace DriftJobs.Testing;

/// <summary>
/// An Azure SDK pipeline policy that makes every request fail with an <see cref="IOException"/> while
/// <see cref="Failing"/> is set — a storage outage without stopping Azurite. Add it per retry, so the SDK's
/// own retries see the failures too:
/// <c>options.AddPolicy(fault, HttpPipelinePosition.PerRetry)</c>.
/// </summary>
public sealed class StorageFaultPolicy : HttpPipelinePolicy
{
    private volatile bool _failing;
    private int _failedRequests;

    public bool Failing
    {
        get => _failing;
        set => _failing = value;
    }

    /// <summary>How many requests were failed so far.</summary>
    public int FailedRequests => Volatile.Read(ref _failedRequests);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ThrowIfFailing();
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ThrowIfFailing();
        return ProcessNextAsync(message, pipeline);
    }

    private void ThrowIfFailing()
    {
        if (_failing)
        {
            Interlocked.Increment(ref _failedRequests);
            throw new IOException("Storage unavailable (injected by StorageFaultPolicy).");
        }
    }
}
