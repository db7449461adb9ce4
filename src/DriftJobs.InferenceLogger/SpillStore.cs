namespace DriftJobs.InferenceLogger;

/// <summary>
/// Finished log files that could not be uploaded, kept on local disk under their blob name
/// (<c>{directory}/{blob name}</c>) until storage returns. A file appears only once completely written and
/// flushed (written as <c>.tmp</c>, then renamed), so whatever a restarted process finds is whole.
/// </summary>
internal sealed class SpillStore
{
    private const string TempExtension = ".tmp";
    private readonly string _root;
    private readonly long _maxBytes;
    private readonly SortedDictionary<string, long> _files = new(StringComparer.Ordinal);

    // The files this process spilled: their records are its own (counted written when uploaded), the others an
    // earlier process's (counted replayed).
    private readonly HashSet<string> _spilledHere = new(StringComparer.Ordinal);
    private long _bytes;
    private int _count;

    private SpillStore(string root, long maxBytes)
    {
        _root = root;
        _maxBytes = maxBytes;
    }

    public string Root => _root;

    /// <summary>How many files wait; unlike the rest of the store, safe to read from any thread.</summary>
    public int Count => Volatile.Read(ref _count);

    public long Bytes => _bytes;

    /// <summary>Opens (creating if needed) the folder and indexes the files a previous process left.</summary>
    public static SpillStore Open(string directory, long maxBytes)
    {
        var store = new SpillStore(Path.GetFullPath(directory), maxBytes);
        Directory.CreateDirectory(store._root);
        foreach (var path in Directory.EnumerateFiles(store._root, "*", SearchOption.AllDirectories))
        {
            if (path.EndsWith(TempExtension, StringComparison.Ordinal))
            {
                // A write the previous process did not finish: its records were never counted as spilled.
                File.Delete(path);
            }
            else if (path.EndsWith(LogFileNames.Extension, StringComparison.Ordinal))
            {
                var length = new FileInfo(path).Length;
                store._files[Path.GetRelativePath(store._root, path).Replace(Path.DirectorySeparatorChar, '/')] = length;
                store._bytes += length;
                store._count++;
            }
        }

        return store;
    }

    public bool Contains(string blobName) => _files.ContainsKey(blobName);

    public string? Oldest => _files.Count == 0 ? null : _files.Keys.First();

    /// <summary>Writes the file durably; false when it would exceed the size limit.</summary>
    public async Task<bool> TryWriteAsync(string blobName, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        if (_bytes + content.Length > _maxBytes || _files.ContainsKey(blobName))
        {
            return false;
        }

        var path = PathOf(blobName);
        var temp = path + TempExtension;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1, useAsync: true);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: false);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }

        _files[blobName] = content.Length;
        _spilledHere.Add(blobName);
        _bytes += content.Length;
        Volatile.Write(ref _count, _files.Count);
        return true;
    }

    public Task<byte[]> ReadAsync(string blobName, CancellationToken cancellationToken = default) =>
        File.ReadAllBytesAsync(PathOf(blobName), cancellationToken);

    /// <summary>Removes an uploaded file, and the hour folders it leaves empty.</summary>
    public void Delete(string blobName)
    {
        var path = PathOf(blobName);
        File.Delete(path);
        Forget(blobName);
        for (var dir = Path.GetDirectoryName(path); dir is not null && dir.Length > _root.Length; dir = Path.GetDirectoryName(dir))
        {
            if (Directory.EnumerateFileSystemEntries(dir).Any())
            {
                break;
            }

            Directory.Delete(dir);
        }
    }

    /// <summary>Stops tracking a file (one that cannot be read), leaving it on disk for an operator.</summary>
    public void Forget(string blobName)
    {
        if (_files.Remove(blobName, out var length))
        {
            _bytes -= length;
            _spilledHere.Remove(blobName);
            Volatile.Write(ref _count, _files.Count);
        }
    }

    /// <summary>Whether this process spilled the file (rather than finding it left by an earlier one).</summary>
    public bool SpilledHere(string blobName) => _spilledHere.Contains(blobName);

    public string PathOf(string blobName) => Path.Combine(_root, blobName.Replace('/', Path.DirectorySeparatorChar));

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Open() removes leftovers next time.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }
}
