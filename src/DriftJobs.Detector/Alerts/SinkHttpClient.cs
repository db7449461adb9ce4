using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace DriftJobs.Detector.Alerts;

/// <summary>
/// One sink's HTTP client: its own connection pool, a timeout per attempt, and bounded retries with exponential
/// backoff on timeouts, connection failures, 408, 429 and 5xx. Other 4xx are not retried (the request itself is
/// wrong). The URL is never logged: for Slack and webhooks it is the credential. Logging goes through our
/// <see cref="LoggerMessage"/> events only (no IHttpClientFactory, whose handlers log the full request URI).
/// </summary>
internal sealed partial class SinkHttpClient : IDisposable
{
    /// <summary>A payload as compact UTF-8 JSON, the bytes JsonSerializer writes for it with its default options.</summary>
    public static byte[] Utf8Json(JsonNode payload)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            payload.WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private const int MaxBodyInMessage = 200;

    private readonly HttpClient _client;
    private readonly string _sink;
    private readonly RetryPolicy _policy;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public SinkHttpClient(string sink, RetryPolicy policy, TimeProvider time, ILogger logger)
    {
        _sink = sink;
        _policy = policy;
        _time = time;
        _logger = logger;
        _client = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = policy.Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            // A redirected POST would silently become a GET: treat a redirect as the misconfiguration it is.
            AllowAutoRedirect = false,
        })
        {
            // Each attempt has its own timeout, linked to the run's token.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>
    /// Sends the request <paramref name="createRequest"/> builds (a fresh message per attempt) until it succeeds
    /// or the retries are spent. Only the run's own cancellation is thrown; every other failure is the result.
    /// </summary>
    public async Task<DeliveryResult> SendAsync(Func<HttpRequestMessage> createRequest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(createRequest);
        var attempts = _policy.Retries + 1;
        for (var attempt = 1; ; attempt++)
        {
            string failure;
            var retriable = true;
            TimeSpan? retryAfter = null;
            using var request = createRequest();
            var uri = request.RequestUri;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_policy.Timeout);
            try
            {
                using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return DeliveryResult.Success(attempt);
                }

                var status = (int)response.StatusCode;
                retriable = status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
                retryAfter = RetryAfter(response);
                var body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
                failure = $"HTTP {status.ToString(CultureInfo.InvariantCulture)} {response.ReasonPhrase}" +
                    (body.Length == 0 ? "" : ": " + Scrub(body.Length > MaxBodyInMessage ? body[..MaxBodyInMessage] + "…" : body, uri).Trim());
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                failure = $"no answer within {_policy.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s";
            }
            catch (HttpRequestException e)
            {
                failure = Scrub(e.Message, uri);
            }

            if (!retriable || attempt >= attempts)
            {
                LogGaveUp(_logger, _sink, attempt, failure);
                return new DeliveryResult(false, attempt, failure);
            }

            var delay = Backoff(attempt, retryAfter);
            LogRetrying(_logger, _sink, attempt, attempts, failure, delay.TotalSeconds);
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _client.Dispose();

    /// <summary>first × 2^(attempt−1), ±20 % jitter so sinks failing together don't retry in lockstep; Retry-After when the server sets one.</summary>
    private TimeSpan Backoff(int attempt, TimeSpan? retryAfter)
    {
        var exponential = _policy.FirstBackoff * Math.Pow(2, attempt - 1) * (0.8 + (Random.Shared.NextDouble() * 0.4));
        var delay = retryAfter is { } after && after > exponential ? after : exponential;
        return delay > RetryPolicy.MaxBackoff ? RetryPolicy.MaxBackoff : delay;
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - _time.GetUtcNow(),
        _ => null,
    };

    /// <summary>Takes the URL (and its path, which holds Slack's token) out of a message that might quote it.</summary>
    private static string Scrub(string message, Uri? uri)
    {
        if (uri is null)
        {
            return message;
        }

        message = message.Replace(uri.OriginalString, "<url>", StringComparison.Ordinal).Replace(uri.AbsoluteUri, "<url>", StringComparison.Ordinal);
        return uri.PathAndQuery.Length > 1 ? message.Replace(uri.PathAndQuery, "<path>", StringComparison.Ordinal) : message;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery to {Sink}: attempt {Attempt} of {Attempts} failed ({Failure}); retrying in {DelaySeconds:0.###} s")]
    private static partial void LogRetrying(ILogger logger, string sink, int attempt, int attempts, string failure, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery to {Sink}: gave up after {Attempts} attempts ({Failure}); the run goes on and the next run tries again")]
    private static partial void LogGaveUp(ILogger logger, string sink, int attempts, string failure);
}
