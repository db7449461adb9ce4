using System.Diagnostics;
using DriftJobs.Testing;

namespace DriftJobs.Cli.Tests;

/// <summary>helm and kubectl for the tests: $HELM / $KUBECTL, else tools/k8s/bin (tools/k8s/install.sh fills it).</summary>
internal static class K8sTools
{
    public static string Helm => Find("HELM", "helm");

    public static string Kubectl => Find("KUBECTL", "kubectl");

    public static string Root => RepositoryRoot.Find();

    private static string Find(string variable, string name)
    {
        var configured = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        var installed = Path.Combine(Root, "tools", "k8s", "bin", name);
        return File.Exists(installed)
            ? installed
            : throw new InvalidOperationException(
                $"{name} not found: run tools/k8s/install.sh (make k8s-tools), or set {variable} to its path");
    }
}

internal sealed record ProcessResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

internal static class ProcessRunner
{
    public static async Task<ProcessResult> RunAsync(
        string file, IEnumerable<string> arguments, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? K8sTools.Root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + file);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();

        // A guard against a hung tool, not a timing assertion.
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} did not finish");
        }

        return new ProcessResult(process.ExitCode, await output, await error);
    }
}
