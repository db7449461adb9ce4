using Azure;

namespace DriftJobs.Storage.Parquet;

/// <summary>
/// The file or blob could not be read (a disk, mount or network failure), as opposed to bytes that are not valid
/// Parquet: the run should fail and be retried rather than skip the file as corrupt.
/// </summary>
internal sealed class SourceReadException(string message, Exception inner) : IOException(message, inner);

/// <summary>
/// Wraps what the Parquet reader reads from, so that a failure of the source itself can be told apart from the
/// library's own errors about bad bytes (which it also raises as <see cref="IOException"/>, e.g. "not a Parquet file").
/// </summary>
internal sealed class SourceStream(Stream inner, string fileName) : Stream
{
    /// <summary>Wraps <paramref name="stream"/> unless it is a plain <see cref="MemoryStream"/> (which cannot fail to read,
    /// and which the Parquet library reads without copying when it sees one). A subclass may read from anywhere: wrapped.</summary>
    public static Stream Wrap(Stream stream, string fileName) => stream.GetType() == typeof(MemoryStream) ? stream : new SourceStream(stream, fileName);

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => inner.CanSeek;

    public override bool CanWrite => false;

    public override long Length => Guard(() => inner.Length);

    public override long Position
    {
        get => Guard(() => inner.Position);
        set => Guard(() => inner.Position = value);
    }

    public override int Read(byte[] buffer, int offset, int count) => Guard(() => inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer)
    {
        try
        {
            return inner.Read(buffer);
        }
        catch (Exception e) when (IsSourceFailure(e))
        {
            throw Failed(e);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsSourceFailure(e))
        {
            throw Failed(e);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin) => Guard(() => inner.Seek(offset, origin));

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    // Storage errors keep their type (the job classifies them by status); argument errors are the reader's own.
    private static bool IsSourceFailure(Exception e) =>
        e is not (OperationCanceledException or RequestFailedException or ArgumentException or NotSupportedException);

    private T Guard<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (IsSourceFailure(e))
        {
            throw Failed(e);
        }
    }

    private SourceReadException Failed(Exception e) => new($"{fileName} could not be read: {e.Message}", e);
}
