using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using DriftJobs.Storage.Blobs;

namespace DriftJobs.Storage.Training;

internal enum TrainingDataFormat
{
    Parquet,
    Csv,
}

/// <summary>One training-data file: a blob name or a full local path.</summary>
internal sealed record TrainingInput(string Name, TrainingDataFormat Format, long Size, ETag? ETag = null);

/// <summary>
/// Where TRAINING_DATA points. A value that is rooted ("/data/train.csv") or starts with "./" or "../" is a local
/// file or folder; anything else is a blob name or prefix in the container, so the meaning never depends on what
/// happens to exist in the working directory. A name that is not an existing blob is taken as a folder: the blobs
/// under "{name}/". Folders are searched at any depth for *.parquet or *.csv (case-insensitive), skipping entries
/// whose name starts with "_" or "." (Spark's _SUCCESS, _temporary/, .crc files); they must hold one format only.
/// </summary>
internal sealed class TrainingDataSource
{
    public const string Setting = "TRAINING_DATA";

    private readonly BlobContainerClient? _container;

    // The setting that named the data, for messages: TRAINING_DATA, or VALIDATION_DATA read the same way.
    private readonly string _setting;

    private TrainingDataSource(string location, bool isLocal, BlobContainerClient? container, string setting)
    {
        Location = location;
        IsLocal = isLocal;
        _container = container;
        _setting = setting;
    }

    public string Location { get; }

    public bool IsLocal { get; }

    /// <param name="trainingData">The TRAINING_DATA value.</param>
    /// <param name="container">The container blob names refer to; may be null when only local paths are expected.</param>
    /// <param name="setting">The setting the value came from, as messages name it.</param>
    public static TrainingDataSource Create(string? trainingData, BlobContainerClient? container, string setting = Setting)
    {
        if (string.IsNullOrWhiteSpace(trainingData))
        {
            throw new StorageConfigurationException(
                $"{setting} is required: a blob name or prefix in the container, or a local path (absolute, or starting with ./).");
        }

        var value = trainingData.Trim();
        if (IsLocalPath(value))
        {
            return new TrainingDataSource(Path.GetFullPath(value), isLocal: true, container: null, setting);
        }

        if (container is null)
        {
            throw new StorageConfigurationException(
                $"{setting} '{value}' names a blob, but no storage is configured; give a local path (absolute, or starting with ./) instead.");
        }

        var name = value.TrimStart('/');
        if (name.Split('/').Any(segment => segment is "." or ".."))
        {
            throw new StorageConfigurationException($"{setting} '{value}' must not contain '.' or '..' segments.");
        }

        return new TrainingDataSource(name, isLocal: false, container, setting);
    }

