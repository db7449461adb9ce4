using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DriftJobs.Jobs.Tests.Services;

/// <summary>
/// A real headless Chromium driven over the DevTools protocol (a WebSocket from System.Net.WebSockets): pages are
/// opened with the Runtime, Log and Network domains on, so console errors, uncaught exceptions and every network
/// request the page makes are recorded from before navigation starts.
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _profile;
    private readonly ConcurrentQueue<string> _output;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly ConcurrentQueue<(string Method, JsonObject Params)> _events = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _receive;
    private int _nextId;

    private HeadlessChromium(Process process, string profile, ConcurrentQueue<string> output)
    {
        _process = process;
        _profile = profile;
        _output = output;
    }

    public IEnumerable<(string Method, JsonObject Params)> Events => _events;

    /// <summary>Console errors, uncaught exceptions and error log entries, as text.</summary>
    public IReadOnlyList<string> Errors => [.. _events.Where(e =>
            e.Method == "Runtime.exceptionThrown"
            || (e.Method == "Runtime.consoleAPICalled" && (string?)e.Params["type"] is "error" or "assert")
            || (e.Method == "Log.entryAdded" && (string?)e.Params["entry"]?["level"] == "error"))
        .Select(e => $"{e.Method}: {e.Params.ToJsonString()}")];

    /// <summary>Every URL the page requested (the page itself included).</summary>
    public IReadOnlyList<string> RequestedUrls => [.. _events.Where(e => e.Method == "Network.requestWillBeSent")
        .Select(e => (string?)e.Params["request"]?["url"] ?? "")];

    public static async Task<HeadlessChromium> StartAsync(int width = 1280, int height = 2000)
    {
        var binary = ServiceProcess.Find("chromium");
        var profile = Directory.CreateTempSubdirectory("chromium-profile-").FullName;
        var start = new ProcessStartInfo(binary) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-extensions", "--hide-scrollbars", "--user-data-dir=" + profile,
            "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--remote-allow-origins=*",
            $"--window-size={width},{height}", "about:blank",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var output = new ConcurrentQueue<string>();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var browser = new HeadlessChromium(process, profile, output);
        try
        {
            await browser.ConnectAsync();
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>Navigates to <paramref name="url"/> and waits for its load event.</summary>
    public async Task OpenAsync(string url)
    {
        var loaded = WaitForEventAsync("Page.loadEventFired", _events.Count(e => e.Method == "Page.loadEventFired"));
        var navigation = await SendAsync("Page.navigate", new JsonObject { ["url"] = url });
        if (navigation["errorText"] is { } error)
        {
            throw new InvalidOperationException($"Chromium could not open {url}: {error}");
        }

        await loaded.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Evaluates <paramref name="expression"/> in the page and returns its value (JSON-serialisable results only).</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        if (result["exceptionDetails"] is { } exception)
        {
            throw new InvalidOperationException($"The page's script failed: {exception.ToJsonString()}");
        }

        return result["result"]?["value"]?.DeepClone();
    }

    public async Task ScreenshotAsync(string path)
    {
        var shot = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png" });
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, Convert.FromBase64String((string)shot["data"]!));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // Closing down anyway.
            }
        }

        _socket.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        if (_receive is not null)
        {
            await Task.WhenAny(_receive, Task.Delay(TimeSpan.FromSeconds(2)));
        }

        _stop.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still be writing its profile as it dies; a temp folder left behind is harmless.
        }
    }

    private async Task ConnectAsync()
    {
        // Chromium writes the port it chose into the profile once DevTools listens.
        var portFile = Path.Combine(_profile, "DevToolsActivePort");
        var deadline = Stopwatch.StartNew();
        while (!File.Exists(portFile) || new FileInfo(portFile).Length == 0)
        {
            if (_process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new InvalidOperationException("Chromium did not start DevTools:\n" + string.Join('\n', _output));
            }

            await Task.Delay(50);
        }

        var port = int.Parse((await File.ReadAllLinesAsync(portFile))[0], CultureInfo.InvariantCulture);
        using var http = new HttpClient();
        JsonArray? targets = null;
        for (var attempt = 0; attempt < 50 && targets?.Any(t => (string?)t!["type"] == "page") != true; attempt++)
        {
            targets = await http.GetFromJsonAsync<JsonArray>($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/json/list");
            if (targets?.Any(t => (string?)t!["type"] == "page") != true)
            {
                await Task.Delay(100);
            }
        }

        var page = targets?.FirstOrDefault(t => (string?)t!["type"] == "page")
            ?? throw new InvalidOperationException("Chromium has no page target:\n" + string.Join('\n', _output));
        await _socket.ConnectAsync(new Uri((string)page["webSocketDebuggerUrl"]!), _stop.Token);
        _receive = Task.Run(ReceiveAsync);
        foreach (var domain in new[] { "Runtime", "Log", "Network", "Page" })
        {
            await SendAsync(domain + ".enable", []);
        }
    }

    private async Task<JsonObject> SendAsync(string method, JsonObject parameters)
    {
        var id = Interlocked.Increment(ref _nextId);
        var reply = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, _stop.Token);
        var response = await reply.Task.WaitAsync(TimeSpan.FromSeconds(30));
        if (response["error"] is { } error)
        {
            throw new InvalidOperationException($"DevTools {method} failed: {error.ToJsonString()}");
        }

        return response["result"]?.AsObject() ?? [];
    }

    /// <summary>Waits until more than <paramref name="seen"/> events named <paramref name="method"/> arrived.</summary>
    private async Task WaitForEventAsync(string method, int seen)
    {
        while (_events.Count(e => e.Method == method) <= seen)
        {
            if (_receive is { IsCompleted: true })
            {
                throw new InvalidOperationException("The DevTools connection closed before " + method);
            }

            await Task.Delay(20);
        }
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (!_stop.IsCancellationRequested && _socket.State == WebSocketState.Open)
        {
            WebSocketReceiveResult result;
            try
            {
                result = await _socket.ReceiveAsync(buffer, _stop.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                break;
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                break;
            }

            message.Write(buffer, 0, result.Count);
            if (!result.EndOfMessage)
            {
                continue;
            }

            var json = JsonNode.Parse(message.ToArray())!.AsObject();
            message.SetLength(0);
            if (json["id"] is { } id && _pending.TryRemove((int)id, out var reply))
            {
                reply.TrySetResult(json);
            }
            else if (json["method"] is { } method)
            {
                _events.Enqueue(((string)method!, json["params"]?.AsObject() ?? []));
            }
        }

        foreach (var reply in _pending.Values)
        {
            reply.TrySetException(new InvalidOperationException("The DevTools connection closed:\n" + string.Join('\n', _output)));
        }
    }
}
