using System.CommandLine;
using DriftJobs.Cli.Commands;

namespace DriftJobs.Cli;

/// <summary>The driftctl command tree. A new command is one file under Commands/ and one line here.</summary>
internal static class DriftCtl
{
    public static RootCommand CreateRootCommand(CliRuntime runtime)
    {
        var root = new RootCommand(
            "driftctl: operate DriftJobs: run the detector now, see its state, logs and reports, list baselines, simulate data.");
        root.Add(TriggerJobCommand.Create(runtime));
        root.Add(BackfillCommand.Create(runtime));
        root.Add(StatusCommand.Create(runtime));
        root.Add(LogsCommand.Create(runtime));
        root.Add(SimulateCommand.Create(runtime));
        root.Add(ViewMetricsCommand.Create(runtime));
        root.Add(ViewReportCommand.Create(runtime));
        root.Add(HistoryCommand.Create(runtime));
        root.Add(ListBlobsCommand.CreateBaselines(runtime));
        root.Add(ListBlobsCommand.CreateReports(runtime));
        return root;
    }

    /// <summary>Parses and runs one command line; a parse error exits with <see cref="ExitCodes.Usage"/>.</summary>
    public static async Task<int> InvokeAsync(
        IReadOnlyList<string> args, CliRuntime runtime, CancellationToken cancellationToken = default)
    {
        var parseResult = CreateRootCommand(runtime).Parse(args);
        var invocation = new InvocationConfiguration { Output = runtime.Output, Error = runtime.Error };
        var exitCode = await parseResult.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
        return parseResult.Errors.Count > 0 ? ExitCodes.Usage : exitCode;
    }

    /// <summary>
    /// Runs a command body: an operator-facing error becomes "error: ..." on stderr and its exit code, so every
    /// command reports failures the same way.
    /// </summary>
    public static async Task<int> RunAsync(CliRuntime runtime, Func<Task<int>> body)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (CliException e)
        {
            await runtime.Error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
            return e.ExitCode;
        }
    }
}
