namespace DriftJobs.Testing;

/// <summary>A file whose bytes in [start, end) fail to read, as a damaged disk or a dropped connection would.</summary>
public sealed class UnreadableRange(byte[] content, long start, long end) : MemoryStream(content, 0, content.Length, writable: false, publiclyVisible: true)
{
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.Length > 0 && Position < end && Position + buffer.Length > start)
        {
            throw new IOException($"bytes {start}..{end} are unreadable");
        }

        var count = (int)Math.Min(buffer.Length, Length - Position);
        GetBuffer().AsSpan((int)Position, count).CopyTo(buffer);
        Position += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));
}
