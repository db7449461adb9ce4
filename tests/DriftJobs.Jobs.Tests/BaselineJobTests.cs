using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using DriftJobs.Core.Performance;
using DriftJobs.Core.Profiles;
using DriftJobs.Core.Serialization;
using DriftJobs.Storage;
using DriftJobs.Storage.Parquet;
using DriftJobs.Testing;
using Parquet;
using Parquet.Schema;

namespace DriftJobs.Jobs.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class BaselineJobTests(AzuriteFixture azurite) : IDisposable
{
    private static readonly DateTimeOffset Created = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly string _folder = Directory.CreateTempSubdirectory("baseline-test-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Csv(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text, Encoding.UTF8);
        return path;
    }

    private static string TrainingCsv(int rows)
    {
        var text = new StringBuilder("age,income,city,label\n");
        var random = new Random(1);
        for (var i = 0; i < rows; i++)
        {
            text.Append(20 + random.Next(50)).Append(',').Append(1000 + (random.NextDouble() * 5000)).Append(',')
                .Append(i % 3 == 0 ? "\"Paris, FR\"" : "Berlin").Append(',').Append(i % 4 == 0 ? "yes" : "no").Append('\n');
        }

        return text.ToString();
    }

    [Fact]
    public async Task Profiles_a_local_csv_into_a_create_only_baseline()
    {
        var container = await azurite.CreateContainerAsync();
        var csv = Csv("train.csv", TrainingCsv(500));

        var run = await Jobs.BaselineAsync(azurite.ConnectionString, container, "--training-data", csv, "--model-name", "churn", "--model-version", "3", "--target-column", "label");

        Assert.Equal(0, run.ExitCode);
        var blob = await container.GetBlobClient("baselines/churn/3/baseline.json").DownloadContentAsync();
        var baseline = DriftJson.ReadBaseline(blob.Value.Content.ToMemory(), "baseline.json");
        Assert.DoesNotContain("\"performance\"", blob.Value.Content.ToString(), StringComparison.Ordinal);
        Assert.Null(baseline.Performance);
        Assert.Equal(500, baseline.Source.Rows);
        Assert.Equal(["age", "income", "city", "label"], baseline.Features.Select(f => f.Name));
        Assert.Equal(FeatureKind.Numeric, baseline.Features[0].Kind);
        Assert.Equal(FeatureKind.Categorical, baseline.Features[2].Kind);
        Assert.Contains(baseline.Features[2].Categorical!.Categories, c => c.Value == "Paris, FR");
        Assert.Equal(FeatureRole.Target, baseline.Features[3].Role);
        Assert.Contains("Baseline churn v3: 500 rows, 3 features, target label", run.Output, StringComparison.Ordinal);

        var again = await Jobs.BaselineAsync(azurite.ConnectionString, container, "--training-data", Csv("other.csv", TrainingCsv(50)), "--model-name", "churn", "--model-version", "3");
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already exists", again.Output, StringComparison.Ordinal);
        Assert.Contains("--force", again.Output, StringComparison.Ordinal);
        var unchanged = await container.GetBlobClient("baselines/churn/3/baseline.json").DownloadContentAsync();
        Assert.Equal(blob.Value.Content.ToArray(), unchanged.Value.Content.ToArray());

        var forced = await Jobs.BaselineAsync(azurite.ConnectionString, container, "--training-data", Csv("other.csv", TrainingCsv(50)), "--model-name", "churn", "--model-version", "3", "--force");
        Assert.Equal(0, forced.ExitCode);
        var replaced = await container.GetBlobClient("baselines/churn/3/baseline.json").DownloadContentAsync();
        Assert.Equal(50, DriftJson.ReadBaseline(replaced.Value.Content.ToMemory(), "b").Source.Rows);
    }

