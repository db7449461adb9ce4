using Azure;
using Azure.Identity;
using Azure.Storage.Blobs.Models;
using DriftJobs.Storage;
using DriftJobs.Storage.Blobs;
using Microsoft.Extensions.Options;

namespace DriftJobs.Hosting;

/// <summary>An input the job cannot work with (no baseline, nothing to profile): exit 2, no retry.</summary>
internal sealed class JobInputException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A failure a later attempt can get past (work of other pods not done yet): exit 1, retried.</summary>
internal sealed class JobRetryableException(string message) : Exception(message);

/// <summary>Maps a job's failure to its exit code and a message for people.</summary>
internal static class JobFailure
{
    public static (int ExitCode, string Message) Classify(Exception exception) => exception switch
    {
        SettingException e => (JobExitCode.ConfigurationError, e.Message),
        OptionsValidationException e => (JobExitCode.ConfigurationError, string.Join(" ", e.Failures)),
        // The configuration binder's message names the key: "Failed to convert configuration value at 'DRIFT_MIN_SAMPLES' …".
        InvalidOperationException e when e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal)
            => (JobExitCode.ConfigurationError, e.Message),
        JobInputException e => (JobExitCode.ConfigurationError, e.Message),
        JobRetryableException e => (JobExitCode.Failure, e.Message),
        StorageConfigurationException e => (JobExitCode.ConfigurationError, e.Message),
        BlobAlreadyExistsException e => (JobExitCode.ConfigurationError, e.Message),
        InvalidDataException e => (JobExitCode.ConfigurationError, e.Message),
        // No answer at all: the message names the endpoint, its setting, the tries and the cause; retrying is right.
        StorageUnreachableException e => (JobExitCode.Failure, $"{e.Message}. Exit code {JobExitCode.Failure}: the Job retries the run (backoffLimit), and the next scheduled run tries again."),
        CredentialUnavailableException e => (JobExitCode.ConfigurationError, "No Azure credential is available: " + e.Message),
        // Wrong account key, or the workload identity lacks a role: a configuration problem, not an outage.
        RequestFailedException { Status: 401 or 403 } e => (JobExitCode.ConfigurationError, $"Storage refused access ({e.Status} {e.ErrorCode}): check the credential and its role on the container."),
        // A container that is not there is a setting pointing nowhere: retrying every hour would not make it appear.
        RequestFailedException { Status: 404 } e when e.ErrorCode == BlobErrorCode.ContainerNotFound
            => (JobExitCode.ConfigurationError, $"The storage account has no container by the name {StorageOptions.ContainerSetting} gives ({e.Status} {e.ErrorCode}): check {StorageOptions.ContainerSetting} and the account, or create the container."),
        RequestFailedException e => (JobExitCode.Failure, $"Storage request failed ({e.Status} {e.ErrorCode}) after the SDK's retries."),
        AggregateException { InnerExceptions.Count: 1 } e => Classify(e.InnerExceptions[0]),
        // Options validated at start fail together (storage and the job's own settings, say): one error of several
        // settings is still a configuration error, not a reason to retry.
        AggregateException e when e.InnerExceptions.Select(Classify).ToList() is var all && all.All(c => c.ExitCode == JobExitCode.ConfigurationError)
            => (JobExitCode.ConfigurationError, string.Join(" ", all.Select(c => c.Message))),
        OperationCanceledException => (JobExitCode.Failure, "The job was cancelled before it finished."),
        _ => (JobExitCode.Failure, $"{exception.GetType().Name}: {exception.Message}"),
    };
}
