using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace DriftJobs.Cli.Cluster;

/// <summary>
/// The few Kubernetes API calls driftctl makes, in one namespace. Each call turns the API's failures into a
/// <see cref="CliException"/> naming what was asked (verb, resource, name), so every command reports them alike.
/// </summary>
internal sealed class ClusterClient : IDisposable
{
    /// <summary>The field manager recorded on the objects driftctl creates.</summary>
    public const string FieldManager = "driftctl";

    private readonly IKubernetes client;

    public ClusterClient(IKubernetes client, string ns, string host)
    {
        this.client = client;
        Namespace = ns;
        Host = host;
    }

    public string Namespace { get; }

    /// <summary>The API server's address, for messages.</summary>
    public string Host { get; }

    public Task<V1CronJob> ReadCronJobAsync(string name, CancellationToken cancellationToken = default) =>
        CallAsync(
            new ApiRequest("get", "cronjobs", "batch", "CronJob", name),
            () => client.BatchV1.ReadNamespacedCronJobAsync(name, Namespace, cancellationToken: cancellationToken),
            cancellationToken);

    public Task<V1Job> ReadJobAsync(string name, CancellationToken cancellationToken = default) =>
        CallAsync(
            new ApiRequest("get", "jobs", "batch", "Job", name),
            () => client.BatchV1.ReadNamespacedJobAsync(name, Namespace, cancellationToken: cancellationToken),
            cancellationToken);

    public Task<V1Job> CreateJobAsync(V1Job job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        return CallAsync(
            new ApiRequest("create", "jobs", "batch", "Job", job.Metadata.Name),
            () => client.BatchV1.CreateNamespacedJobAsync(
                job, Namespace, fieldManager: FieldManager, cancellationToken: cancellationToken),
            cancellationToken);
    }

    public async Task<IReadOnlyList<V1Job>> ListJobsAsync(CancellationToken cancellationToken = default)
    {
        var list = await CallAsync(
            new ApiRequest("list", "jobs", "batch", "Job", null),
            () => client.BatchV1.ListNamespacedJobAsync(Namespace, cancellationToken: cancellationToken),
            cancellationToken).ConfigureAwait(false);
        return list.Items?.ToList() ?? [];
    }

    public async Task<IReadOnlyList<V1Pod>> ListPodsAsync(string labelSelector, CancellationToken cancellationToken = default)
    {
        var list = await CallAsync(
            new ApiRequest("list", "pods", string.Empty, "Pod", null),
            () => client.CoreV1.ListNamespacedPodAsync(
                Namespace, labelSelector: labelSelector, cancellationToken: cancellationToken),
            cancellationToken).ConfigureAwait(false);
        return list.Items?.ToList() ?? [];
    }

    /// <summary>
    /// Opens a pod's log. A container that has not started yet (400) or a pod that has gone (404) is
    /// <see cref="PodLog.Unavailable"/>, not an error: a followed Job's pod is often still being created.
    /// </summary>
    public async Task<PodLog> ReadPodLogAsync(
        string pod, string container, bool follow, int? tailLines = null, CancellationToken cancellationToken = default)
    {
        try
        {
            var stream = await CallAsync(
                new ApiRequest("get", "pods/log", string.Empty, "Pod", pod),
                () => client.CoreV1.ReadNamespacedPodLogAsync(
                    pod, Namespace, container: container, follow: follow, tailLines: tailLines,
                    cancellationToken: cancellationToken),
                cancellationToken).ConfigureAwait(false);
            return new PodLog(stream, null);
        }
        catch (CliException e) when (e.InnerException is HttpOperationException { Response.StatusCode: HttpStatusCode.BadRequest or HttpStatusCode.NotFound } http)
        {
            // 400: the container has not started yet; 404: the pod went away (TTL, retry cleanup) since it was listed.
            return new PodLog(null, StatusMessage(http) ?? "no log yet");
        }
    }

    public void Dispose() => client.Dispose();

    private async Task<T> CallAsync<T>(ApiRequest request, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (HttpOperationException e)
        {
            throw Translate(request, e);
        }
        catch (HttpRequestException e)
        {
            throw new CliException(
                ExitCodes.ClusterUnreachable, $"cannot reach the Kubernetes API server at {Host}: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException(
                ExitCodes.ClusterUnreachable, $"the Kubernetes API server at {Host} did not answer in time", e);
        }
    }

    private CliException Translate(ApiRequest request, HttpOperationException e)
    {
        var server = StatusMessage(e);
        var said = server is null ? string.Empty : $" (API server: {server})";
        var what = request.Name is null ? request.Kind + "s" : $"{request.Kind} {request.Name}";
        return e.Response.StatusCode switch
        {
            HttpStatusCode.NotFound => new CliException(
                ExitCodes.NotFound, $"{what} not found in namespace {Namespace}", e),
            HttpStatusCode.Forbidden => new CliException(
                ExitCodes.Forbidden,
                $"forbidden: RBAC does not let your Kubernetes user {request.Verb} {request.QualifiedResource} in "
                + $"namespace {Namespace}; ask for a Role granting \"{request.Verb}\" on \"{request.Resource}\""
                + (request.Group.Length == 0 ? " (core API group)" : $" in API group \"{request.Group}\"")
                + $" (the chart's operator Role, rbac.operator.create=true, grants what driftctl needs){said}",
                e),
            HttpStatusCode.Unauthorized => new CliException(
                ExitCodes.NoClusterConfig,
                $"the API server at {Host} rejected the kubeconfig's credentials (401 Unauthorized){said}",
                e),
            HttpStatusCode.Conflict => new CliException(
                ExitCodes.Failure, $"{what} already exists in namespace {Namespace}{said}", e),
            _ => new CliException(
                ExitCodes.Failure,
                $"{request.Verb} {request.QualifiedResource} {request.Name} in namespace {Namespace} failed: "
                + $"{(int)e.Response.StatusCode} {e.Response.ReasonPhrase}{said}".Replace("  ", " ", StringComparison.Ordinal),
                e),
        };
    }

    /// <summary>The message of the v1 Status object an API server sends with an error, if there is one.</summary>
    private static string? StatusMessage(HttpOperationException e)
    {
        var content = e.Response?.Content;
        if (string.IsNullOrWhiteSpace(content))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(content);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("message", out var message)
                && message.ValueKind == JsonValueKind.String
                    ? message.GetString()
                    : null;
        }
        catch (JsonException)
        {
            return content.Trim();
        }
    }

    private sealed record ApiRequest(string Verb, string Resource, string Group, string Kind, string? Name)
    {
        public string QualifiedResource => Group.Length == 0 ? Resource : $"{Resource}.{Group}";
    }
}

/// <summary>A pod's log stream, or why there is none yet.</summary>
internal sealed record PodLog(Stream? Stream, string? Unavailable);
