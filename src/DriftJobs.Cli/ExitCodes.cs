namespace DriftJobs.Cli;

/// <summary>
/// Every exit code driftctl returns, named in this one place. docs/operations.md documents each one (a test holds
/// the two together), so scripts and `make` targets can branch on them.
/// </summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>An unexpected error; the message says what went wrong.</summary>
    public const int Failure = 1;

    /// <summary>The command line is wrong: unknown command or option, or a bad value.</summary>
    public const int Usage = 2;

    /// <summary>No kubeconfig, no such context, or the cluster rejected its credentials.</summary>
    public const int NoClusterConfig = 3;

    /// <summary>The Kubernetes API server could not be reached.</summary>
    public const int ClusterUnreachable = 4;

    /// <summary>The CronJob or Job is not there (or the CronJob has run no Job yet).</summary>
    public const int NotFound = 5;

    /// <summary>RBAC forbids a request; the message names the verb and the resource.</summary>
    public const int Forbidden = 6;

    /// <summary>The blob storage account or container could not be reached, or the container does not exist.</summary>
    public const int StorageUnreachable = 7;

    /// <summary>No drift report has been written yet for the model.</summary>
    public const int NoReport = 8;

    /// <summary>The Job that was followed (<c>--wait</c>, <c>--follow</c>) ended Failed.</summary>
    public const int JobFailed = 9;

    /// <summary>The Job that was followed had not finished within <c>--timeout</c>.</summary>
    public const int Timeout = 10;
}
