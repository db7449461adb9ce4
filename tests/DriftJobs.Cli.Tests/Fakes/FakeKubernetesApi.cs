using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DriftJobs.Cli.Tests.Fakes;

/// <summary>One request the fake API server received, as sent.</summary>
internal sealed record RecordedRequest(string Method, string Path, string Query, string Body, string? Authorization, string? ContentType)
{
    public string PathAndQuery => Path + Query;

    /// <summary>One query parameter, decoded; null when absent.</summary>
    public string? Parameter(string name) => System.Web.HttpUtility.ParseQueryString(Query)[name];
}

/// <summary>
/// A Kubernetes API server in this process, on a loopback port, holding CronJobs, Jobs and pods for the few
/// endpoints driftctl (and kubectl create job) use. It answers like the real one does: the same paths, v1 Status
/// bodies on errors, a uid, selector and pod-template labels on a created Job. Every request is recorded.
/// </summary>
internal sealed class FakeKubernetesApi : IAsyncDisposable
{
    public const string Token = "fake-token";
    public const string ForbiddenUser = "alice@example.com";

    private readonly object gate = new();
    private readonly List<RecordedRequest> requests = [];
    private readonly Dictionary<string, V1CronJob> cronJobs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, V1Job> jobs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, V1Pod> pods = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<HttpResponse, CancellationToken, Task>> podLogs = new(StringComparer.Ordinal);
    private readonly List<(string Method, string Path)> forbidden = [];
    private readonly WebApplication app;

    private FakeKubernetesApi(WebApplication app)
    {
        this.app = app;
    }

    public string Server { get; private set; } = string.Empty;

    /// <summary>Called (outside the lock) with each Job the server has just created.</summary>
    public Action<V1Job>? OnJobCreated { get; set; }

