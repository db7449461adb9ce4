using System.Net.Http.Headers;
using System.Text;
using DriftJobs.Core.Reports;
using DriftJobs.Detector.Alerts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DriftJobs.Detector.Metrics;

/// <summary>
/// Pushes a run's metrics to the Prometheus Pushgateway (DRIFT_PUSHGATEWAY_URL), the standard for batch jobs:
/// <c>PUT /metrics/job/drift-detector/model/{model}/version/{version}</c>, replacing the group so a feature that
/// left the baseline leaves the metrics too. Retried like an alert sink; a failure is logged and never fails the run.
/// </summary>
internal sealed partial class PushgatewayPusher : IDisposable
{
    public const string Job = "drift-detector";

    private readonly Uri? _baseUrl;
    private readonly SinkHttpClient? _http;
    private readonly TimeProvider _time;
    private readonly ILogger<PushgatewayPusher> _logger;

    public PushgatewayPusher(IOptions<DetectorOptions> options, TimeProvider time, ILogger<PushgatewayPusher> logger)
    {
        _time = time;
        _logger = logger;
        _baseUrl = DeliveryChecks.Url(options.Value.PushgatewayUrl);
        if (_baseUrl is not null)
        {
            _http = new SinkHttpClient("pushgateway", RetryPolicy.From(options.Value), time, logger);
        }
    }

    public static Uri GroupUrl(Uri baseUrl, string model, string version) => new(
        baseUrl.AbsoluteUri.TrimEnd('/') + $"/metrics/job/{Job}/model/{Uri.EscapeDataString(model)}/version/{Uri.EscapeDataString(version)}");

    /// <summary>True when pushed; false when not configured or the Pushgateway could not be reached.</summary>
    public async Task<bool> PushAsync(DriftReport report, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (_baseUrl is null || _http is null)
        {
            return false;
        }

        var url = GroupUrl(_baseUrl, report.ModelName, report.ModelVersion);
        var body = Encoding.UTF8.GetBytes(RunMetrics.Format(report, duration, _time.GetUtcNow()));
        var result = await _http.SendAsync(() => new HttpRequestMessage(HttpMethod.Put, url)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = MediaTypeHeaderValue.Parse("text/plain; version=0.0.4; charset=utf-8") } },
        }, cancellationToken).ConfigureAwait(false);
        if (result.Delivered)
        {
            LogPushed(_logger, report.Features.Count, result.Attempts);
        }

        return result.Delivered;
    }

    public void Dispose() => _http?.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Pushed the run's metrics ({Features} features) to the Pushgateway (attempts: {Attempts})")]
    private static partial void LogPushed(ILogger logger, int features, int attempts);
}
