using Azure.Storage.Blobs;
using DriftJobs.Storage.Blobs;
using DriftJobs.Testing;

namespace DriftJobs.Storage.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class InferenceLogWindowTests(AzuriteFixture azurite)
{
    // Window [2026-01-05T07:00Z, 2026-01-05T10:00Z): hours 07, 08 and 09.
    private static readonly DateTimeOffset End = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Lists_exactly_the_window_hours_in_every_partition_spelling_sorted_by_name()
    {
        var container = await azurite.CreateContainerAsync();
        var inside = new[]
        {
            "inference-logs/year=2026/month=01/day=05/hour=07/part-b.parquet", // our logger: all padded
            "inference-logs/year=2026/month=01/day=05/hour=07/part-a.parquet",
            "inference-logs/year=2026/month=1/day=5/hour=8/data_0.parquet",      // DuckDB / Spark: none padded
            "inference-logs/year=2026/month=01/day=5/hour=9/mixed.parquet",      // mixed
            "inference-logs/year=2026/month=1/day=05/hour=09/mixed2.PARQUET",
            "inference-logs/year=2026/month=1/day=5/hour=8/model_name=m/nested.parquet",
        };
        var outside = new[]
        {
            "inference-logs/year=2026/month=01/day=05/hour=10/at-the-end.parquet",   // the end is exclusive
            "inference-logs/year=2026/month=1/day=5/hour=6/before.parquet",
            "inference-logs/year=2026/month=01/day=06/hour=08/next-day.parquet",
            "inference-logs/year=2025/month=01/day=05/hour=08/last-year.parquet",
            "inference-logs/year=2026/month=01/day=05/hour=08/_SUCCESS",
            "inference-logs/year=2026/month=01/day=05/hour=08/notes.json",
            "other-logs/year=2026/month=01/day=05/hour=08/other-root.parquet",
            "inference-logs/year=2026/month=01/day=05/hour=008/odd-padding.parquet",
            "inference-logs-old/year=2026/month=01/day=05/hour=08/sibling-root.parquet",
        };
        var uploaded = new Dictionary<string, (long Size, Azure.ETag ETag)>();
        var size = 10;
        foreach (var name in inside.Concat(outside))
        {
            var response = await container.UploadBlobAsync(name, new BinaryData(new byte[size]));
            uploaded[name] = (size++, response.Value.ETag);
        }

        var blobs = await InferenceLogWindow.ListAsync(container, new StorageLayout(), End, hours: 3);

        Assert.Equal(inside.Order(StringComparer.Ordinal), blobs.Select(b => b.Name));
        // Listings spell ETags unquoted, upload responses quoted; the value is the same.
        Assert.All(blobs, b => Assert.Equal((uploaded[b.Name].Size, uploaded[b.Name].ETag.ToString().Trim('"')), (b.Size, b.ETag.ToString().Trim('"'))));
        Assert.Equal(End.AddHours(-3), blobs.Single(b => b.Name.EndsWith("part-a.parquet", StringComparison.Ordinal)).Hour);
        Assert.Equal(End.AddHours(-2), blobs.Single(b => b.Name.EndsWith("data_0.parquet", StringComparison.Ordinal)).Hour);
        Assert.Equal(End.AddHours(-1), blobs.Single(b => b.Name.EndsWith("mixed2.PARQUET", StringComparison.Ordinal)).Hour);
    }

    [Fact]
    public async Task A_window_over_half_a_day_lists_the_day_and_keeps_exactly_its_hours()
    {
        var container = await azurite.CreateContainerAsync();
        var inside = new[]
        {
            "inference-logs/year=2026/month=01/day=05/hour=08/first.parquet",
            "inference-logs/year=2026/month=1/day=5/hour=9/unpadded.parquet",
            "inference-logs/year=2026/month=01/day=5/hour=12/pod-a/nested.parquet",
            "inference-logs/year=2026/month=01/day=05/hour=19/last.PARQUET",
        };
        var outside = new[]
        {
            "inference-logs/year=2026/month=01/day=05/hour=07/before.parquet",
            "inference-logs/year=2026/month=01/day=05/hour=20/the-end-is-exclusive.parquet",
            "inference-logs/year=2026/month=01/day=05/hour=008/odd-padding.parquet",
            "inference-logs/year=2026/month=01/day=05/hour=24/no-such-hour.parquet",
            "inference-logs/year=2026/month=01/day=05/hour=+9/signed.parquet",
            "inference-logs/year=2026/month=01/day=05/loose-in-the-day.parquet",
            "inference-logs/year=2026/month=01/day=05/hours=10/not-an-hour-folder.parquet",
            "inference-logs/year=2026/month=01/day=05/hour=10/_SUCCESS",
            "inference-logs/year=2026/month=01/day=050/hour=10/other-day.parquet",
        };
        foreach (var name in inside.Concat(outside))
        {
            await Upload(container, name);
        }

        // 12 hours of one day: the day is listed whole (StorageLayout.DayPrefixes) and filtered to the window's hours.
        Assert.Equal(12, InferenceLogWindow.WholeDayFrom);
        var end = new DateTimeOffset(2026, 1, 5, 20, 0, 0, TimeSpan.Zero);
        var blobs = await InferenceLogWindow.ListAsync(container, new StorageLayout(), end, hours: 12);

        Assert.Equal(inside.Order(StringComparer.Ordinal), blobs.Select(b => b.Name));
        Assert.Equal([8, 9, 12, 19], blobs.OrderBy(b => b.Hour).Select(b => b.Hour.Hour));
        // The same files as hour-by-hour listings find (11 hours of the day: below the threshold).
        var hourly = await InferenceLogWindow.ListAsync(container, new StorageLayout(), end, hours: 11);
        Assert.Equal(inside.Where(n => !n.Contains("hour=08", StringComparison.Ordinal)).Order(StringComparer.Ordinal), hourly.Select(b => b.Name));
    }

