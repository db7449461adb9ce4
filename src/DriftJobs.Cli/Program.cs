using DriftJobs.Cli;

return await DriftCtl.InvokeAsync(args, CliRuntime.FromConsole()).ConfigureAwait(false);
