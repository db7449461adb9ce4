using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Xunit;

namespace DriftJobs.Testing;

/// <summary>Takes a stored hour profile apart (gzip over "DJHP", the header's length, the JSON header, the binary counts) and back, for tests that damage one part.</summary>
public static class StoredProfile
{
    public static (JsonNode Header, byte[] Counts) Unpack(byte[] gzipped)
    {
        using var gzip = new GZipStream(new MemoryStream(gzipped), CompressionMode.Decompress);
        using var bytes = new MemoryStream();
        gzip.CopyTo(bytes);
        var all = bytes.ToArray();
        Assert.Equal("DJHP"u8.ToArray(), all[..4]);
        var length = BinaryPrimitives.ReadInt32LittleEndian(all.AsSpan(4));
        return (JsonNode.Parse(all.AsSpan(8, length))!, all[(8 + length)..]);
    }

    public static byte[] Pack(JsonNode header, byte[] counts)
    {
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        using var bytes = new MemoryStream();
        using (var gzip = new GZipStream(bytes, CompressionLevel.Fastest))
        {
            gzip.Write("DJHP"u8);
            var length = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(length, json.Length);
            gzip.Write(length);
            gzip.Write(json);
            gzip.Write(counts);
        }

        return bytes.ToArray();
    }
}
