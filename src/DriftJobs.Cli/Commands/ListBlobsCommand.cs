using System.CommandLine;
using System.Globalization;
using Azure.Storage.Blobs.Models;
using DriftJobs.Storage;

namespace DriftJobs.Cli.Commands;

/// <summary><c>driftctl list-baselines</c> and <c>driftctl list-reports</c>: the blobs under one root, with size and time.</summary>
internal static class ListBlobsCommand
{
    public static Command CreateBaselines(CliRuntime runtime) =>
        Create(runtime, "list-baselines", "List the baselines (baselines/{model}/{version}/baseline.json) with size and time", StorageLayout.BaselinesRoot);

    public static Command CreateReports(CliRuntime runtime) =>
        Create(runtime, "list-reports", "List the drift reports (drift-reports/{model}/...) with size and time", StorageLayout.ReportsRoot);

    private static Command Create(CliRuntime runtime, string name, string description, string root)
    {
        var storage = new StorageTarget();
        var model = new Option<string?>("--model-name") { Description = "Only this model", HelpName = "name" };
        var command = new Command(name, description) { model };
        storage.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => HandleAsync(storage.Read(parseResult), root, parseResult.GetValue(model), runtime, cancellationToken));
        return command;
    }

    public static Task<int> HandleAsync(StorageOptions storage, string root, string? model, CliRuntime runtime, CancellationToken cancellationToken = default) =>
        DriftCtl.RunAsync(runtime, async () =>
        {
            var prefix = root + "/" + (model is null ? "" : ViewMetricsCommand.ValidModel(model) + "/");
            var container = StorageTarget.Connect(storage);
            var blobs = await StorageTarget.CallAsync(container, async () =>
            {
                var list = new List<BlobItem>();
                await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken).ConfigureAwait(false))
                {
                    list.Add(blob);
                }

                return list;
            }).ConfigureAwait(false);

            if (blobs.Count == 0)
            {
                await runtime.Output.WriteLineAsync($"Nothing under {container.Name}/{prefix}").ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var width = blobs.Max(b => b.Name.Length);
            await runtime.Output.WriteLineAsync($"{"NAME".PadRight(width)}  {"SIZE",10}  LAST MODIFIED (UTC)").ConfigureAwait(false);
            foreach (var blob in blobs.OrderBy(b => b.Name, StringComparer.Ordinal))
            {
                var size = (blob.Properties.ContentLength ?? 0).ToString("N0", CultureInfo.InvariantCulture);
                var time = blob.Properties.LastModified?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-";
                await runtime.Output.WriteLineAsync($"{blob.Name.PadRight(width)}  {size,10}  {time}").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
}
