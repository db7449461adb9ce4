using Azure;

namespace DriftJobs.Storage.Blobs;

/// <summary>
/// The storage account gave no answer at all (connection refused, name not resolved, no response within the network
/// timeout) through every try of the SDK's retry policy. A <see cref="RequestFailedException"/> with status 0, as the
/// SDK's own transport failures are, so every filter on a status code treats it as before; only the message changes:
/// it names the endpoint, the setting it came from, how many tries over how long, and the last cause, instead of
/// "Retry failed after 6 tries. Retry settings can be adjusted in ClientOptions.Retry…".
/// </summary>
internal sealed class StorageUnreachableException : RequestFailedException
{
    public StorageUnreachableException(string endpoint, string endpointSource, int tries, TimeSpan elapsed, string cause, Exception innerException)
        : base(0, Describe(endpoint, endpointSource, tries, elapsed, cause), innerException)
    {
        Endpoint = endpoint;
        EndpointSource = endpointSource;
        Tries = tries;
        Elapsed = elapsed;
        Cause = cause;
    }

    public string Endpoint { get; }

    /// <summary>The setting the endpoint came from, e.g. "AZURE_STORAGE_ACCOUNT_URL".</summary>
    public string EndpointSource { get; }

    public int Tries { get; }

    public TimeSpan Elapsed { get; }

    /// <summary>The last try's failure, e.g. "Connection refused (127.0.0.1:10000)".</summary>
    public string Cause { get; }

    private static string Describe(string endpoint, string source, int tries, TimeSpan elapsed, string cause) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"The storage account at {endpoint} ({source}) could not be reached: {tries} {(tries == 1 ? "try" : "tries")} over {elapsed.TotalSeconds:0.0} s, the last failing with: {cause}");
}
