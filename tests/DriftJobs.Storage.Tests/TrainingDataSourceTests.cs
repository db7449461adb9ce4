using System.Text;
using Azure.Storage.Blobs;
using DriftJobs.Storage.Csv;
using DriftJobs.Storage.Parquet;
using DriftJobs.Storage.Training;
using DriftJobs.Testing;

namespace DriftJobs.Storage.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class TrainingDataSourceTests(AzuriteFixture azurite) : IDisposable
{
    private readonly DirectoryInfo _folder = TestFiles.TempFolder();

    [Fact]
    public async Task A_local_file_is_one_input()
    {
        var path = Write("train.csv", "a\n1\n");

        var source = TrainingDataSource.Create(path, container: null);
        var inputs = await source.ListInputsAsync();

        Assert.True(source.IsLocal);
        Assert.Equal([new TrainingInput(path, TrainingDataFormat.Csv, 4)], inputs);
    }

    [Fact]
    public async Task A_local_folder_lists_its_files_at_any_depth_sorted_skipping_hidden_entries()
    {
        var parquet = await ParquetFeatureReaderTests.AllTypesFileAsync();
        Write("b/part-1.parquet", parquet);
        Write("a/part-0.PARQUET", parquet);
        Write("part-2.parquet", parquet);
        Write("_SUCCESS", []);
        Write(".part-2.parquet.crc", [1]);
        Write("_temporary/0/part-9.parquet", [1, 2, 3]);
        Write("readme.txt", [1]);

        var inputs = await TrainingDataSource.Create(_folder.FullName, container: null).ListInputsAsync();

        Assert.Equal(
            [Path.Combine(_folder.FullName, "a", "part-0.PARQUET"), Path.Combine(_folder.FullName, "b", "part-1.parquet"), Path.Combine(_folder.FullName, "part-2.parquet")],
            inputs.Select(i => i.Name));
        Assert.All(inputs, i => Assert.Equal(TrainingDataFormat.Parquet, i.Format));
    }

    [Theory]
    [InlineData("./data/train.csv")]
    [InlineData("../data")]
    [InlineData("/data/train.csv")]
    public void Rooted_or_dot_relative_paths_are_local(string value)
    {
        var source = TrainingDataSource.Create(value, new BlobContainerClient(azurite.ConnectionString, "x"));
        Assert.True(source.IsLocal);
        Assert.Equal(Path.GetFullPath(value), source.Location);
    }

    [Theory]
    [InlineData("data/train.csv")]
    [InlineData("train.parquet")]
    public void Other_values_are_blob_names(string value)
    {
        var source = TrainingDataSource.Create(value, new BlobContainerClient(azurite.ConnectionString, "x"));
        Assert.False(source.IsLocal);
        Assert.Equal(value, source.Location);
    }

    [Fact]
    public async Task Local_files_open_and_read_through_the_readers()
    {
        Write("one/train.csv", "x,label\n1.5,a\n2.5,b\n");
        var source = TrainingDataSource.Create(Path.Combine(_folder.FullName, "one"), container: null);
        var input = (await source.ListInputsAsync()).Single();
        var sink = new RecordingSink();

        await using (var stream = await source.OpenAsync(input))
        {
            await new CsvFeatureReader([RequestedColumn.Numeric("x"), RequestedColumn.Categorical("label")]).ReadAsync(stream, input.Name, sink);
        }

        Assert.Equal([1.5, 2.5], sink.Numeric["x"]);
    }