    /// <summary>The input files, sorted by name (ordinal), all of one format.</summary>
    /// <exception cref="StorageConfigurationException">Nothing to read there, an unknown extension, or a mix of
    /// CSV and Parquet.</exception>
    public async Task<IReadOnlyList<TrainingInput>> ListInputsAsync(CancellationToken cancellationToken = default)
    {
        var inputs = IsLocal ? ListLocal() : await ListBlobsAsync(cancellationToken).ConfigureAwait(false);
        if (inputs.Select(i => i.Format).Distinct().Count() > 1)
        {
            throw new StorageConfigurationException(
                $"{_setting} '{Location}' holds both .csv and .parquet files; point it at one format.");
        }

        return inputs.OrderBy(i => i.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Opens one input for reading: local files directly; a Parquet blob seekable (downloaded when small enough), a CSV
    /// blob as a forward stream. The caller disposes the stream.
    /// </summary>
    public async Task<Stream> OpenAsync(TrainingInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (IsLocal)
        {
            return new InlineReadFileStream(input.Name, FileOptions.SequentialScan);
        }

        var blob = _container!.GetBlobClient(input.Name);
        return input.Format == TrainingDataFormat.Parquet
            ? await BlobReads.OpenSeekableAsync(blob, input.Size, input.ETag, cancellationToken).ConfigureAwait(false)
            : await BlobReads.OpenSequentialAsync(blob, input.ETag, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads one whole input into <paramref name="into"/> (emptied first; its buffer is reused from file to file), so
    /// several readers can each read the same bytes through their own stream without downloading them again.
    /// </summary>
    public async Task DownloadAsync(TrainingInput input, MemoryStream into, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(into);
        into.SetLength(0);
        var stream = IsLocal || input.Format != TrainingDataFormat.Parquet
            ? await OpenAsync(input, cancellationToken).ConfigureAwait(false)
            : await BlobReads.OpenSeekableAsync(_container!.GetBlobClient(input.Name), input.Size, input.ETag, into, cancellationToken, BlobReads.InMemoryLimit).ConfigureAwait(false);
        if (ReferenceEquals(stream, into))
        {
            return;
        }

        await using (stream.ConfigureAwait(false))
        {
            await stream.CopyToAsync(into, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool IsLocalPath(string value) =>
        Path.IsPathRooted(value) || value is "." or ".." || value.StartsWith("./", StringComparison.Ordinal) ||
        value.StartsWith("../", StringComparison.Ordinal) || value.StartsWith(".\\", StringComparison.Ordinal) ||
        value.StartsWith("..\\", StringComparison.Ordinal);

    private List<TrainingInput> ListLocal()
    {
        if (File.Exists(Location))
        {
            var format = FormatOf(Location) ?? throw new StorageConfigurationException(
                $"{_setting} '{Location}' is neither a .parquet nor a .csv file.");
            return [new TrainingInput(Location, format, new FileInfo(Location).Length)];
        }

        if (!Directory.Exists(Location))
        {
            throw new StorageConfigurationException($"{_setting} '{Location}' does not exist (no such local file or folder).");
        }

        var inputs = new List<TrainingInput>();
        foreach (var path in Directory.EnumerateFiles(Location, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            var relative = Path.GetRelativePath(Location, path);
            if (!IsHidden(relative.Split(Path.DirectorySeparatorChar)) && FormatOf(path) is { } format)
            {
                inputs.Add(new TrainingInput(path, format, new FileInfo(path).Length));
            }
        }

        return inputs.Count > 0
            ? inputs
            : throw new StorageConfigurationException($"{_setting} folder '{Location}' holds no .parquet or .csv files.");
    }

    private async Task<List<TrainingInput>> ListBlobsAsync(CancellationToken cancellationToken)
    {
        var container = _container!;
        if (!Location.EndsWith('/') && Location.Length > 0)
        {
            try
            {
                var properties = await container.GetBlobClient(Location).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                var format = FormatOf(Location) ?? throw new StorageConfigurationException(
                    $"{_setting} blob '{Location}' is neither a .parquet nor a .csv file.");
                return [new TrainingInput(Location, format, properties.Value.ContentLength, properties.Value.ETag)];
            }
            catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode == BlobErrorCode.BlobNotFound)
            {
                // Not a blob: a folder, listed below.
            }
        }

        var prefix = Location.Length == 0 || Location.EndsWith('/') ? Location : Location + "/";
        var inputs = new List<TrainingInput>();
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken).ConfigureAwait(false))
        {
            if (!IsHidden(blob.Name[prefix.Length..].Split('/')) && FormatOf(blob.Name) is { } format)
            {
                inputs.Add(new TrainingInput(blob.Name, format, blob.Properties.ContentLength ?? 0, blob.Properties.ETag));
            }
        }

        return inputs.Count > 0
            ? inputs
            : throw new StorageConfigurationException(
                $"{_setting} '{Location}' is not a blob, and no .parquet or .csv blobs are under '{prefix}' in container '{container.Name}'.");
    }

    private static bool IsHidden(string[] segments) => segments.Any(s => s.StartsWith('_') || s.StartsWith('.'));

    private static TrainingDataFormat? FormatOf(string name) =>
        name.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) ? TrainingDataFormat.Parquet
        : name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? TrainingDataFormat.Csv
        : null;
}
