using System.Collections.Concurrent;
using DriftJobs.Core.Profiles;
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
/// </summary>
internal sealed class WindowProfiler
{
    /// <summary>Values (rows × columns) a reader holds before counting them: 16 MiB of doubles, three or four of the logger's files.</summary>
    public const int HeldValuesLimit = 1 << 21;

    private readonly BaselineProfile _baseline;
    private readonly IReadOnlyList<RequestedColumn> _columns;
    private readonly ModelFilter _filter;
    private readonly string? _targetFeature;
    private readonly int _concurrency;
    private readonly int _heldValuesLimit;
    private readonly ConcurrentBag<Reader> _idle = [];
    private readonly List<Reader> _readers = [];

    public WindowProfiler(BaselineProfile baseline, int concurrency, int heldValuesLimit = HeldValuesLimit)
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
        var window = into ?? new WindowProfile(_baseline);
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
        private WindowProfile? _scratch;
        private WindowProfileSink? _scratchSink;

        public Reader(WindowProfiler owner)
        {
            _owner = owner;
            _parquet = new ParquetFeatureReader(owner._columns, owner._filter);
            Profile = new WindowProfile(owner._baseline);
            _held = new HeldValues(owner._heldValuesLimit, new WindowProfileSink(Profile, owner._targetFeature), Scratch);
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
                profile.AddAbsent(_held.Counted.Feature(absent), result.RowsKept);
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
            if (_held.Rollback())
            {
                _scratch!.Clear();
            }
        }

        private WindowProfileSink Scratch()
        {
            _scratch ??= new WindowProfile(_owner._baseline);
            return _scratchSink ??= new WindowProfileSink(_scratch, _owner._targetFeature);
        }
    }

    /// <summary>
    /// A sink that holds copies of what it is given: the values of files read to the end (committed) and of the file
    /// being read. When holding more would pass the limit, the committed values are counted, column by column across
    /// files, into <see cref="Counted"/>; a file too large to hold on its own goes, held values and the rest, to the
    /// overflow sink (a scratch profile) instead.
    /// </summary>
    private sealed class HeldValues(int limit, WindowProfileSink counted, Func<WindowProfileSink> overflow) : IColumnBatchSink
    {
        private readonly List<Batch> _batches = [];
        private readonly List<string> _columns = [];
        private double[] _numbers = [];
        private string?[] _strings = [];
        private int _numberCount;
        private int _stringCount;

        // Everything before these marks belongs to files read to the end.
        private int _committedBatches;
        private int _committedNumbers;
        private int _committedStrings;
        private IColumnBatchSink? _direct;

        public WindowProfileSink Counted => counted;

        public void AddNumeric(string column, ReadOnlySpan<double> values)
        {
            if (Sink(values.Length) is { } direct)
            {
                direct.AddNumeric(column, values);
                return;
            }

            GrowNumbers(_numberCount + values.Length);
            Hold(ref _numbers, ref _numberCount, new Batch(column, Numeric: true, _numberCount, values.Length), values);
        }

        public void AddCategorical(string column, ReadOnlySpan<string?> values)
        {
            if (Sink(values.Length) is { } direct)
            {
                direct.AddCategorical(column, values);
                return;
            }

            Hold(ref _strings, ref _stringCount, new Batch(column, Numeric: false, _stringCount, values.Length), values);
        }

        /// <summary>The current file was read to the end. Returns true when it went to the overflow sink.</summary>
        public bool Commit()
        {
            _committedBatches = _batches.Count;
            _committedNumbers = _numberCount;
            _committedStrings = _stringCount;
            var direct = _direct is not null;
            _direct = null;
            return direct;
        }

        /// <summary>Forgets the current file's values. Returns true when they had gone to the overflow sink.</summary>
        public bool Rollback()
        {
            TruncateTo(_committedBatches, _committedNumbers, _committedStrings);
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
            _numbers.AsSpan(_committedNumbers, numbers).CopyTo(_numbers);
            _strings.AsSpan(_committedStrings, strings).CopyTo(_strings);
            Array.Clear(_strings, strings, _stringCount - strings);
            for (var b = _committedBatches; b < _batches.Count; b++)
            {
                var batch = _batches[b];
                _batches[b] = batch with { Start = batch.Start - (batch.Numeric ? _committedNumbers : _committedStrings) };
            }

            _batches.RemoveRange(0, _committedBatches);
            _numberCount = numbers;
            _stringCount = strings;
            _committedBatches = 0;
            _committedNumbers = 0;
            _committedStrings = 0;
        }

        /// <summary>Where values go now: null to hold them, or the overflow sink once the current file alone is too large.</summary>
        private IColumnBatchSink? Sink(int adding)
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

                    TruncateTo(0, 0, 0);
                }
            }

            return _direct;
        }

        private long Held => (long)_numberCount + _stringCount;

        private void Deliver(Batch batch, IColumnBatchSink sink)
        {
            if (batch.Numeric)
            {
                sink.AddNumeric(batch.Column, _numbers.AsSpan(batch.Start, batch.Length));
            }
            else
            {
                sink.AddCategorical(batch.Column, _strings.AsSpan(batch.Start, batch.Length));
            }
        }

        /// <summary>Keeps only the first batches and values; the strings let go are cleared (the next file may not use them).</summary>
        private void TruncateTo(int batches, int numbers, int strings)
        {
            _batches.RemoveRange(batches, _batches.Count - batches);
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

        private readonly record struct Batch(string Column, bool Numeric, int Start, int Length);
    }
}
