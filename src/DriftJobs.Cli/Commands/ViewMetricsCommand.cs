using System.CommandLine;
using System.Globalization;
using System.Text;
using Azure;
using Azure.Storage.Blobs.Models;
using DriftJobs.Core.Reports;
using DriftJobs.Core.Serialization;
using DriftJobs.Storage;

namespace DriftJobs.Cli.Commands;

internal sealed record ViewMetricsRequest(string ModelName, bool Json);

/// <summary><c>driftctl view-metrics</c>: the latest drift report of a model, as a summary and a feature table (or raw JSON).</summary>
internal static class ViewMetricsCommand
{
    public static Command Create(CliRuntime runtime)
    {
        var storage = new StorageTarget();
        var model = new Option<string>("--model-name")
        {
            Description = "Model whose latest report to show [default: $MODEL_NAME]",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MODEL_NAME") ?? "",
            HelpName = "name",
        };
        var json = new Option<bool>("--json") { Description = "Print the report's JSON as stored" };
        var command = new Command("view-metrics", "Show the latest drift report of a model: verdict, drift score, per-feature PSI, KS and severity")
        {
            model, json,
        };
        storage.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => HandleAsync(
            storage.Read(parseResult), new ViewMetricsRequest(parseResult.GetRequiredValue(model), parseResult.GetValue(json)), runtime, cancellationToken));
        return command;
    }

    public static Task<int> HandleAsync(StorageOptions storage, ViewMetricsRequest request, CliRuntime runtime, CancellationToken cancellationToken = default) =>
        DriftCtl.RunAsync(runtime, async () =>
        {
            var model = ValidModel(request.ModelName);
            var container = StorageTarget.Connect(storage);
            var name = StorageLayout.LatestReportBlobName(model);
            var content = await StorageTarget.CallAsync(container, async () =>
            {
                try
                {
                    return (await container.GetBlobClient(name).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content;
                }
                catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode == BlobErrorCode.BlobNotFound)
                {
                    throw new CliException(ExitCodes.NoReport, $"no drift report yet for model '{model}' ({container.Name}/{name}): has the detector run?", e);
                }
            }).ConfigureAwait(false);

            if (request.Json)
            {
                await runtime.Output.WriteAsync(content.ToString()).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            DriftReport report;
            try
            {
                report = DriftJson.ReadReport(content.ToMemory().Span, $"{container.Name}/{name}");
            }
            catch (InvalidDataException e)
            {
                throw new CliException(ExitCodes.Failure, e.Message, e);
            }

            await runtime.Output.WriteAsync(ReportSummary.Format(report)).ConfigureAwait(false);
            await runtime.Output.WriteAsync(FeatureTable(report)).ConfigureAwait(false);
            return ExitCodes.Success;
        });

    internal static string ValidModel(string model)
    {
        try
        {
            return ModelIdentity.Validate(model, "--model-name");
        }
        catch (StorageConfigurationException e)
        {
            throw new CliException(ExitCodes.Usage, e.Message, e);
        }
    }

    /// <summary>One line per feature, drifted first, then by PSI: what an engineer scans to decide on retraining.</summary>
    internal static string FeatureTable(DriftReport report)
    {
        var rows = report.Features.Append(report.Prediction).OfType<FeatureDrift>()
            .OrderByDescending(f => f.Drifted).ThenByDescending(f => f.Psi ?? -1).ToList();
        var width = Math.Max(7, rows.Select(f => f.Name.Length).DefaultIfEmpty(0).Max());
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"{"FEATURE".PadRight(width)}  {"KIND",-11}  {"PSI",8}  {"KS D/L∞",8}  {"P ADJ",9}  {"MISSING",7}  {"SEVERITY",-11}  DRIFTED");
        foreach (var f in rows)
        {
            var effect = f.Ks?.Statistic ?? f.ChiSquare?.Linf;
            var p = f.Ks?.PValueAdjusted ?? f.ChiSquare?.PValueAdjusted;
            s.AppendLine(CultureInfo.InvariantCulture,
                $"{f.Name.PadRight(width)}  {(f.Kind == Core.Profiles.FeatureKind.Numeric ? "numeric" : "categorical"),-11}  {Number(f.Psi, "0.0000"),8}  {Number(effect, "0.0000"),8}  {Number(p, "0.00E+00"),9}  {DriftAnalyzer.Percent(f.MissingRate),7}  {(f.Judged ? f.Severity.ToString().ToLowerInvariant() : "not judged"),-11}  {(f.Drifted ? "YES (" + string.Join(", ", f.Reasons) + ")" : "no")}");
        }

        return s.ToString();
    }

    private static string Number(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";
}
