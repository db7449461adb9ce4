using System.CommandLine;
using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using DriftJobs.Storage;

namespace DriftJobs.Cli.Commands;

internal sealed record ViewReportRequest(string ModelName, string? ModelVersion, DateTimeOffset? WindowEnd, string? OutputPath, bool Index = false);

/// <summary>
/// <c>driftctl view-report</c>: saves a model's HTML drift report (latest.html, or one window's) to a local file,
/// so it can be opened in a browser without access to the storage account's web endpoint; with <c>--index</c>, the
/// container's index page and the pages it links (<see cref="IndexDownload"/>).
/// </summary>
internal static class ViewReportCommand
{
    public static Command Create(CliRuntime runtime)
    {
        var storage = new StorageTarget();
        var model = new Option<string?>("--model-name") { Description = "Model whose report to save [default: $MODEL_NAME]", HelpName = "name" };
        var version = new Option<string?>("--model-version") { Description = "With --window-end: the version whose window report to save", HelpName = "version" };
        var windowEnd = new Option<DateTimeOffset?>("--window-end")
        {
            Description = "Save this window's report (on the hour, UTC) instead of the latest; needs --model-version",
            HelpName = "iso-8601",
        };
        var output = new Option<string?>("--output", "-o")
        {
            Description = "File to write [default: <model>-latest.html or <model>-<version>-<window end>.html in the current folder]; with --index, the folder [default: ./drift-reports]",
            HelpName = "path",
        };
        var index = new Option<bool>("--index") { Description = "Save drift-reports/index.html, every model version on one page, with the reports it links, into a folder" };

        var command = new Command("view-report", "Save a model's latest HTML drift report (or one window's) to a local file to open in a browser")
        {
            model, version, windowEnd, output, index,
        };
        storage.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => HandleAsync(
            storage.Read(parseResult),
            new ViewReportRequest(
                parseResult.GetValue(model) ?? Environment.GetEnvironmentVariable("MODEL_NAME") ?? "",
                parseResult.GetValue(version),
                parseResult.GetValue(windowEnd),
                parseResult.GetValue(output),
                parseResult.GetValue(index)),
            runtime,
            cancellationToken));
        return command;
    }

    public static Task<int> HandleAsync(StorageOptions storage, ViewReportRequest request, CliRuntime runtime, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Index)
        {
            return IndexDownload.HandleAsync(storage, request, runtime, cancellationToken);
        }

        return DriftCtl.RunAsync(runtime, async () =>
        {
            var (blobName, defaultFile) = Resolve(request);
            var container = StorageTarget.Connect(storage);
            var blob = container.GetBlobClient(blobName);
            var content = await StorageTarget.CallAsync(container, () => DownloadAsync(blob, cancellationToken)).ConfigureAwait(false)
                ?? throw new CliException(ExitCodes.NoReport,
                    $"no HTML report at {container.Name}/{blobName}: the detector has not written one for {request.ModelName} yet" +
                    (request.WindowEnd is null ? "" : " for that window"));

            var path = Path.GetFullPath(request.OutputPath ?? defaultFile);
            await WriteFileAsync(path, content, cancellationToken).ConfigureAwait(false);
            await runtime.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Saved {container.Name}/{blobName} ({content.Length / 1024.0:0.#} KB) to {path}")).ConfigureAwait(false);
            return ExitCodes.Success;
        });
    }

    private static (string BlobName, string DefaultFile) Resolve(ViewReportRequest request)
    {
        try
        {
            ModelIdentity.Validate(request.ModelName, "--model-name");
            if (request.WindowEnd is not { } end)
            {
                if (request.ModelVersion is not null)
                {
                    throw new CliException(ExitCodes.Usage, "--model-version only selects a window's report: give --window-end too (without both, the latest report is saved)");
                }

                return (StorageLayout.LatestHtmlReportBlobName(request.ModelName), $"{request.ModelName}-latest.html");
            }

            if (request.ModelVersion is null)
            {
                throw new CliException(ExitCodes.Usage, "--window-end needs --model-version: window reports are kept per model version");
            }

            ModelIdentity.Validate(request.ModelVersion, "--model-version");
            var page = StorageLayout.HtmlReportBlobName(request.ModelName, request.ModelVersion, end);
            return (page, $"{request.ModelName}-{request.ModelVersion}-{Path.GetFileName(page)}");
        }
        catch (StorageConfigurationException e)
        {
            throw new CliException(ExitCodes.Usage, e.Message, e);
        }
        catch (ArgumentException e) when (request.WindowEnd is not null)
        {
            throw new CliException(ExitCodes.Usage, "--window-end must be on an hour boundary (UTC)", e);
        }
    }

    internal static async Task<byte[]?> DownloadAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            var content = await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return content.Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode == BlobErrorCode.BlobNotFound)
        {
            return null;
        }
    }

    /// <summary>Writes beside the target and moves it into place, so an interrupted save never leaves half a page.</summary>
    internal static async Task WriteFileAsync(string path, byte[] content, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(directory))
        {
            throw new CliException(ExitCodes.Usage, $"--output: folder {directory} does not exist");
        }

        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}.tmp");
        try
        {
            await File.WriteAllBytesAsync(temporary, content, cancellationToken).ConfigureAwait(false);
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temporary);
            throw new CliException(ExitCodes.Failure, $"cannot write {path}: {e.Message}", e);
        }
    }
}
