using System.Diagnostics;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace DriftJobs.Storage.Blobs;

/// <summary>
/// Runs once per operation, outside the SDK's retry policy, and turns "no answer through every try" into a
/// <see cref="StorageUnreachableException"/> that an operator can act on. Any answer from the service (a 404, a 503
/// after the retries) passes through untouched, as does the caller's own cancellation.
/// </summary>
internal sealed class ReachabilityPolicy(string endpoint, string endpointSource) : HttpPipelinePolicy
{
    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            ProcessNext(message, pipeline);
        }
        catch (Exception e) when (Unanswered(e, message.CancellationToken) is { } failure)
        {
            throw Unreachable(e, failure, started);
        }
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
        catch (Exception e) when (Unanswered(e, message.CancellationToken) is { } failure)
        {
            throw Unreachable(e, failure, started);
        }
    }

    /// <summary>The tries and the last one's failure when none got an answer; null when any did, or the caller cancelled.</summary>
    private static (int Tries, Exception Last)? Unanswered(Exception e, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        // The retry policy throws an AggregateException of every try's failure once it gives up; with no retries left
        // to make, the one failure itself.
        var tries = e is AggregateException aggregate ? aggregate.InnerExceptions : [e];
        return tries.Count > 0 && tries.All(IsTransportFailure) ? (tries.Count, tries[^1]) : null;
    }

    // The transport's failures carry no status: a refused or reset connection, a name that does not resolve (status 0),
    // or the SDK's network timeout (a cancellation the caller did not ask for).
    private static bool IsTransportFailure(Exception e) => e is RequestFailedException { Status: 0 } or OperationCanceledException;

    private StorageUnreachableException Unreachable(Exception e, (int Tries, Exception Last) failure, long started) =>
        new(endpoint, endpointSource, failure.Tries, Stopwatch.GetElapsedTime(started), CauseOf(failure.Last), e);

    // The transport's own message names the address: "Connection refused (127.0.0.1:10000)".
    private static string CauseOf(Exception last) =>
        last is OperationCanceledException ? "no answer within the SDK's network timeout" : last.Message;
}