    [Fact]
    public async Task Reads_training_data_from_a_blob_prefix_and_honours_exclude_and_categorical_columns()
    {
        var container = await azurite.CreateContainerAsync();
        await container.GetBlobClient("training/churn/part-0.csv").UploadAsync(BinaryData.FromString(TrainingCsv(300)));
        await container.GetBlobClient("training/churn/part-1.csv").UploadAsync(BinaryData.FromString(TrainingCsv(200)));

        var run = await Jobs.BaselineAsync(azurite.ConnectionString, container, "--training-data", "training/churn", "--model-name", "churn", "--model-version", "1",
            "--exclude-columns", "income", "--categorical-columns", "age");

        Assert.Equal(0, run.ExitCode);
        var blob = await container.GetBlobClient("baselines/churn/1/baseline.json").DownloadContentAsync();
        var baseline = DriftJson.ReadBaseline(blob.Value.Content.ToMemory(), "b");
        Assert.Equal(500, baseline.Source.Rows);
        Assert.Equal(["age", "city", "label"], baseline.Features.Select(f => f.Name));
        Assert.Equal(FeatureKind.Categorical, baseline.Features[0].Kind);
    }

    private static List<JsonObject> Events(string output) =>
        output.Split('\n').Where(l => l.StartsWith('{')).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();

    private static List<JsonObject> Warnings(string output) => Events(output).Where(e => (string?)e["@l"] == "Warning").ToList();

    private static async Task<BaselineProfile> ReadBaselineAsync(BlobContainerClient container, string model, string version)
    {
        var blob = await container.GetBlobClient($"baselines/{model}/{version}/baseline.json").DownloadContentAsync();
        return DriftJson.ReadBaseline(blob.Value.Content.ToMemory(), "baseline.json");
    }

