using System.Globalization;
using Azure.Storage.Blobs;
using DriftJobs.Core.Reports.History;
using DriftJobs.Core.Reports.Index;
using DriftJobs.Storage;

namespace DriftJobs.Cli.Commands;

/// <summary>
/// <c>driftctl view-report --index</c>: drift-reports/index.html and what its links need offline (each model's
/// latest.html, each version's newest window page and its JSON), saved into a folder in the container's layout under
/// drift-reports/, so the page's relative links work from the disk as they do served as a static website.
/// </summary>
internal static class IndexDownload
{
    public const string DefaultFolder = "drift-reports";

    public static Task<int> HandleAsync(StorageOptions storage, ViewReportRequest request, CliRuntime runtime, CancellationToken cancellationToken = default) =>
        DriftCtl.RunAsync(runtime, async () =>
        {
            if (request.WindowEnd is not null || request.ModelVersion is not null)
            {
                throw new CliException(ExitCodes.Usage, "--index saves every model's page: leave out --window-end and --model-version");
            }

            var folder = Path.GetFullPath(request.OutputPath ?? DefaultFolder);
            if (!Directory.Exists(Path.GetDirectoryName(folder)))
            {
                throw new CliException(ExitCodes.Usage, $"--output: folder {Path.GetDirectoryName(folder)} does not exist");
            }

            var container = StorageTarget.Connect(storage);
            var page = await StorageTarget.CallAsync(container, () => Download(container, StorageLayout.IndexHtmlBlobName, cancellationToken)).ConfigureAwait(false)
                ?? throw new CliException(ExitCodes.NoReport, $"no index page at {container.Name}/{StorageLayout.IndexHtmlBlobName}: the detector writes it after each run");
            var json = await StorageTarget.CallAsync(container, () => Download(container, StorageLayout.IndexJsonBlobName, cancellationToken)).ConfigureAwait(false);
            ReportIndex? index = null;
            try
            {
                index = json is null ? null : DriftHistoryJson.ReadIndex(json, $"{container.Name}/{StorageLayout.IndexJsonBlobName}");
            }
            catch (InvalidDataException e)
            {
                throw new CliException(ExitCodes.Failure, e.Message, e);
            }

            Directory.CreateDirectory(folder);
            var saved = 0;
            var missing = new List<string>();
            foreach (var name in Linked(index))
            {
                var content = await StorageTarget.CallAsync(container, () => Download(container, name, cancellationToken)).ConfigureAwait(false);
                if (content is null)
                {
                    missing.Add(name);
                    continue;
                }

                await SaveAsync(folder, name, content, cancellationToken).ConfigureAwait(false);
                saved++;
            }

            // The page last, so a folder with index.html in it holds what it links.
            var path = await SaveAsync(folder, StorageLayout.IndexHtmlBlobName, page, cancellationToken).ConfigureAwait(false);
            await runtime.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Saved {container.Name}/{StorageLayout.IndexHtmlBlobName} ({index?.Models.Count ?? 0} model versions) and {saved} linked files to {path}")).ConfigureAwait(false);
            if (missing.Count > 0)
            {
                await runtime.Error.WriteLineAsync($"warning: {missing.Count} linked files are not in the container (deleted?): {string.Join(", ", missing)}").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });

    /// <summary>The blobs the index page links, and the JSON those pages link in turn.</summary>
    private static IEnumerable<string> Linked(ReportIndex? index) =>
        (index?.Models ?? []).SelectMany(row => new[]
        {
            StorageLayout.LatestHtmlReportBlobName(row.ModelName),
            StorageLayout.HtmlReportBlobName(row.ModelName, row.ModelVersion, row.Window.End),
            StorageLayout.ReportBlobName(row.ModelName, row.ModelVersion, row.Window.End),
        }).Distinct(StringComparer.Ordinal);

    private static Task<byte[]?> Download(BlobContainerClient container, string name, CancellationToken cancellationToken) =>
        ViewReportCommand.DownloadAsync(container.GetBlobClient(name), cancellationToken);

    private static async Task<string> SaveAsync(string folder, string blobName, byte[] content, CancellationToken cancellationToken)
    {
        // Names come from StorageLayout (validated model and version segments), so they stay inside the folder.
        var path = Path.Combine(folder, StorageLayout.IndexRelativePath(blobName).Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await ViewReportCommand.WriteFileAsync(path, content, cancellationToken).ConfigureAwait(false);
        return path;
    }
}
