using System.Text;
using DriftJobs.Core.Profiles;
using DriftJobs.Core.Serialization;
using DriftJobs.Testing;

namespace DriftJobs.Jobs.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class BaselineJobTests(AzuriteFixture azurite) : IDisposable
{
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
        var baseline = DriftJson.ReadBaseline(blob.Value.Content.ToMemory().Span, "baseline.json");
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
        Assert.Equal(50, DriftJson.ReadBaseline(replaced.Value.Content.ToMemory().Span, "b").Source.Rows);
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
        var baseline = DriftJson.ReadBaseline(blob.Value.Content.ToMemory().Span, "b");
        Assert.Equal(500, baseline.Source.Rows);
        Assert.Equal(["age", "city", "label"], baseline.Features.Select(f => f.Name));
        Assert.Equal(FeatureKind.Categorical, baseline.Features[0].Kind);
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
