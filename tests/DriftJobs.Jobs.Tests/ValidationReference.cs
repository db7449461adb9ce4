using System.Globalization;
using System.Text.Json;
using DriftJobs.Testing;
using Parquet;
using Parquet.Schema;

namespace DriftJobs.Jobs.Tests;

/// <summary>
/// Reference/Validation/: validation files and scikit-learn's metrics for them, written by
/// tools/reference/make_validation_reference.py. The tests read the CSV files as they are, or converted to Parquet here.
/// </summary>
internal static class ValidationReference
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static string Folder(string name) => Path.Combine(RepositoryRoot.Find(), "tests", "DriftJobs.Jobs.Tests", "Reference", "Validation", name);

    public static T Expected<T>(string name) =>
        JsonSerializer.Deserialize<T>(File.ReadAllText(Folder(name) + ".json"), Options) ?? throw new InvalidDataException(name);

    /// <summary>
    /// Writes each CSV of the case as Parquet in <paramref name="into"/>: a column of integers written without a
    /// decimal point becomes int64, other numbers float64, anything else string; empty fields are nulls. So "1.0" and
    /// "1" arrive as a double and as a long, as different exporters would write the same labels.
    /// </summary>
    public static async Task<string> ToParquetAsync(string name, string into)
    {
        Directory.CreateDirectory(into);
        foreach (var csv in Directory.GetFiles(Folder(name), "*.csv"))
        {
            var lines = File.ReadAllLines(csv);
            var header = lines[0].Split(',');
            var rows = lines.Skip(1).Select(l => l.Split(',')).ToArray();
            var fields = new List<(DataField Field, Array Values)>();
            for (var c = 0; c < header.Length; c++)
            {
                var values = rows.Select(r => r[c].Length == 0 ? null : r[c]).ToArray();
                var present = values.Where(v => v is not null).ToArray();
                if (present.All(v => long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)))
                {
                    fields.Add((new DataField<long?>(header[c]), values.Select(v => v is null ? (long?)null : long.Parse(v, CultureInfo.InvariantCulture)).ToArray()));
                }
                else if (present.All(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
                {
                    fields.Add((new DataField<double?>(header[c]), values.Select(v => v is null ? (double?)null : double.Parse(v, CultureInfo.InvariantCulture)).ToArray()));
                }
                else
                {
                    fields.Add((new DataField<string>(header[c], nullable: true), values));
                }
            }

            await using var stream = File.Create(Path.Combine(into, Path.GetFileNameWithoutExtension(csv) + ".parquet"));
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields.Select(f => f.Field).ToArray()), stream);
            using var group = writer.CreateRowGroup();
            foreach (var (field, values) in fields)
            {
                switch (values)
                {
                    case long?[] longs:
                        await group.WriteAsync<long>((DataField<long?>)field, longs, null, null, default);
                        break;
                    case double?[] doubles:
                        await group.WriteAsync<double>((DataField<double?>)field, doubles, null, null, default);
                        break;
                    default:
                        await group.WriteAsync((DataField<string>)field, new ArraySegment<string>((string[])values), null);
                        break;
                }
            }
        }

        return into;
    }
}

internal sealed record ClassificationExpected(
    long Rows, long Unlabelled, long Count, long ScoredCount, string[] Classes, string? PositiveClass, double Accuracy, long Errors,
    double Precision, double Recall, double F1, double MacroPrecision, double MacroRecall, double MacroF1, long[][] ConfusionMatrix,
    double? RocAuc, double? LogLoss, CalibrationExpected? Calibration);

/// <summary>sklearn's calibration_curve(strategy='uniform', n_bins=10) over the scored rows, its bins, and numpy's ECE.</summary>
internal sealed record CalibrationExpected(double Ece, long Count, CalibrationBinExpected[] Bins);

internal sealed record CalibrationBinExpected(double Lower, double Upper, long Count, double MeanScore, double PositiveRate);

internal sealed record RegressionExpected(
    long Rows, long Unlabelled, long Count, double Mae, double Rmse, double MeanError, double R2, double AbsoluteErrorVariance, double SquaredErrorVariance);