    public DateTime Now { get; set; } = new(2026, 3, 14, 9, 26, 53, DateTimeKind.Utc);

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (gate)
            {
                return requests.ToList();
            }
        }
    }

    public static async Task<FakeKubernetesApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeKubernetesApi(app);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        fake.Server = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.Single();
        return fake;
    }

    /// <summary>Writes a kubeconfig whose current context points at this server with a bearer token.</summary>
    public string WriteKubeconfig(string directory, string ns = "drift")
    {
        var path = Path.Combine(directory, "kubeconfig");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {Server}
            users:
            - name: tester
              user:
                token: {Token}
            contexts:
            - name: fake
              context:
                cluster: fake
                user: tester
                namespace: {ns}
            current-context: fake
            """);
        return path;
    }

    public void AddCronJob(V1CronJob cronJob) => Store(cronJobs, cronJob.Metadata, cronJob);

    public void AddJob(V1Job job) => Store(jobs, job.Metadata, job);

    public void AddPod(V1Pod pod) => Store(pods, pod.Metadata, pod);

    public void SetPodLog(string ns, string pod, string text) =>
        SetPodLog(ns, pod, (response, ct) => response.WriteAsync(text, ct));

    public void SetPodLog(string ns, string pod, Func<HttpResponse, CancellationToken, Task> write)
    {
        lock (gate)
        {
            podLogs[Key(ns, pod)] = write;
        }
    }

    /// <summary>Changes a stored Job under the lock (status progress as a controller would make it).</summary>
    public void UpdateJob(string ns, string name, Action<V1Job> change) => Update(jobs, ns, name, change);

    public void UpdatePod(string ns, string name, Action<V1Pod> change) => Update(pods, ns, name, change);

    public V1Job? Job(string ns, string name)
    {
        lock (gate)
        {
            return jobs.GetValueOrDefault(Key(ns, name));
        }
    }

    /// <summary>Answers 403 to this method on this path, as RBAC would.</summary>
    public void Forbid(string method, string path)
    {
        lock (gate)
        {
            forbidden.Add((method, path));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private static string Key(string ns, string name) => ns + "/" + name;

    private void Store<T>(Dictionary<string, T> store, V1ObjectMeta metadata, T item)
    {
        metadata.Uid ??= Guid.NewGuid().ToString();
        metadata.CreationTimestamp ??= Now;
        lock (gate)
        {
            store[Key(metadata.NamespaceProperty, metadata.Name)] = item;
        }
    }

    private void Update<T>(Dictionary<string, T> store, string ns, string name, Action<T> change)
    {
        lock (gate)
        {
            change(store[Key(ns, name)]);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        string body;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }

        var recorded = new RecordedRequest(
            request.Method, request.Path.Value ?? "/", request.QueryString.Value ?? string.Empty, body,
            request.Headers.Authorization.FirstOrDefault(), request.ContentType);
        bool isForbidden;
        lock (gate)
        {
            requests.Add(recorded);
            isForbidden = forbidden.Contains((recorded.Method, recorded.Path));
        }

        if (recorded.Method == "POST" && recorded.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
        {
            await WriteStatusAsync(context.Response, 415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json", null);
            return;
        }

        if (Discovery(recorded.Path) is { } discovery)
        {
            // kubectl (not driftctl) asks what the server serves before it creates anything.
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(discovery.ToJsonString());
            return;
        }

        var segments = recorded.Path.Trim('/').Split('/');
        var route = Route(segments);
        if (route is null)
        {
            await WriteStatusAsync(context.Response, 404, "NotFound", "the server could not find the requested resource", null);
            return;
        }

        var (group, ns, resource, name, sub) = route.Value;
        if (isForbidden)
        {
            var verb = (recorded.Method, name) switch { ("POST", _) => "create", ("GET", null) => "list", _ => "get" };
            var qualified = group.Length == 0 ? resource : $"{resource}.{group}";
            var what = name is null ? qualified : $"{qualified} \"{name}\"";
            var groupText = group.Length == 0 ? "API group \"\"" : $"API group \"{group}\"";
            var subText = sub is null ? string.Empty : "/" + sub;
            await WriteStatusAsync(
                context.Response, 403, "Forbidden",
                $"{what} is forbidden: User \"{ForbiddenUser}\" cannot {verb} resource \"{resource}{subText}\" in {groupText} in the namespace \"{ns}\"",
                new V1StatusDetails { Name = name, Group = group, Kind = resource });
            return;
        }

        switch (recorded.Method, resource, name, sub)
        {
            case ("GET", "cronjobs", { } cronJob, null):
                await WriteObjectOrNotFoundAsync(context.Response, cronJobs, ns, cronJob, "cronjobs.batch");
                break;
            case ("GET", "jobs", { } job, null):
                await WriteObjectOrNotFoundAsync(context.Response, jobs, ns, job, "jobs.batch");
                break;
            case ("GET", "jobs", null, null):
                await WriteJsonAsync(context.Response, 200, new V1JobList { ApiVersion = "batch/v1", Kind = "JobList", Items = InNamespace(jobs, ns) });
                break;
            case ("POST", "jobs", null, null):
                await CreateJobAsync(context.Response, ns, body);
                break;
            case ("GET", "pods", null, null):
                var selector = request.Query["labelSelector"].FirstOrDefault() ?? string.Empty;
                var matching = InNamespace(pods, ns).Where(p => Matches(p.Metadata.Labels, selector)).ToList();
                await WriteJsonAsync(context.Response, 200, new V1PodList { ApiVersion = "v1", Kind = "PodList", Items = matching });
                break;
            case ("GET", "pods", { } pod, "log"):
                await WritePodLogAsync(context, ns, pod);
                break;
            default:
                await WriteStatusAsync(context.Response, 404, "NotFound", "the server could not find the requested resource", null);
                break;
        }
    }

    /// <summary>The legacy (unaggregated) discovery documents, for the resources this fake serves.</summary>
    private static JsonNode? Discovery(string path)
    {
        static JsonObject Resource(string name, string kind, params string[] verbs) => new()
        {
            ["name"] = name,
            ["singularName"] = string.Empty,
            ["namespaced"] = true,
            ["kind"] = kind,
            ["verbs"] = new JsonArray(verbs.Select(v => (JsonNode)v).ToArray()),
        };

        return path.TrimEnd('/') switch
        {
            "/api" => JsonNode.Parse("""{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[]}"""),
            "/apis" => JsonNode.Parse("""
                {"kind":"APIGroupList","apiVersion":"v1","groups":[{"name":"batch",
                 "versions":[{"groupVersion":"batch/v1","version":"v1"}],"preferredVersion":{"groupVersion":"batch/v1","version":"v1"}}]}
                """),
            "/api/v1" => new JsonObject
            {
                ["kind"] = "APIResourceList",
                ["groupVersion"] = "v1",
                ["resources"] = new JsonArray(Resource("pods", "Pod", "get", "list"), Resource("pods/log", "Pod", "get")),
            },
            "/apis/batch/v1" => new JsonObject
            {
                ["kind"] = "APIResourceList",
                ["groupVersion"] = "batch/v1",
                ["resources"] = new JsonArray(Resource("cronjobs", "CronJob", "get", "list"), Resource("jobs", "Job", "create", "get", "list")),
            },
            _ => null,
        };
    }

    /// <summary>(group, namespace, resource, name, subresource) of a namespaced API path.</summary>
    private static (string Group, string Namespace, string Resource, string? Name, string? Sub)? Route(string[] s) => s switch
    {
        ["api", "v1", "namespaces", var ns, var resource] => (string.Empty, ns, resource, null, null),
        ["api", "v1", "namespaces", var ns, var resource, var name] => (string.Empty, ns, resource, name, null),
        ["api", "v1", "namespaces", var ns, var resource, var name, var sub] => (string.Empty, ns, resource, name, sub),
        ["apis", var group, "v1", "namespaces", var ns, var resource] => (group, ns, resource, null, null),
        ["apis", var group, "v1", "namespaces", var ns, var resource, var name] => (group, ns, resource, name, null),
        _ => null,
    };

    private List<T> InNamespace<T>(Dictionary<string, T> store, string ns)
    {
        lock (gate)
        {
            return store.Where(kv => kv.Key.StartsWith(ns + "/", StringComparison.Ordinal)).Select(kv => kv.Value).ToList();
        }
    }

    private static bool Matches(IDictionary<string, string>? labels, string selector) =>
        selector.Split(',', StringSplitOptions.RemoveEmptyEntries).All(term =>
        {
            var (key, value) = (term.Split('=')[0], term.Split('=')[^1]);
            return labels is not null && labels.TryGetValue(key, out var actual) && actual == value;
        });

    private async Task CreateJobAsync(HttpResponse response, string ns, string body)
    {
        var job = KubernetesJson.Deserialize<V1Job>(body);
        var name = job.Metadata.Name;
        lock (gate)
        {
            if (jobs.ContainsKey(Key(ns, name)))
            {
                job = null;
            }
            else
            {
                // What the API server adds to a new Job: identity, and the controller-uid selector on its pods.
                job.Metadata.NamespaceProperty = ns;
                job.Metadata.Uid = Guid.NewGuid().ToString();
                job.Metadata.CreationTimestamp = Now;
                var podLabels = new Dictionary<string, string>
                {
                    ["batch.kubernetes.io/controller-uid"] = job.Metadata.Uid,
                    ["batch.kubernetes.io/job-name"] = name,
                    ["controller-uid"] = job.Metadata.Uid,
                    ["job-name"] = name,
                };
                job.Spec.Selector = new V1LabelSelector
                {
                    MatchLabels = new Dictionary<string, string> { ["batch.kubernetes.io/controller-uid"] = job.Metadata.Uid },
                };
                job.Spec.Template.Metadata ??= new V1ObjectMeta();
                job.Spec.Template.Metadata.Labels ??= new Dictionary<string, string>();
                foreach (var (k, v) in podLabels)
                {
                    job.Spec.Template.Metadata.Labels[k] = v;
                }

                job.Status = new V1JobStatus();
                jobs[Key(ns, name)] = job;
            }
        }

        if (job is null)
        {
            await WriteStatusAsync(response, 409, "AlreadyExists", $"jobs.batch \"{name}\" already exists", null);
            return;
        }

        OnJobCreated?.Invoke(job);
        await WriteJsonAsync(response, 201, job);
    }

    private async Task WritePodLogAsync(HttpContext context, string ns, string pod)
    {
        Func<HttpResponse, CancellationToken, Task>? write;
        V1Pod? stored;
        lock (gate)
        {
            write = podLogs.GetValueOrDefault(Key(ns, pod));
            stored = pods.GetValueOrDefault(Key(ns, pod));
        }

        if (stored is null)
        {
            await WriteStatusAsync(context.Response, 404, "NotFound", $"pods \"{pod}\" not found", null);
            return;
        }

        if (write is null || stored.Status?.Phase == "Pending")
        {
            var container = context.Request.Query["container"].FirstOrDefault() ?? "?";
            await WriteStatusAsync(
                context.Response, 400, "BadRequest",
                $"container \"{container}\" in pod \"{pod}\" is waiting to start: ContainerCreating", null);
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/plain";
        await context.Response.StartAsync(context.RequestAborted);
        await write(context.Response, context.RequestAborted);
    }

    private async Task WriteObjectOrNotFoundAsync<T>(HttpResponse response, Dictionary<string, T> store, string ns, string name, string resource)
    {
        T? item;
        lock (gate)
        {
            item = store.GetValueOrDefault(Key(ns, name));
        }

        if (item is null)
        {
            await WriteStatusAsync(response, 404, "NotFound", $"{resource} \"{name}\" not found", null);
            return;
        }

        await WriteJsonAsync(response, 200, item);
    }

    /// <summary>A v1 Status body, as the API server sends with every error (the client cannot serialize V1Status).</summary>
    private static async Task WriteStatusAsync(HttpResponse response, int code, string reason, string message, V1StatusDetails? details)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["code"] = code,
        };
        if (details is not null)
        {
            status["details"] = JsonNode.Parse(KubernetesJson.Serialize(details));
        }

        response.StatusCode = code;
        response.ContentType = "application/json";
        await response.WriteAsync(status.ToJsonString());
    }

    private async Task WriteJsonAsync(HttpResponse response, int code, object value)
    {
        string json;
        lock (gate)
        {
            // Tests change stored objects under the same lock while a request may be serializing them.
            json = KubernetesJson.Serialize(value);
        }

        response.StatusCode = code;
        response.ContentType = "application/json";
        await response.WriteAsync(json);
    }

    /// <summary>Parses a recorded JSON body.</summary>
    public static JsonDocument Json(RecordedRequest request) => JsonDocument.Parse(request.Body);
}
