namespace DriftJobs.Detector.Alerts;

/// <summary>
/// An alert destination enabled by configuration (Alertmanager, Slack, a webhook). It is only given the notices
/// the alert state says are due, and must not throw for delivery failures: it retries, then reports failure.
/// </summary>
internal interface IAlertNotificationSink
{
    /// <summary>Stable name recorded in alert-state.json (which sink was sent what).</summary>
    string Name { get; }

    Task<DeliveryResult> SendAsync(AlertNotification notification, CancellationToken cancellationToken = default);
}
