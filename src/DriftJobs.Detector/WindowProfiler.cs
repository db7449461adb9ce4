using System.Collections.Concurrent;
using DriftJobs.Core.Profiles;
using DriftJobs.Core.Profiles.Segments;
using DriftJobs.Core.Reports;
using DriftJobs.Storage;
using DriftJobs.Storage.Parquet;

namespace DriftJobs.Detector;

/// <summary>What profiling a window's files gave.</summary>
internal sealed record WindowRead(WindowProfile Window, int FilesRead, long RowsOfOtherModels, IReadOnlyList<SkippedFile> Skipped);

/// <summary>
/// Profiles a window's log files against a baseline, several files at a time, each file all or nothing: a file that
/// turns out unreadable half-way is skipped and adds no count at all.
/// <para>
/// Each reader (one per degree of concurrency) keeps its own profile, Parquet reader and download buffer for the whole
/// window; the profiles are merged once at the end. A file's values are held back until the file has been read to the
/// end, and then for a few more files: held values are counted one column at a time across those files. Both matter
/// with the inference logger's small files (10,000 rows): a numeric feature's counts and boundaries take a few hundred
/// KiB, so counting one file's 10,000 values reloads them from memory every time (about twice the cost of counting
/// 40,000 at once), and a partial profile per file would cost more to merge and clear than the file costs to count.
/// A file too large to hold is counted into a scratch profile that is merged once the file is done.
/// </para>
/// <para>
/// A segmented window requests the segment columns first: each batch's rows get their segment codes before its
/// features come, and the held values keep their batch's codes, so the same single pass feeds the whole window and
/// each segment's.
/// </para>
/// </summary>
internal sealed class WindowProfiler
{
    /// <summary>Values (rows × columns) a reader holds before counting them: 16 MiB of doubles, three or four of the logger's files.</summary>
    public const int HeldValuesLimit = 1 << 21;

    private readonly BaselineProfile _baseline;
    private readonly bool _segmented;
    private readonly HashSet<string> _segmentOnly = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<RequestedColumn> _columns;
    private readonly ModelFilter _filter;
    private readonly string? _targetFeature;
    private readonly int _concurrency;
    private readonly int _heldValuesLimit;
    private readonly ConcurrentBag<Reader> _idle = [];
    private readonly List<Reader> _readers = [];

    /// <param name="segmented">Also count each of the baseline's segments (its windows get <see cref="WindowProfile.Segments"/>).</param>
    public WindowProfiler(BaselineProfile baseline, int concurrency, int heldValuesLimit = HeldValuesLimit, bool segmented = false)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(heldValuesLimit, 0);
        _baseline = baseline;
        var target = baseline.Target;
        _targetFeature = target?.Name;
        _columns = baseline.MonitoredFeatures
            .Select(f => new RequestedColumn(f.Name, Kind(f.Kind)))
            .Concat(target is null ? [] : [new RequestedColumn(WindowProfileSink.PredictionColumn, Kind(target.Kind))])
            .ToList();
        _segmented = segmented;
        if (segmented)
        {
            // The segment columns first, in their order; one that is also a categorical feature is requested once.
            var segmentColumns = SegmentLayout.For(baseline).Columns;
            foreach (var column in segmentColumns.Reverse())
            {
                var index = _columns.ToList().FindIndex(c => c.Name == column);
                if (index >= 0 && _columns[index].Kind != ColumnKind.Categorical)
                {
                    throw new InvalidDataException($"Segment column '{column}' is a numeric feature of the baseline: segments need categorical columns.");
                }

                if (index < 0)
                {
                    _segmentOnly.Add(column);
                }

                var list = _columns.ToList();
                if (index >= 0)
                {
                    list.RemoveAt(index);
                }

                list.Insert(0, new RequestedColumn(column, ColumnKind.Categorical));
                _columns = list;
            }
        }

