namespace DriftJobs.Detector.Alerts;

/// <summary>How hard one request to a sink (or the Pushgateway) is tried: a timeout per attempt and bounded retries.</summary>
internal sealed record RetryPolicy(TimeSpan Timeout, int Retries, TimeSpan FirstBackoff)
{
    /// <summary>No single wait between attempts exceeds this, whatever Retry-After or the doubling says.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    public static RetryPolicy From(DetectorOptions options) => new(
        TimeSpan.FromSeconds(options.SinkTimeoutSeconds), options.SinkRetries, TimeSpan.FromSeconds(options.SinkRetryBackoffSeconds));
}
