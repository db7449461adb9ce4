namespace DriftJobs.Storage.Tests;

public sealed class StringPoolTests
{
    [Fact]
    public void Equal_values_get_one_shared_string_and_every_value_its_own_text()
    {
        var pool = new StringPool();
        var random = new Random(3);
        // Short, long, empty and near-identical values (same first and last four characters), many more than the
        // pool's cache has slots, in random order.
        var values = Enumerable.Range(0, 3_000).Select(i => (i % 5) switch
        {
            0 => $"m-{i}",
            1 => $"merchant-{i}-x",
            2 => $"abcd{new string('y', i % 40)}wxyz",
            3 => i % 2 == 0 ? "" : "é",
            _ => $"{i}",
        }).ToArray();
        var first = new Dictionary<string, string>(StringComparer.Ordinal);

        for (var round = 0; round < 4; round++)
        {
            foreach (var value in values.OrderBy(_ => random.Next()))
            {
                var got = pool.Get(value.ToCharArray());
                Assert.Equal(value, got);
                if (first.TryGetValue(value, out var earlier))
                {
                    Assert.Same(earlier, got);
                }
                else
                {
                    first[value] = got;
                }
            }
        }

        Assert.Equal(first.Count, pool.Count);
    }

    [Fact]
    public void UTF8_bytes_get_the_same_shared_string_as_their_text_and_invalid_bytes_decode_as_Encoding_UTF8_does()
    {
        var pool = new StringPool();
        var random = new Random(4);
        // Near-identical values (same length, first and last eight bytes) collide in the cache; invalid sequences
        // (a lone continuation byte, a cut multi-byte character, an overlong encoding) become U+FFFD.
        var values = Enumerable.Range(0, 3_000).Select(i => (i % 6) switch
        {
            0 => System.Text.Encoding.UTF8.GetBytes($"m-{i}"),
            1 => System.Text.Encoding.UTF8.GetBytes($"abcdefgh{new string('y', i % 40)}{i % 7}stuvwxyz"),
            2 => System.Text.Encoding.UTF8.GetBytes(i % 2 == 0 ? "" : "日本é🙂"),
            3 => [0x61, 0x80, (byte)(i % 10)],
            4 => [0xE6, 0x97, (byte)(0x30 + (i % 10))],
            _ => [0xC0, 0xAF, (byte)(i % 5)],
        }).ToArray();

        for (var round = 0; round < 3; round++)
        {
            foreach (var bytes in values.OrderBy(_ => random.Next()))
            {
                var expected = System.Text.Encoding.UTF8.GetString(bytes);
                var got = pool.GetUtf8(bytes);
                Assert.Equal(expected, got);
                Assert.Same(pool.Get(expected), got);
            }
        }
    }

    [Fact]
    public void Past_its_capacity_new_values_are_still_returned_but_not_remembered()
    {
        var pool = new StringPool(capacity: 10);

        var values = Enumerable.Range(0, 50).Select(i => pool.Get($"value-{i}".ToCharArray())).ToList();

        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"value-{i}"), values);
        Assert.Equal(10, pool.Count);
        Assert.Same(values[3], pool.Get("value-3".ToCharArray()));
    }
}
