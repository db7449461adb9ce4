using System.CommandLine;
using System.Globalization;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using DriftJobs.Core.Reports;
using DriftJobs.Core.Reports.History;
using DriftJobs.Core.Serialization;
using DriftJobs.Storage;
using DriftJobs.Storage.Blobs;

namespace DriftJobs.Cli.Commands;

internal sealed record HistoryRequest(string ModelName, string? ModelVersion, int Hours);

/// <summary>
/// <c>driftctl history</c>: a model version's last hours from its history (drift-reports/{model}/history/{version}/):
/// per feature a sparkline of PSI, the last PSI and the hours it drifted, and the drift score's line, the terminal's
/// view of latest.html's heatmap. The hours end at the newest window recorded, so an idle model still shows its last week.
/// </summary>
internal static class HistoryCommand
{
    /// <summary>Marks per sparkline at most; longer spans show the largest value of several hours per mark.</summary>
    public const int MaxMarks = 72;

    private const string Marks = "▁▂▃▄▅▆▇█";

    /// <summary>A span longer than the history is kept would only show empty marks.</summary>
    public const int MaxHours = DriftHistory.RetentionDays * 24;

    public static Command Create(CliRuntime runtime)
    {
        var storage = new StorageTarget();
        var model = new Option<string?>("--model-name", "--model") { Description = "Model whose history to show [default: $MODEL_NAME]", HelpName = "name" };
        var version = new Option<string?>("--model-version", "--version") { Description = "Its version [default: the version of its latest report]", HelpName = "version" };
        var hours = new Option<int>("--hours")
        {
            Description = $"Hours to show, up to the newest window recorded (1-{MaxHours})",
            DefaultValueFactory = _ => DriftHistory.DefaultHours,
            HelpName = "n",
        };
        var command = new Command("history", "Show a model's drift over the last hours: per feature a PSI sparkline, the last PSI and the hours it drifted, and the drift score")
        {
            model, version, hours,
        };
        storage.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => HandleAsync(
            storage.Read(parseResult),
            new HistoryRequest(parseResult.GetValue(model) ?? Environment.GetEnvironmentVariable("MODEL_NAME") ?? "", parseResult.GetValue(version), parseResult.GetValue(hours)),
            runtime,
            cancellationToken));
        return command;
    }

    public static Task<int> HandleAsync(StorageOptions storage, HistoryRequest request, CliRuntime runtime, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return DriftCtl.RunAsync(runtime, async () =>
        {
            var model = ViewMetricsCommand.ValidModel(request.ModelName);
            if (request.Hours is < 1 or > MaxHours)
            {
                throw new CliException(ExitCodes.Usage, $"--hours must be 1 to {MaxHours} (the history keeps {DriftHistory.RetentionDays} days)");
            }

            var container = StorageTarget.Connect(storage);
            var series = await StorageTarget.CallAsync(container, async () =>
            {
                try
                {
                    var version = request.ModelVersion is { } v ? ValidVersion(v) : await LatestVersionAsync(container, model, cancellationToken).ConfigureAwait(false);
                    var days = await HistoryBlobs.ListDaysAsync(container, model, version, cancellationToken).ConfigureAwait(false);
                    var newest = days.Count == 0 ? null : await HistoryBlobs.ReadDayAsync(container, model, version, days[^1], cancellationToken).ConfigureAwait(false);
                    if (newest is not { Entries.Count: > 0 })
                    {
                        throw new CliException(ExitCodes.NoReport,
                            $"no history for {model} {version} ({container.Name}/{StorageLayout.HistoryPrefix(model, version)}): the detector records one from its first run with this version of DriftJobs");
                    }

                    return await HistoryBlobs.ReadSeriesAsync(container, model, version, newest.Entries[^1].WindowEnd, request.Hours, newest, cancellationToken).ConfigureAwait(false);
                }
                catch (InvalidDataException e)
                {
                    throw new CliException(ExitCodes.Failure, e.Message, e);
                }
            }).ConfigureAwait(false);

            await runtime.Output.WriteAsync(Format(series)).ConfigureAwait(false);
            return ExitCodes.Success;
        });
    }

    /// <summary>The table: a header line, the drift score's line, then one line per feature, drifted ones first.</summary>
    internal static string Format(DriftHistorySeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var hours = series.Hours.Count;
        var per = (hours + MaxMarks - 1) / MaxMarks;
        var psiValues = series.Cells.SelectMany(row => row).Select(c => c?.Psi).OfType<double>().Where(double.IsFinite);
        var top = Math.Max(psiValues.DefaultIfEmpty(0).Max(), new DriftThresholds().PsiThreshold);
        var rows = Enumerable.Range(0, series.Features.Count)
            .Select(f => (Name: series.Features[f], Cells: series.Cells[f], Drifted: series.Cells[f].Count(c => c is { Drifted: true }), Last: series.Cells[f].LastOrDefault(c => c?.Psi is not null)?.Psi))
            .OrderByDescending(r => r.Drifted).ThenByDescending(r => r.Last ?? -1).ToList();
        var width = Math.Max("DRIFT SCORE".Length, rows.Select(r => r.Name.Length).DefaultIfEmpty(0).Max());
        var marks = (hours + per - 1) / per;
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture,
            $"{series.ModelName} {series.ModelVersion}: {hours} hours to {series.Hours[^1]:yyyy-MM-dd HH:mm}Z, {series.Windows} windows recorded. " +
            $"Each mark: {(per == 1 ? "one hour" : $"{per} hours, the largest value")}; PSI scale 0-{top.ToString("0.###", CultureInfo.InvariantCulture)}, '·' no window.");
        var scores = series.DriftScores;
        var lastScore = Enumerable.Range(0, hours).LastOrDefault(h => series.Recorded[h], -1) is var lh and >= 0 ? scores[lh] : null;
        s.AppendLine(CultureInfo.InvariantCulture,
            $"{"DRIFT SCORE".PadRight(width)}  {Sparkline(scores, series.Recorded, per, 1)}  last {Percent(lastScore)}, max {Percent(scores.OfType<double>().DefaultIfEmpty().Max())}");
        s.AppendLine(CultureInfo.InvariantCulture, $"{"FEATURE".PadRight(width)}  {"PSI".PadRight(marks)}  {"LAST PSI",8}  DRIFTED HOURS");
        foreach (var row in rows)
        {
            s.AppendLine(CultureInfo.InvariantCulture,
                $"{row.Name.PadRight(width)}  {Sparkline([.. row.Cells.Select(c => c?.Psi)], series.Recorded, per, top)}  {row.Last?.ToString("0.0000", CultureInfo.InvariantCulture) ?? "-",8}  {row.Drifted}");
        }

        return s.ToString();
    }

    /// <summary>One mark per <paramref name="per"/> hours: the largest value among them on ▁ to █ over [0, <paramref name="top"/>]; '·' where no window was recorded, ' ' where one was but had no value.</summary>
    internal static string Sparkline(IReadOnlyList<double?> values, IReadOnlyList<bool> recorded, int per, double top)
    {
        var s = new StringBuilder(values.Count / per + 1);
        for (var start = 0; start < values.Count; start += per)
        {
            var end = Math.Min(start + per, values.Count);
            double? max = null;
            var any = false;
            for (var i = start; i < end; i++)
            {
                any |= recorded[i];
                if (values[i] is { } v && double.IsFinite(v))
                {
                    max = Math.Max(max ?? v, v);
                }
            }

            s.Append(max is { } m ? Marks[Math.Clamp((int)Math.Round(m / top * (Marks.Length - 1)), 0, Marks.Length - 1)] : any ? ' ' : '·');
        }

        return s.ToString();
    }

    private static string Percent(double? share) => share is { } v ? DriftAnalyzer.Percent(v) : "-";

    private static string ValidVersion(string version)
    {
        try
        {
            return ModelIdentity.Validate(version, "--model-version");
        }
        catch (StorageConfigurationException e)
        {
            throw new CliException(ExitCodes.Usage, e.Message, e);
        }
    }

    /// <summary>The version of the model's latest report, when no version was asked for.</summary>
    private static async Task<string> LatestVersionAsync(BlobContainerClient container, string model, CancellationToken cancellationToken)
    {
        var name = StorageLayout.LatestReportBlobName(model);
        try
        {
            var content = (await container.GetBlobClient(name).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content;
            return DriftJson.ReadReport(content.ToMemory().Span, $"{container.Name}/{name}").ModelVersion;
        }
        catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode == BlobErrorCode.BlobNotFound)
        {
            throw new CliException(ExitCodes.NoReport, $"no drift report yet for model '{model}' ({container.Name}/{name}): give --model-version, or has the detector run?", e);
        }
    }
}