        _filter = new ModelFilter(baseline.ModelName, baseline.ModelVersion);
        _concurrency = concurrency;
        _heldValuesLimit = heldValuesLimit;
    }

    /// <summary>
    /// Opens a file for reading. It may fill and return <paramref name="downloadBuffer"/> (the reader's own, reused
    /// file after file); any other stream returned is disposed after the read.
    /// </summary>
    public delegate Task<Stream> OpenFile(string name, MemoryStream downloadBuffer, CancellationToken cancellationToken);

    /// <summary>
    /// Reads every file into a profile of its own; one profiler is called for one set of files at a time (a window's
    /// hours one after another), its readers and their buffers reused from call to call. Files that are not readable Parquet, or whose columns cannot be read as the baseline's
    /// features, are skipped and listed (<paramref name="onSkipped"/> hears of each as it happens); any other failure
    /// (storage, cancellation) ends the whole read.
    /// </summary>
    /// <param name="into">A profile of the same baseline to fill (cleared first) instead of a new one: a window's hours reuse one.</param>
    public async Task<WindowRead> ProfileAsync(
        IReadOnlyList<string> files, OpenFile open, Action<string, string>? onSkipped = null, CancellationToken cancellationToken = default, WindowProfile? into = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(open);
        PrepareBoundaries();
        var skipped = new ConcurrentBag<SkippedFile>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _concurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(files, parallel, async (name, token) =>
        {
            if (!_idle.TryTake(out var reader))
            {
                reader = new Reader(this);
                lock (_readers)
                {
                    _readers.Add(reader);
                }
            }

            try
            {
                if (await reader.TryReadAsync(name, open, token).ConfigureAwait(false) is { } reason)
                {
                    onSkipped?.Invoke(name, reason);
                    skipped.Add(new SkippedFile(name, reason));
                }
            }
            finally
            {
                _idle.Add(reader);
            }
        }).ConfigureAwait(false);

        // The readers keep their buffers and emptied profiles for the next call (the next hour of a window).
        var window = into ?? new WindowProfile(_baseline, _segmented);
        window.Clear();
        var filesRead = 0;
        var rowsOfOtherModels = 0L;
        foreach (var reader in _readers)
        {
            reader.Flush();
            window.Absorb(reader.Profile);
            filesRead += reader.FilesRead;
            rowsOfOtherModels += reader.RowsOfOtherModels;
            reader.ResetCounters();
        }

        // A segmented window's features were counted in its segments only.
        window.Segments?.AddInto(window);

        return new WindowRead(window, filesRead, rowsOfOtherModels, skipped.OrderBy(s => s.Path, StringComparer.Ordinal).ToArray());
    }

    /// <summary>
    /// Builds every numeric feature's lookup grid (cached per baseline profile) on all the readers' cores at once: the
    /// first reader would otherwise build all of them alone while the others waited for it.
    /// </summary>
    private void PrepareBoundaries()
    {
        var numeric = _baseline.Features.Where(f => f.Kind == FeatureKind.Numeric && f.Numeric is not null).ToList();
        try
        {
            Parallel.ForEach(numeric, new ParallelOptions { MaxDegreeOfParallelism = _concurrency }, f => NumericBoundaries.For(f.Name, f.Numeric!));
        }
        catch (AggregateException)
        {
            // A baseline the grids refuse is reported by the first reader's own, feature-ordered construction, with the
            // same message whichever feature the parallel loop happened to fail on first.
        }
    }

    private static ColumnKind Kind(FeatureKind kind) => kind == FeatureKind.Numeric ? ColumnKind.Numeric : ColumnKind.Categorical;

    /// <summary>One concurrent reader's state, used by one file at a time.</summary>
    private sealed class Reader
    {
        private readonly WindowProfiler _owner;
        private readonly ParquetFeatureReader _parquet;
        private readonly HeldValues _held;
        private readonly MemoryStream _download = new();
        private readonly SegmentRouter? _router;
        private WindowProfile? _scratch;
        private WindowProfileSink? _scratchSink;

        public Reader(WindowProfiler owner)
        {
            _owner = owner;
            _parquet = new ParquetFeatureReader(owner._columns, owner._filter);
            Profile = new WindowProfile(owner._baseline, owner._segmented);
            _router = owner._segmented ? new SegmentRouter(SegmentLayout.For(owner._baseline)) : null;
            _held = new HeldValues(owner._heldValuesLimit, new WindowProfileSink(Profile, owner._targetFeature), Scratch, _router, owner._segmentOnly);
        }

        public WindowProfile Profile { get; }

        public int FilesRead { get; private set; }

        public long RowsOfOtherModels { get; private set; }

        public void ResetCounters()
        {
            FilesRead = 0;
            RowsOfOtherModels = 0;
        }

        /// <summary>Reads one file; returns why it was skipped, or null when it counts.</summary>
        public async Task<string?> TryReadAsync(string name, OpenFile open, CancellationToken cancellationToken)
        {
            FeatureReadResult result;
            try
            {
                var stream = await open(name, _download, cancellationToken).ConfigureAwait(false);
                try
                {
                    result = await _parquet.ReadAsync(stream, name, _held, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    if (!ReferenceEquals(stream, _download))
                    {
                        await stream.DisposeAsync().ConfigureAwait(false);
                    }
                }
            }
            catch (InvalidDataException e)
            {
                Discard();
                return e.Message;
            }
            catch
            {
                Discard();
                throw;
            }

            // The whole file was read: it counts. Its values may still be held, to be counted with the next files'.
            var wentToScratch = _held.Commit();
            var profile = wentToScratch ? _scratch! : Profile;
            profile.AddRows(result.RowsKept);
            foreach (var absent in result.AbsentColumns)
            {
                if (_owner._segmentOnly.Contains(absent))
                {
                    continue;
                }

                if (profile.Segments is { } segments)
                {
                    // The whole window gets them with the segments' counts.
                    segments.AddAbsent(_held.Counted.Feature(absent), _router!.SourceRows);
                }
                else
                {
                    profile.AddAbsent(_held.Counted.Feature(absent), result.RowsKept);
                }
            }

            if (_router is not null)
            {
                _router.Commit(profile.Segments!);
            }

            if (wentToScratch)
            {
                Profile.Absorb(_scratch!);
            }

            FilesRead++;
            RowsOfOtherModels += result.RowsSkipped;
            return null;
        }

        /// <summary>Counts the values still held; called once every file has been read.</summary>
        public void Flush() => _held.CountCommitted();

        private void Discard()
        {
            _router?.Forget();
            if (_held.Rollback())
            {
                _scratch!.Clear();
            }
        }

        private WindowProfileSink Scratch()
        {
            _scratch ??= new WindowProfile(_owner._baseline, _owner._segmented);
            return _scratchSink ??= new WindowProfileSink(_scratch, _owner._targetFeature);
        }
    }

    /// <summary>
    /// A sink that holds copies of what it is given: the values of files read to the end (committed) and of the file
    /// being read. When holding more would pass the limit, the committed values are counted, column by column across
    /// files, into <see cref="Counted"/>; a file too large to hold on its own goes, held values and the rest, to the
    /// overflow sink (a scratch profile) instead.
    /// </summary>
    private sealed class HeldValues(
        int limit, WindowProfileSink counted, Func<WindowProfileSink> overflow, SegmentRouter? router, IReadOnlySet<string> segmentOnly) : IColumnBatchSink
    {
        private readonly List<Batch> _batches = [];
        private int[] _codes = [];
        private int _codeCount;
        private int _committedCodes;

        // Where the current batch's segment codes are held; −1 until a feature of the batch is held.
        private int _batchCodes = -1;
        private readonly List<string> _columns = [];
        private double[] _numbers = [];
        private string?[] _strings = [];
        private int _numberCount;
        private int _stringCount;

        // Everything before these marks belongs to files read to the end.
        private int _committedBatches;
        private int _committedNumbers;
        private int _committedStrings;
        private WindowProfileSink? _direct;

        public WindowProfileSink Counted => counted;

        public void StartBatch(int rows)
        {
            router?.StartBatch(rows);
            _batchCodes = -1;
        }

        public void AddNumeric(string column, ReadOnlySpan<double> values)
        {
            if (Sink(values.Length) is { } direct)
            {
                if (router is null)
                {
                    direct.AddNumeric(column, values);
                }
                else
                {
                    direct.AddNumeric(column, values, router.Codes());
                }

                return;
            }

            GrowNumbers(_numberCount + values.Length);
            Hold(ref _numbers, ref _numberCount, new Batch(column, Numeric: true, _numberCount, values.Length, BatchCodes()), values);
        }

        public void AddCategorical(string column, ReadOnlySpan<string?> values)
        {
            if (router?.ColumnIndex(column) is >= 0 and var index)
            {
                router.AddSegmentColumn(index, values);
                if (segmentOnly.Contains(column))
                {
                    return;
                }
            }

            if (Sink(values.Length) is { } direct)
            {
                if (router is null)
                {
                    direct.AddCategorical(column, values);
                }
                else
                {
                    direct.AddCategorical(column, values, router.Codes());
                }

                return;
            }

            Hold(ref _strings, ref _stringCount, new Batch(column, Numeric: false, _stringCount, values.Length, BatchCodes()), values);
        }

        /// <summary>Where the current batch's codes are held (copied there for its first held feature); −1 without segments.</summary>
        private int BatchCodes()
        {
            if (router is null)
            {
                return -1;
            }

            if (_batchCodes < 0)
            {
                var codes = router.Codes();
                Grow(ref _codes, _codeCount + codes.Length);
                codes.CopyTo(_codes.AsSpan(_codeCount));
                _batchCodes = _codeCount;
                _codeCount += codes.Length;
            }

            return _batchCodes;
        }

        /// <summary>The current file was read to the end. Returns true when it went to the overflow sink.</summary>
        public bool Commit()
        {
            _committedBatches = _batches.Count;
            _committedNumbers = _numberCount;
            _committedStrings = _stringCount;
            _committedCodes = _codeCount;
            _batchCodes = -1;
            var direct = _direct is not null;
            _direct = null;
            return direct;
        }

        /// <summary>Forgets the current file's values. Returns true when they had gone to the overflow sink.</summary>
        public bool Rollback()
        {
            TruncateTo(_committedBatches, _committedNumbers, _committedStrings, _committedCodes);
            _batchCodes = -1;
            var direct = _direct is not null;
            _direct = null;
            return direct;
        }

        /// <summary>
        /// Counts the committed values, one column at a time across all held files (a numeric feature's counts and
        /// boundaries, a few hundred KiB, stay in cache for all its values instead of being reloaded per file), and
        /// keeps only the current file's.
        /// </summary>
        public void CountCommitted()
        {
            if (_committedBatches == 0)
            {
                return;
            }

            _columns.Clear();
            for (var b = 0; b < _committedBatches; b++)
            {
                if (!_columns.Contains(_batches[b].Column, StringComparer.Ordinal))
                {
                    _columns.Add(_batches[b].Column);
                }
            }

            foreach (var column in _columns)
            {
                for (var b = 0; b < _committedBatches; b++)
                {
                    var batch = _batches[b];
                    if (!string.Equals(batch.Column, column, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    Deliver(batch, counted);
                }
            }

            // Move the current file's values (if any) to the front.
            var numbers = _numberCount - _committedNumbers;
            var strings = _stringCount - _committedStrings;
            var codes = _codeCount - _committedCodes;
            _numbers.AsSpan(_committedNumbers, numbers).CopyTo(_numbers);
            _strings.AsSpan(_committedStrings, strings).CopyTo(_strings);
            _codes.AsSpan(_committedCodes, codes).CopyTo(_codes);
            Array.Clear(_strings, strings, _stringCount - strings);
            for (var b = _committedBatches; b < _batches.Count; b++)
            {
                var batch = _batches[b];
                _batches[b] = batch with
                {
                    Start = batch.Start - (batch.Numeric ? _committedNumbers : _committedStrings),
                    Codes = batch.Codes < 0 ? -1 : batch.Codes - _committedCodes,
                };
            }

            if (_batchCodes >= 0)
            {
                _batchCodes -= _committedCodes;
            }

            _batches.RemoveRange(0, _committedBatches);
            _numberCount = numbers;
            _stringCount = strings;
            _codeCount = codes;
            _committedBatches = 0;
            _committedNumbers = 0;
            _committedStrings = 0;
            _committedCodes = 0;
        }

        /// <summary>Where values go now: null to hold them, or the overflow sink once the current file alone is too large.</summary>
        private WindowProfileSink? Sink(int adding)
        {
            if (_direct is null && Held + adding > limit)
            {
                CountCommitted();
                if (Held + adding > limit)
                {
                    // Nothing committed is held any more: what is held is the current file's, handed over whole.
                    _direct = overflow();
                    foreach (var batch in _batches)
                    {
                        Deliver(batch, _direct);
                    }

                    TruncateTo(0, 0, 0, 0);
                    _batchCodes = -1;
                }
            }

            return _direct;
        }

        private long Held => (long)_numberCount + _stringCount;

        private void Deliver(Batch batch, WindowProfileSink sink)
        {
            if (batch.Codes >= 0)
            {
                var codes = _codes.AsSpan(batch.Codes, batch.Length);
                if (batch.Numeric)
                {
                    sink.AddNumeric(batch.Column, _numbers.AsSpan(batch.Start, batch.Length), codes);
                }
                else
                {
                    sink.AddCategorical(batch.Column, _strings.AsSpan(batch.Start, batch.Length), codes);
                }
            }
            else if (batch.Numeric)
            {
                sink.AddNumeric(batch.Column, _numbers.AsSpan(batch.Start, batch.Length));
            }
            else
            {
                sink.AddCategorical(batch.Column, _strings.AsSpan(batch.Start, batch.Length));
            }
        }

        /// <summary>Keeps only the first batches and values; the strings let go are cleared (the next file may not use them).</summary>
        private void TruncateTo(int batches, int numbers, int strings, int codes)
        {
            _batches.RemoveRange(batches, _batches.Count - batches);
            _codeCount = codes;
            _numberCount = numbers;
            Array.Clear(_strings, strings, _stringCount - strings);
            _stringCount = strings;
        }

        /// <summary>Appends a batch's values to the held buffer of their kind.</summary>
        private void Hold<T>(ref T[] buffer, ref int count, Batch batch, ReadOnlySpan<T> values)
        {
            Grow(ref buffer, count + values.Length);
            values.CopyTo(buffer.AsSpan(count));
            _batches.Add(batch);
            count += values.Length;
        }

        /// <summary>
        /// The held numbers go straight to the limit's size the first time they grow: a window of the logger's files
        /// fills it within a few files anyway, and growing by doubling allocated and copied as much again, each new
        /// array's pages faulted in on first touch (a sixth of the detector's CPU at 1M rows went to page faults).
        /// A small window should not pay for the size: a new large array normally comes from memory the operating
        /// system zeroed, whose pages stay untouched until written (not measured for small windows).
        /// </summary>
        private void GrowNumbers(int needed)
        {
            if (_numbers.Length < needed)
            {
                Array.Resize(ref _numbers, Math.Max(needed, Math.Min(limit, Array.MaxLength)));
            }
        }

        private static void Grow<T>(ref T[] buffer, int needed)
        {
            if (buffer.Length < needed)
            {
                Array.Resize(ref buffer, Math.Max(needed, Math.Min(Math.Max(buffer.Length * 2, 4096), Array.MaxLength)));
            }
        }

        /// <param name="Codes">Where the batch's rows' segment codes start in the held codes; −1 without segments.</param>
        private readonly record struct Batch(string Column, bool Numeric, int Start, int Length, int Codes);
    }
}
