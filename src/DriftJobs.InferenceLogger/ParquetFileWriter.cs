using Parquet;
using Parquet.Schema;

namespace DriftJobs.InferenceLogger;

/// <summary>
/// Writes one Parquet file (one row group, Snappy) of a fixed schema into a fresh buffer: what every encoder does
/// around its own columns. Used by one writer loop at a time.
/// </summary>
internal sealed class ParquetFileWriter(ParquetSchema schema)
{
    // Sampling keeps Parquet.Net from scanning a whole column of unique values (request ids, continuous
    // features) for dictionary encoding, which costs more than the rest of the encoding together.
    private readonly ParquetOptions _parquetOptions = new() { CompressionMethod = CompressionMethod.Snappy, DictionaryEncodingSampleSize = 1_000 };
    private int _lastFileSize = 1 << 16;

    /// <summary>A file whose single row group <paramref name="writeColumns"/> fills, column by column in schema order.</summary>
    public async Task<ReadOnlyMemory<byte>> WriteAsync(Func<ParquetRowGroupWriter, CancellationToken, Task> writeColumns, CancellationToken cancellationToken = default)
    {
        // A fresh buffer per file, sized from the last one: the bytes outlive this call (retries, spill).
        var stream = new MemoryStream(_lastFileSize + (_lastFileSize / 8));
        var writer = await ParquetWriter.CreateAsync(schema, stream, _parquetOptions, cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            using var rowGroup = writer.CreateRowGroup();
            await writeColumns(rowGroup, cancellationToken).ConfigureAwait(false);
            rowGroup.CompleteValidate();
        }

        _lastFileSize = (int)stream.Length;
        return new ReadOnlyMemory<byte>(stream.GetBuffer(), 0, (int)stream.Length);
    }
}
