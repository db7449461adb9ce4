using Azure;

namespace DriftJobs.InferenceLogger;

/// <summary>One-line descriptions of storage failures, for log lines that must not carry the whole exception chain.</summary>
internal static class StorageFailure
{
    public const string ContainerNotFound = "ContainerNotFound";

    /// <summary>
    /// The cause in one line: the status and error code of a service answer, or the innermost exception's type and
    /// message of a transport failure (the SDK wraps its retries' failures in an <see cref="AggregateException"/>).
    /// </summary>
    public static string Describe(Exception exception, TimeSpan? timedOutAfter = null)
    {
        if (timedOutAfter is { } timeout && exception is OperationCanceledException)
        {
            return $"no answer within the upload timeout ({timeout})";
        }

        if (exception is RequestFailedException { Status: > 0 } failed)
        {
            return $"{failed.Status} {failed.ErrorCode}: {FirstLine(failed.Message)}";
        }

        var tries = exception is AggregateException aggregate ? aggregate.InnerExceptions.Count : 0;
        var cause = exception is AggregateException { InnerExceptions.Count: > 0 } all ? all.InnerExceptions[^1] : exception;
        if (cause is RequestFailedException { Status: > 0 })
        {
            return Describe(cause);
        }

        var innermost = cause;
        while (innermost.InnerException is { } inner)
        {
            innermost = inner;
        }

        var text = $"{innermost.GetType().Name}: {FirstLine(innermost.Message)}";
        return tries > 1 ? $"{text} ({tries} tries)" : text;
    }

    public static bool IsContainerNotFound(Exception exception) =>
        exception is RequestFailedException { ErrorCode: ContainerNotFound } ||
        (exception is AggregateException aggregate && aggregate.InnerExceptions.Any(IsContainerNotFound));

    /// <summary>What to do about a container that is missing and may not be created with the logger's credential.</summary>
    public static string MissingContainerMessage(string container, string account, string? errorCode) =>
        $"The inference log container '{container}' does not exist in storage account '{account}', and the logger's " +
        $"credential may not create it ({errorCode ?? "refused"}). Create the container (then the Azure RBAC role " +
        "'Storage Blob Data Contributor' on the container is enough to write logs), or grant the logger's identity " +
        "'Storage Blob Data Contributor' on the storage account so that it can create it, or use a SAS or key that " +
        "allows creating containers (an account SAS with resource type 'c' and permission 'w').";

    private static string FirstLine(string message)
    {
        var end = message.AsSpan().IndexOfAny('\r', '\n');
        return (end < 0 ? message : message[..end]).Trim();
    }
}