    [Theory]
    [InlineData("mixed", "both .csv and .parquet")]
    [InlineData("nothing", "no .parquet or .csv")]
    [InlineData("missing", "does not exist")]
    [InlineData("data.json", "neither")]
    public async Task Unusable_local_locations_are_configuration_errors_naming_the_setting(string location, string expected)
    {
        Write("mixed/a.csv", "a\n1\n");
        Write("mixed/b.parquet", [1]);
        Write("nothing/notes.txt", "x");
        Write("data.json", "{}");

        var error = await Assert.ThrowsAsync<StorageConfigurationException>(
            () => TrainingDataSource.Create(Path.Combine(_folder.FullName, location), container: null).ListInputsAsync());

        Assert.Contains(TrainingDataSource.Setting, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_setting_is_a_configuration_error()
    {
        var error = Assert.Throws<StorageConfigurationException>(() => TrainingDataSource.Create(" ", container: null));
        Assert.Contains(TrainingDataSource.Setting, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_blob_name_without_storage_is_a_configuration_error()
    {
        var error = Assert.Throws<StorageConfigurationException>(() => TrainingDataSource.Create("training/data.csv", container: null));
        Assert.Contains("no storage", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_exact_blob_name_is_one_input_even_when_a_folder_shares_the_name()
    {
        var container = await azurite.CreateContainerAsync();
        await Upload(container, "training/train.csv", "a\n1\n");
        await Upload(container, "training/train.csv/other.csv", "a\n2\n");

        var inputs = await TrainingDataSource.Create("training/train.csv", container).ListInputsAsync();

        Assert.Equal(["training/train.csv"], inputs.Select(i => i.Name));
        Assert.Equal(4, inputs[0].Size);
    }

    [Fact]
    public async Task A_blob_prefix_is_a_folder_and_does_not_match_longer_names()
    {
        var container = await azurite.CreateContainerAsync();
        var parquet = await ParquetFeatureReaderTests.AllTypesFileAsync();
        await Upload(container, "training/v2/part-1.parquet", parquet);
        await Upload(container, "training/v2/part-0.parquet", parquet);
        await Upload(container, "training/v2/nested/part-5.parquet", parquet);
        await Upload(container, "training/v2/_SUCCESS", []);
        await Upload(container, "training/v2-old/part-0.parquet", parquet);
        await Upload(container, "training/v22/part-0.parquet", parquet);

        var source = TrainingDataSource.Create("training/v2/", container);
        var inputs = await source.ListInputsAsync();

        Assert.False(source.IsLocal);
        Assert.Equal(["training/v2/nested/part-5.parquet", "training/v2/part-0.parquet", "training/v2/part-1.parquet"], inputs.Select(i => i.Name));
        Assert.All(inputs, i => Assert.Equal(parquet.Length, i.Size));
    }

    [Fact]
    public async Task Blob_inputs_open_and_read_through_the_readers()
    {
        var container = await azurite.CreateContainerAsync();
        await Upload(container, "csv/train.csv", "x,label\n1.5,a\n2.5,b\n");
        await Upload(container, "pq/train.parquet", await ParquetFeatureReaderTests.AllTypesFileAsync());

        var csvSource = TrainingDataSource.Create("csv", container);
        var csvInput = (await csvSource.ListInputsAsync()).Single();
        var csvSink = new RecordingSink();
        await using (var stream = await csvSource.OpenAsync(csvInput))
        {
            await new CsvFeatureReader([RequestedColumn.Numeric("x")]).ReadAsync(stream, csvInput.Name, csvSink);
        }

        var pqSource = TrainingDataSource.Create("pq/train.parquet", container);
        var pqInput = (await pqSource.ListInputsAsync()).Single();
        var pqSink = new RecordingSink();
        await using (var stream = await pqSource.OpenAsync(pqInput))
        {
            await new ParquetFeatureReader([RequestedColumn.Numeric("u8")]).ReadAsync(stream, pqInput.Name, pqSink);
        }

        Assert.Equal(TrainingDataFormat.Csv, csvInput.Format);
        Assert.Equal([1.5, 2.5], csvSink.Numeric["x"]);
        Assert.Equal(TrainingDataFormat.Parquet, pqInput.Format);
        Assert.Equal([0, 1, 2, 200, 255, 9, 8, 7], pqSink.Numeric["u8"]);
    }

    [Fact]
    public async Task A_blob_location_with_nothing_to_read_names_the_setting_and_prefix()
    {
        var container = await azurite.CreateContainerAsync();
        await Upload(container, "training/notes.txt", "x");

        var error = await Assert.ThrowsAsync<StorageConfigurationException>(() => TrainingDataSource.Create("training", container).ListInputsAsync());

        Assert.Contains(TrainingDataSource.Setting, error.Message, StringComparison.Ordinal);
        Assert.Contains("'training/'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dot_dot_segments_in_a_blob_name_are_rejected()
    {
        Assert.Throws<StorageConfigurationException>(() => TrainingDataSource.Create("training/../baselines", new BlobContainerClient(azurite.ConnectionString, "x")));
    }

    public void Dispose() => _folder.Delete(recursive: true);

    private string Write(string relative, string text) => Write(relative, Encoding.UTF8.GetBytes(text));

    private string Write(string relative, byte[] bytes)
    {
        var path = Path.Combine(_folder.FullName, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static Task Upload(BlobContainerClient container, string name, string text) => container.UploadBlobAsync(name, BinaryData.FromString(text));

    private static Task Upload(BlobContainerClient container, string name, byte[] bytes) => container.UploadBlobAsync(name, BinaryData.FromBytes(bytes));
}
