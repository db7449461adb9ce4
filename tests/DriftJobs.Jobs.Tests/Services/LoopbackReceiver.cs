using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DriftJobs.Jobs.Tests.Services;

/// <summary>One request as the receiver got it.</summary>
internal sealed record ReceivedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);
}

/// <summary>How the receiver answers the n-th request (0-based): a status code, after an optional delay.</summary>
internal sealed record Answer(int Status, TimeSpan Delay = default);

/// <summary>
/// A real HTTP server on a loopback port (HttpListener) standing in for Slack or a webhook receiver: it records
/// every request and answers as told, so tests can check payloads, signatures, retries and timeouts.
/// </summary>
internal sealed class LoopbackReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Func<int, Answer> _answer;
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _count;

    private LoopbackReceiver(HttpListener listener, int port, Func<int, Answer> answer)
    {
        _listener = listener;
        _answer = answer;
        Port = port;
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public Uri Url(string path = "hook") => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/{path}");

    public IReadOnlyList<ReceivedRequest> Requests => [.. _requests];

    public static LoopbackReceiver Start(Func<int, Answer>? answer = null)
    {
        answer ??= _ => new Answer(200);
        for (var attempt = 0; ; attempt++)
        {
            // HttpListener cannot bind port 0: take a free port from the OS, then bind it (retry if it was taken meanwhile).
            var port = FreePort();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
            try
            {
                listener.Start();
                return new LoopbackReceiver(listener, port, answer);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
    }

    public static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var index = Interlocked.Increment(ref _count) - 1;
        using var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body);
        var headers = context.Request.Headers.AllKeys.OfType<string>()
            .ToDictionary(k => k, k => context.Request.Headers[k] ?? "", StringComparer.OrdinalIgnoreCase);
        _requests.Enqueue(new ReceivedRequest(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, headers, body.ToArray()));
        var answer = _answer(index);
        try
        {
            if (answer.Delay > TimeSpan.Zero)
            {
                await Task.Delay(answer.Delay, _stop.Token);
            }

            context.Response.StatusCode = answer.Status;
            var text = Encoding.UTF8.GetBytes(answer.Status < 300 ? "ok" : "failing on purpose");
            await context.Response.OutputStream.WriteAsync(text);
            context.Response.Close();
        }
        catch (Exception e) when (e is OperationCanceledException or HttpListenerException or ObjectDisposedException)
        {
            // The client gave up (a timeout test) or the receiver is stopping.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Close();
        await _loop;
        _stop.Dispose();
    }
}
