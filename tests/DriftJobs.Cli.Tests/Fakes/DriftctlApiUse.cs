namespace DriftJobs.Cli.Tests.Fakes;

/// <summary>Every (API group, resource, verb) driftctl's cluster commands ask of the API server, found by running them.</summary>
internal static class DriftctlApiUse
{
    public static async Task<HashSet<(string Group, string Resource, string Verb)>> AllRequestsAsync()
    {
        await using var cli = await CliHarness.StartAsync();
        var cronJob = KubeObjects.DetectorCronJob();
        cli.Api.AddCronJob(cronJob);
        cli.Api.OnJobCreated = job =>
        {
            var pod = KubeObjects.PodOf(job, job.Metadata.Name + "-p", "Succeeded", cli.Api.Now, exitCode: 0);
            cli.Api.AddPod(pod);
            cli.Api.SetPodLog(CliHarness.Namespace, pod.Metadata.Name, "done\n");
            cli.Api.UpdateJob(CliHarness.Namespace, job.Metadata.Name, j => KubeObjects.Succeed(j, cli.Api.Now, cli.Api.Now));
        };

        Assert.Equal(ExitCodes.Success, await cli.RunAsync(realTime: true, "trigger-job", "--wait"));
        Assert.Equal(ExitCodes.Success, await cli.RunAsync("status"));
        Assert.Equal(ExitCodes.Success, await cli.RunAsync("logs"));
        Assert.Equal(ExitCodes.Success, await cli.RunAsync(realTime: true, "logs", "--follow"));

        return cli.Api.Requests.Select(r =>
        {
            var s = r.Path.Trim('/').Split('/');
            var (group, rest) = s[0] == "api" ? (string.Empty, s[3..]) : (s[1], s[4..]);
            var resource = rest.Length == 4 ? $"{rest[1]}/{rest[3]}" : rest[1];
            var verb = (r.Method, rest.Length) switch { ("POST", _) => "create", ("GET", 2) => "list", _ => "get" };
            return (group, resource, verb);
        }).ToHashSet();
    }
}