    [Fact]
    public async Task A_csv_column_of_numbers_with_a_few_texts_stays_categorical_and_is_warned_about_naming_them()
    {
        var container = await azurite.CreateContainerAsync();
        var text = new StringBuilder("amount,city,zip\n");
        for (var i = 0; i < 1000; i++)
        {
            // Data row i is on line i + 2; "amount" has texts on lines 102, 402 and 702, "zip" (listed as categorical) on 502.
            var amount = i switch { 100 or 700 => "n.a.", 400 => "?", _ => (i * 1.5).ToString(System.Globalization.CultureInfo.InvariantCulture) };
            text.Append(amount).Append(",c").Append(i % 5).Append(',').Append(i == 500 ? "none given" : (10000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        }

        var run = await Jobs.BaselineAsync(azurite.ConnectionString, container, "--training-data", Csv("mixed.csv", text.ToString()), "--model-name", "m", "--model-version", "1",
            "--categorical-columns", "zip");

        Assert.True(run.ExitCode == 0, run.Output);
        var baseline = await ReadBaselineAsync(container, "m", "1");
        Assert.Equal([FeatureKind.Categorical, FeatureKind.Categorical, FeatureKind.Categorical], baseline.Features.Select(f => f.Kind));
        var warning = Assert.Single(Warnings(run.Output));
        Assert.Equal("amount", (string?)warning["Column"]);
        Assert.Equal("99.7 %", (string?)warning["NumberShare"]);
        Assert.Equal(3, (long?)warning["NonNumbers"]);
        var file = Path.Combine(_folder, "mixed.csv");
        Assert.Equal($"'n.a.' ({file}:102), '?' ({file}:402)", (string?)warning["NonNumberValues"]);
        Assert.Contains("CATEGORICAL_COLUMNS", (string)warning["@m"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pandas_written_csv_with_nan_and_inf_is_profiled_numeric_and_logs_of_the_same_data_do_not_drift()
    {
        // The issue's false alarm: numpy/pandas/DuckDB write nan, inf and -inf, which made "amount" categorical with
        // a category per number, and every window then "drifted" (all of its values categories never seen).
        var container = await azurite.CreateContainerAsync();
        var random = new Random(11);
        var amounts = LogFiles.Normal(random, 3000, mean: 100, std: 15);
        var text = new StringBuilder("amount,channel\n");
        var (missing, invalid) = (0, 0);
        for (var i = 0; i < amounts.Length; i++)
        {
            var spelled = (i % 40, i % 97, i % 101) switch
            {
                (0, _, _) => "nan",
                (_, 0, _) => "inf",
                (_, _, 0) => "-inf",
                _ => amounts[i]!.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            };
            missing += spelled == "nan" ? 1 : 0;
            invalid += spelled.EndsWith("inf", StringComparison.Ordinal) ? 1 : 0;
            text.Append(spelled).Append(',').Append(i % 3 == 0 ? "web" : "app").Append('\n');
        }

        var baselineRun = await Jobs.BaselineAsync(azurite.ConnectionString, container, "--training-data", Csv("pandas.csv", text.ToString()), "--model-name", "m", "--model-version", "1");

        Assert.True(baselineRun.ExitCode == 0, baselineRun.Output);
        Assert.Empty(Warnings(baselineRun.Output));
        var amount = (await ReadBaselineAsync(container, "m", "1")).Features[0];
        Assert.Equal(("amount", FeatureKind.Numeric), (amount.Name, amount.Kind));
        Assert.Equal((3000L, (long)missing, (long)invalid), (amount.Rows, amount.Missing, amount.Invalid));
        Assert.InRange(amount.Numeric!.Mean!.Value, 98, 102);

        var end = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
        var rows = 1500;
        await LogFiles.UploadAsync(container, LogFiles.HourPath(end.AddHours(-1), "a.parquet"), await LogFiles.WriteAsync("m", "1",
            new Dictionary<string, double?[]> { ["amount"] = LogFiles.Normal(new Random(12), rows, mean: 100, std: 15) },
            new Dictionary<string, string?[]> { ["channel"] = Enumerable.Range(0, rows).Select(i => i % 3 == 0 ? "web" : "app").ToArray() }));
        var detectorRun = await Jobs.DetectorAsync(azurite.ConnectionString, container, "--model-name", "m", "--model-version", "1", "--drift-window-end", end.ToString("o"));

        Assert.True(detectorRun.ExitCode == 0, detectorRun.Output);
        var report = await Jobs.LatestReportAsync(container, "m");
        var window = report.Features.Single(f => f.Name == "amount");
        Assert.Equal(FeatureKind.Numeric, window.Kind);
        Assert.True(window.Judged);
        Assert.False(report.DriftDetected);
        Assert.Empty(report.Alerts);
    }

    [Fact]
    public async Task A_column_without_a_single_training_value_is_kept_and_warned_about_saying_its_kind()
    {
        var container = await azurite.CreateContainerAsync();
        const string csv = "x,amount,note\n1,,\n2,NA,\n3,nan,\n4,inf,\n";

        var run = await Jobs.BaselineAsync(azurite.ConnectionString, container, "--training-data", Csv("empty.csv", csv), "--model-name", "m", "--model-version", "1",
            "--categorical-columns", "note");

        Assert.True(run.ExitCode == 0, run.Output);
        var baseline = await ReadBaselineAsync(container, "m", "1");
        Assert.Equal(["x", "amount", "note"], baseline.Features.Select(f => f.Name));
        Assert.Equal((FeatureKind.Numeric, 3L, 1L), (baseline.Features[1].Kind, baseline.Features[1].Missing, baseline.Features[1].Invalid));
        Assert.Null(baseline.Features[1].Numeric!.Min);
        Assert.Equal((FeatureKind.Categorical, 4L), (baseline.Features[2].Kind, baseline.Features[2].Missing));
        var warnings = Warnings(run.Output);
        Assert.Equal(["amount", "note"], warnings.Select(w => (string?)w["Column"]));
        Assert.StartsWith("Column \"amount\" is numeric but has no valid value in the training data (3 of its 4 values missing, 1 infinite)", (string?)warnings[0]["@m"], StringComparison.Ordinal);
        Assert.StartsWith("Column \"note\" is categorical but all 4 of its training values are missing", (string?)warnings[1]["@m"], StringComparison.Ordinal);
    }

    /// <summary>Three files of several row groups: nulls, ±∞, an int, a bool and a string column; the middle file lacks "count".</summary>
    private async Task<string> TrainingParquetAsync()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_folder, "parquet")).FullName;
        var random = new Random(5);
        for (var file = 0; file < 3; file++)
        {
            var score = new DataField<double?>("score");
            var count = new DataField<int>("count");
            var city = new DataField<string>("city", nullable: true);
            var flag = new DataField<bool>("flag");
            var price = new DataField<double?>("price");
            var fields = file == 1 ? new DataField[] { score, city, flag, price } : [score, count, city, flag, price];
            await using var stream = File.Create(Path.Combine(folder, $"part-{file}.parquet"));
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream);
            for (var g = 0; g < 3; g++)
            {
                var rows = 2_000 + random.Next(4_000);
                using var group = writer.CreateRowGroup();
                var scores = Enumerable.Range(0, rows).Select(i => random.Next(50) switch
                {
                    0 => (double?)null,
                    1 => double.PositiveInfinity,
                    2 => double.NegativeInfinity,
                    _ => random.NextDouble() * 100,
                }).ToArray();
                await group.WriteAsync<double>(score, scores, null, null, default);
                if (file != 1)
                {
                    await group.WriteAsync<int>(count, Enumerable.Range(0, rows).Select(_ => random.Next(20)).ToArray(), null, null, default);
                }

                await group.WriteAsync(city, new ArraySegment<string>(Enumerable.Range(0, rows).Select(_ => random.Next(10) == 0 ? null! : $"city-{random.Next(30)}").ToArray()), null);
                await group.WriteAsync<bool>(flag, Enumerable.Range(0, rows).Select(_ => random.Next(3) == 0).ToArray(), null, null, default);
                await group.WriteAsync<double>(price, Enumerable.Range(0, rows).Select(_ => (double?)Math.Round(random.NextDouble() * 50, 1)).ToArray(), null, null, default);
            }
        }

        return folder;
    }

    /// <summary>The baseline as the job built it before it read in parallel: one reader, file after file.</summary>
    private static async Task<BaselineProfile> SequentialBaselineAsync(string folder, BaselineBuildOptions options)
    {
        var files = Directory.GetFiles(folder, "*.parquet").Order(StringComparer.Ordinal).ToList();
        var columns = new List<RequestedColumn>();
        foreach (var file in files)
        {
            await using var stream = File.OpenRead(file);
            foreach (var probed in await ParquetFeatureReader.ProbeAsync(stream, file))
            {
                if (!columns.Any(c => c.Name == probed.Name))
                {
                    columns.Add(new RequestedColumn(probed.Name, probed.Kind));
                }
            }
        }

        var builder = new BaselineBuilder(options);
        var sink = new Baseline.BaselineBuilderSink(builder);
        foreach (var file in files)
        {
            await using var stream = File.OpenRead(file);
            var result = await new ParquetFeatureReader(columns).ReadAsync(stream, file, sink);
            builder.AddRows(result.RowsRead);
            foreach (var absent in result.AbsentColumns)
            {
                builder.AddMissing(absent, columns.First(c => c.Name == absent).Kind == ColumnKind.Numeric ? FeatureKind.Numeric : FeatureKind.Categorical, result.RowsRead);
            }
        }

        return builder.Build("m", "1", "s", Created);
    }

    [Theory]
    [InlineData(1_000_000)]
    [InlineData(10_000)]
    public async Task Reading_parquet_with_parallel_readers_gives_the_baseline_of_one_reader_exactly(int sampleSize)
    {
        // 1,000,000: every value kept (exact path); 10,000: below the ~36,000 rows, so the sample is drawn.
        var container = await azurite.CreateContainerAsync();
        var folder = await TrainingParquetAsync();
        foreach (var file in Directory.GetFiles(folder))
        {
            await container.GetBlobClient($"training/{Path.GetFileName(file)}").UploadAsync(file);
        }

        var expected = Comparable(await SequentialBaselineAsync(folder, new BaselineBuildOptions { SampleSize = sampleSize }));
        foreach (var (data, readers) in new[] { (folder, "1"), (folder, "2"), (folder, "3"), (folder, "0"), ("training", "2") })
        {
            var version = $"v{readers}{(data == folder ? "local" : "blob")}";
            var run = await Jobs.BaselineAsync(azurite.ConnectionString, container, "--training-data", data, "--model-name", "m", "--model-version", version,
                "--drift-read-concurrency", readers, "--drift-baseline-sample-size", sampleSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(run.ExitCode == 0, run.Output);
            var blob = await container.GetBlobClient($"baselines/m/{version}/baseline.json").DownloadContentAsync();
            var baseline = DriftJson.ReadBaseline(blob.Value.Content.ToMemory(), "b");
            Assert.Equal(expected, Comparable(baseline));
        }

        static string Comparable(BaselineProfile baseline) =>
            Encoding.UTF8.GetString(DriftJson.Serialize(baseline with { ModelVersion = "1", CreatedAt = Created, Source = baseline.Source with { Description = "s" } }));
    }

    [Fact]
    public async Task Features_keep_input_column_order_when_the_first_file_has_no_rows()
    {
        var container = await azurite.CreateContainerAsync();
        var folder = Directory.CreateDirectory(Path.Combine(_folder, "empty-first")).FullName;
        var a = new DataField<double?>("a");
        var b = new DataField<string>("b", nullable: true);
        var c = new DataField<double?>("c");
        await using (var stream = File.Create(Path.Combine(folder, "part-0.parquet")))
        {
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(a, b), stream);
        }

        await using (var stream = File.Create(Path.Combine(folder, "part-1.parquet")))
        {
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(a, b, c), stream);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<double>(a, new double?[] { 1, 2 }, null, null, default);
            await group.WriteAsync(b, new ArraySegment<string>(["x", "y"]), null);
            await group.WriteAsync<double>(c, new double?[] { 3, null }, null, null, default);
        }

        var run = await Jobs.BaselineAsync(azurite.ConnectionString, container, "--training-data", folder, "--model-name", "m", "--model-version", "1");

        Assert.True(run.ExitCode == 0, run.Output);
        var blob = await container.GetBlobClient("baselines/m/1/baseline.json").DownloadContentAsync();
        var baseline = DriftJson.ReadBaseline(blob.Value.Content.ToMemory(), "b");
        Assert.Equal(["a", "b", "c"], baseline.Features.Select(f => f.Name));
        Assert.Equal([2L, 2L, 2L], baseline.Features.Select(f => f.Rows));
        Assert.Equal(1, baseline.Features[2].Missing);
    }

