using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DriftJobs.Detector.Alerts;

/// <summary>The alert sinks the settings enable (none by default), each with its own HTTP client; disposed with the host.</summary>
internal sealed class NotificationSinks : IDisposable
{
    private readonly List<IAlertNotificationSink> _sinks = [];

    public NotificationSinks(IOptions<DetectorOptions> options, TimeProvider time, ILoggerFactory loggers)
    {
        var o = options.Value;
        var policy = RetryPolicy.From(o);
        var logger = loggers.CreateLogger<AlertDispatcher>();
        SinkHttpClient Http(string name) => new(name, policy, time, logger);

        if (DeliveryChecks.Url(o.AlertmanagerUrl) is { } alertmanager)
        {
            _sinks.Add(new AlertmanagerSink(alertmanager, Http(AlertmanagerSink.SinkName), time));
        }

        if (DeliveryChecks.Url(o.SlackWebhookUrl) is { } slack)
        {
            _sinks.Add(new SlackSink(slack, Http(SlackSink.SinkName)));
        }

        if (DeliveryChecks.Url(o.WebhookUrl) is { } webhook)
        {
            _sinks.Add(new WebhookSink(webhook, Encoding.UTF8.GetBytes(o.WebhookSecret!), Http(WebhookSink.SinkName), time));
        }
    }

    public IReadOnlyList<IAlertNotificationSink> All => _sinks;

    public void Dispose()
    {
        foreach (var sink in _sinks.OfType<IDisposable>())
        {
            sink.Dispose();
        }
    }
}