    [Theory]
    [InlineData("hour=7/a.parquet", 7)]
    [InlineData("hour=07/a.parquet", 7)]
    [InlineData("hour=23/x/a.parquet", 23)]
    [InlineData("hour=0/a.parquet", 0)]
    [InlineData("hour=007/a.parquet", null)]
    [InlineData("hour=24/a.parquet", null)]
    [InlineData("hour=/a.parquet", null)]
    [InlineData("hour=-1/a.parquet", null)]
    [InlineData("hour=7", null)]
    [InlineData("a.parquet", null)]
    public void An_hour_folder_below_a_day_is_read_as_the_hour_listings_spell_it(string belowDay, int? hour) =>
        Assert.Equal(hour, StorageLayout.HourFolder(belowDay));

    [Fact]
    public async Task Hour_1_does_not_pick_up_hours_10_to_19()
    {
        var container = await azurite.CreateContainerAsync();
        await Upload(container, "logs/year=2026/month=10/day=10/hour=1/a.parquet");
        await Upload(container, "logs/year=2026/month=10/day=10/hour=10/b.parquet");
        await Upload(container, "logs/year=2026/month=10/day=10/hour=11/c.parquet");

        var blobs = await InferenceLogWindow.ListAsync(container, new StorageLayout("logs"), new DateTimeOffset(2026, 10, 10, 2, 0, 0, TimeSpan.Zero), 1);

        Assert.Equal(["logs/year=2026/month=10/day=10/hour=1/a.parquet"], blobs.Select(b => b.Name));
    }

    [Fact]
    public async Task A_window_crossing_midnight_and_a_month_reads_both_days()
    {
        var container = await azurite.CreateContainerAsync();
        await Upload(container, "year=2026/month=1/day=31/hour=23/late.parquet");
        await Upload(container, "year=2026/month=02/day=01/hour=00/early.parquet");
        await Upload(container, "year=2026/month=2/day=1/hour=1/outside.parquet");

        var blobs = await InferenceLogWindow.ListAsync(container, new StorageLayout("/"), new DateTimeOffset(2026, 2, 1, 1, 0, 0, TimeSpan.Zero), 2);

        Assert.Equal(["year=2026/month=02/day=01/hour=00/early.parquet", "year=2026/month=1/day=31/hour=23/late.parquet"], blobs.Select(b => b.Name));
    }

    [Fact]
    public async Task An_empty_window_is_an_empty_list()
    {
        var container = await azurite.CreateContainerAsync();
        await Upload(container, "inference-logs/year=2026/month=01/day=05/hour=01/a.parquet");
        Assert.Empty(await InferenceLogWindow.ListAsync(container, new StorageLayout(), End, 2));
    }

    private static Task Upload(BlobContainerClient container, string name) => container.UploadBlobAsync(name, new BinaryData(new byte[1]));
}

public sealed class LocalLogWindowTests
{
    private static readonly DateTimeOffset End = new(2026, 3, 4, 5, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Lists_the_window_hours_files_by_their_names_in_the_container_without_following_links()
    {
        var root = Directory.CreateTempSubdirectory("drift-local-");
        try
        {
            string Hour(int h, bool padded = true) => Path.Combine(root.FullName, "inference-logs", "year=2026", "month=03", "day=04", padded ? $"hour={h:D2}" : $"hour={h}");
            void Touch(string path)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, "x");
            }

            Touch(Path.Combine(Hour(4), "a.parquet"));
            Touch(Path.Combine(Hour(4), "deep", "b.PARQUET"));
            Touch(Path.Combine(Hour(4), "notes.txt"));
            Touch(Path.Combine(Hour(3, padded: false), "c.parquet"));
            Touch(Path.Combine(Hour(5), "after-the-window.parquet"));
            // A loop back to its own hour, and a link to another hour: neither may list a file twice.
            Directory.CreateSymbolicLink(Path.Combine(Hour(4), "deep", "loop"), Hour(4));
            Directory.CreateSymbolicLink(Path.Combine(Hour(4), "previous"), Hour(3, padded: false));
            File.CreateSymbolicLink(Path.Combine(Hour(4), "link.parquet"), Path.Combine(Hour(4), "a.parquet"));

            var files = InferenceLogWindow.ListLocal(root.FullName, new StorageLayout(), End, hours: 2);

            Assert.Equal(
                [
                    "inference-logs/year=2026/month=03/day=04/hour=04/a.parquet",
                    "inference-logs/year=2026/month=03/day=04/hour=04/deep/b.PARQUET",
                    "inference-logs/year=2026/month=03/day=04/hour=3/c.parquet",
                ],
                files.Select(f => f.Name));
            Assert.Equal([End.AddHours(-1), End.AddHours(-1), End.AddHours(-2)], files.Select(f => f.Hour));
            Assert.All(files, f => Assert.Equal(1, f.Size));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_missing_root_is_named()
    {
        var error = Assert.Throws<DirectoryNotFoundException>(() => InferenceLogWindow.ListLocal("/no/such/logs", new StorageLayout(), End, 1));
        Assert.Contains("/no/such/logs", error.Message, StringComparison.Ordinal);
    }
}