    [Fact]
    public async Task A_corrupt_parquet_file_read_in_parallel_fails_naming_it()
    {
        var container = await azurite.CreateContainerAsync();
        var folder = await TrainingParquetAsync();
        var bytes = await File.ReadAllBytesAsync(Path.Combine(folder, "part-1.parquet"));
        // Keep the footer (the probe passes) and overwrite the column data.
        Array.Fill(bytes, (byte)0x55, 4, bytes.Length / 2);
        await File.WriteAllBytesAsync(Path.Combine(folder, "part-1.parquet"), bytes);

        var run = await Jobs.BaselineAsync(azurite.ConnectionString, container, "--training-data", folder, "--model-name", "m", "--model-version", "1", "--drift-read-concurrency", "3");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("part-1.parquet", run.Output, StringComparison.Ordinal);
        Assert.Empty(await Jobs.BlobNamesAsync(container));
    }

    /// <summary>
    /// Runs the job with a case's validation files as VALIDATION_DATA (as CSV from a local folder, or as Parquet from a
    /// blob prefix) and the same files, less the model's columns, as training data.
    /// </summary>
    private async Task<ReferencePerformance> PerformanceOfAsync(string name, string target, bool parquet, params string[] more)
    {
        var container = await azurite.CreateContainerAsync();
        var validation = ValidationReference.Folder(name);
        if (parquet)
        {
            foreach (var file in Directory.GetFiles(await ValidationReference.ToParquetAsync(name, Path.Combine(_folder, name))))
            {
                await container.GetBlobClient($"validation/{name}/{Path.GetFileName(file)}").UploadAsync(file);
            }

            validation = $"validation/{name}";
        }

        var run = await Jobs.BaselineAsync(azurite.ConnectionString, container, ["--training-data", ValidationReference.Folder(name), "--model-name", "m", "--model-version", "1",
            "--target-column", target, "--exclude-columns", "prediction" + (name == "binary" ? ",prediction_score" : ""), "--validation-data", validation, .. more]);
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("performance of", run.Output, StringComparison.Ordinal);
        var performance = (await ReadBaselineAsync(container, "m", "1")).Performance!;
        var files = Directory.GetFiles(ValidationReference.Folder(name)).Length;
        Assert.Equal(parquet ? $"blob validation/{name} ({files} Parquet file{(files == 1 ? "" : "s")})" : $"file {validation} ({files} CSV file{(files == 1 ? "" : "s")})", performance.Source);
        return performance;
    }

    private static void Close(double? expected, double? actual, string metric)
    {
        Assert.True(expected is not null && actual is not null, $"{metric}: expected {expected}, got {actual}");
        Assert.True(Math.Abs(expected.Value - actual.Value) <= 1e-12 * Math.Max(1, Math.Abs(expected.Value)), $"{metric}: sklearn {expected}, job {actual}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Binary_validation_data_with_scores_gives_sklearns_metrics_with_float_and_integer_labels_alike(bool parquet)
    {
        var expected = ValidationReference.Expected<ClassificationExpected>("binary");

        var p = await PerformanceOfAsync("binary", "label", parquet);

        Assert.Equal((PerformanceTask.Classification, expected.Rows, expected.Unlabelled, expected.PositiveClass), (p.Task, p.Rows, p.Unlabelled, p.PositiveClass));
        Assert.Null(p.Regression);
        var c = p.Classification!;
        Assert.Equal(expected.Classes, c.Classes);
        Assert.Equal((expected.Count, expected.Errors, expected.ScoredCount, 0.0), (c.Count, c.Errors, c.ScoredCount, c.RocAucMaxError));
        Assert.Equal(expected.ConfusionMatrix, c.ConfusionMatrix.Select(r => r.ToArray()));
        Close(expected.Accuracy, c.Accuracy, "accuracy");
        Close(expected.Precision, c.Precision, "precision");
        Close(expected.Recall, c.Recall, "recall");
        Close(expected.F1, c.F1, "f1");
        Close(expected.MacroF1, c.MacroF1, "macro f1");
        Close(expected.RocAuc, c.RocAuc, "roc auc");
        Close(expected.LogLoss, c.LogLoss, "log loss");

        // Scores on a 0.001 grid: some sit on k/10, where the bin (lower, upper] must be sklearn's to the last double.
        var calibration = p.Calibration!;
        var reference = expected.Calibration!;
        Assert.Equal((reference.Count, c.ScoredCount), (calibration.Count, calibration.Count));
        Assert.Equal(reference.Bins.Select(b => (b.Lower, b.Upper, b.Count)), calibration.Bins.Select(b => (b.Lower, b.Upper, b.Count)));
        for (var k = 0; k < reference.Bins.Length; k++)
        {
            Close(reference.Bins[k].MeanScore, calibration.Bins[k].MeanScore, $"mean score of bin {k}");
            Close(reference.Bins[k].PositiveRate, calibration.Bins[k].PositiveRate, $"positive rate of bin {k}");
        }

        Close(reference.Ece, calibration.Ece, "ece");
    }

    [Fact]
    public async Task Multiclass_text_validation_data_gets_sklearns_macro_metrics_and_no_positive_class()
    {
        var expected = ValidationReference.Expected<ClassificationExpected>("multiclass");

        var p = await PerformanceOfAsync("multiclass", "animal", parquet: false);

        Assert.Equal((PerformanceTask.Classification, expected.Rows, expected.Unlabelled, (string?)null), (p.Task, p.Rows, p.Unlabelled, p.PositiveClass));
        var c = p.Classification!;
        Assert.Equal(expected.Classes, c.Classes);
        Assert.Equal(expected.ConfusionMatrix, c.ConfusionMatrix.Select(r => r.ToArray()));
        Close(expected.Accuracy, c.Accuracy, "accuracy");
        Close(expected.MacroPrecision, c.Precision, "precision (macro)");
        Close(expected.MacroRecall, c.Recall, "recall (macro)");
        Close(expected.MacroF1, c.F1, "f1 (macro)");
        Assert.Null(c.RocAuc);
        Assert.Null(p.Calibration);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Numeric_validation_data_is_a_regression_with_sklearns_metrics(bool parquet)
    {
        var expected = ValidationReference.Expected<RegressionExpected>("regression");

        var p = await PerformanceOfAsync("regression", "price", parquet);

        Assert.Equal((PerformanceTask.Regression, expected.Rows, expected.Unlabelled), (p.Task, p.Rows, p.Unlabelled));
        Assert.Null(p.Classification);
        Assert.Null(p.Calibration);
        var r = p.Regression!;
        Assert.Equal(expected.Count, r.Count);
        Close(expected.Mae, r.Mae, "mae");
        Close(expected.Rmse, r.Rmse, "rmse");
        Close(expected.MeanError, r.MeanError, "mean error");
        Close(expected.R2, r.R2, "r2");
        Close(expected.AbsoluteErrorVariance, r.AbsoluteErrorVariance, "var |error|");
        Close(expected.SquaredErrorVariance, r.SquaredErrorVariance, "var error²");
    }

    [Theory]
    [InlineData("x,label,prediction_score\n1,1,0.5\n", "has no column 'prediction'")]
    [InlineData("x,prediction\n1,1\n", "has no column 'label'")]
    [InlineData("x,label,prediction,prediction_score\n1,1,1,0.5\n2,0,0,1.5\n", "row 2: column 'prediction_score' is 1.5")]
    public async Task Validation_data_without_the_label_or_prediction_or_with_a_bad_score_exits_2_naming_file_and_column(string csv, string expected)
    {
        var container = await azurite.CreateContainerAsync();
        var file = Csv("validation.csv", csv);

        var run = await Jobs.BaselineAsync(azurite.ConnectionString, container, "--training-data", Csv("t.csv", TrainingCsv(20)), "--model-name", "m", "--model-version", "1",
            "--target-column", "label", "--validation-data", file);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(file, run.Output, StringComparison.Ordinal);
        Assert.Contains(expected, run.Output, StringComparison.Ordinal);
        Assert.Empty(await Jobs.BlobNamesAsync(container));
    }

    [Theory]
    [InlineData("../x", "MODEL_NAME")]
    [InlineData("a/b", "MODEL_NAME")]
    [InlineData("", "MODEL_NAME is required")]
    public async Task A_model_name_that_could_escape_its_prefix_is_a_configuration_error(string name, string expected)
    {
        var container = await azurite.CreateContainerAsync();
        var run = await Jobs.BaselineAsync(azurite.ConnectionString, container, "--training-data", Csv("t.csv", TrainingCsv(10)), "--model-name", name, "--model-version", "1");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Output, StringComparison.Ordinal);
        Assert.Empty(await Jobs.BlobNamesAsync(container));
    }

    [Fact]
    public async Task A_container_that_does_not_exist_is_a_configuration_error_naming_the_setting()
    {
        var container = new BlobContainerClient(azurite.ConnectionString, "absent-" + Guid.NewGuid().ToString("N")[..12]);

        var run = await Jobs.BaselineAsync(azurite.ConnectionString, container, "--training-data", Csv("t.csv", TrainingCsv(10)), "--model-name", "m", "--model-version", "1");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("DRIFT_CONTAINER", run.Output, StringComparison.Ordinal);
        Assert.False((await container.ExistsAsync()).Value);
    }

    [Fact]
    public async Task An_unreadable_csv_row_fails_naming_the_file_and_line_and_writes_nothing()
    {
        var container = await azurite.CreateContainerAsync();
        var csv = Csv("broken.csv", "a,b\n1,2\n3,4\n5,6,7\n");
        var run = await Jobs.BaselineAsync(azurite.ConnectionString, container, "--training-data", csv, "--model-name", "m", "--model-version", "1");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("broken.csv", run.Output, StringComparison.Ordinal);
        Assert.Contains("line 4", run.Output, StringComparison.Ordinal);
        Assert.Empty(await Jobs.BlobNamesAsync(container));
    }

    [Theory]
    [InlineData("--target-column", "nope", "TARGET_COLUMN 'nope'")]
    [InlineData("--exclude-columns", "age,typo", "EXCLUDE_COLUMNS names 'typo'")]
    [InlineData("--drift-psi-bins", "1", "DRIFT_PSI_BINS = 1")]
    [InlineData("--drift-psi-bins", "ten", "DRIFT_PSI_BINS")]
    [InlineData("--no-such-option", "x", "Unknown option '--no-such-option'")]
    [InlineData("--model-task", "ranking", "MODEL_TASK = 'ranking' is not one of auto, classification, regression.")]
    [InlineData("--validation-data", "./v.csv", "VALIDATION_DATA needs TARGET_COLUMN")]
    public async Task Bad_settings_exit_2_naming_the_setting(string option, string value, string expected)
    {
        var container = await azurite.CreateContainerAsync();
        var run = await Jobs.BaselineAsync(azurite.ConnectionString, container, "--training-data", Csv("t.csv", TrainingCsv(10)), "--model-name", "m", "--model-version", "1", option, value);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Output, StringComparison.Ordinal);
        Assert.Empty(await Jobs.BlobNamesAsync(container));
    }

    [Fact]
    public async Task Without_connection_settings_the_job_exits_2_naming_both()
    {
        using var output = new StringWriter();
        var code = await Hosting.JobHost.RunAsync(["--training-data", "./x.csv", "--model-name", "m", "--model-version", "1"], Baseline.BaselineJob.Definition, b => Baseline.BaselineHostingExtensions.AddBaselineJob(b), output);
        Assert.Equal(2, code);
        Assert.Contains("AZURE_STORAGE_CONNECTION_STRING", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("AZURE_STORAGE_ACCOUNT_URL", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_lists_every_setting_and_the_exit_codes()
    {
        using var output = new StringWriter();
        var code = await Hosting.JobHost.RunAsync(["--help"], Baseline.BaselineJob.Definition, b => Baseline.BaselineHostingExtensions.AddBaselineJob(b), output);
        Assert.Equal(0, code);
        foreach (var setting in new[] { "--training-data", "TRAINING_DATA", "--model-name", "--target-column", "--exclude-columns", "--categorical-columns", "--force", "Exit codes" })
        {
            Assert.Contains(setting, output.ToString(), StringComparison.Ordinal);
        }
    }
}
