using DriftJobs.Core.Performance;
using DriftJobs.Detector.Performance;
using DriftJobs.Testing;

namespace DriftJobs.Jobs.Tests;

/// <summary>
/// The join on its own, against a join done by hand with a dictionary: the in-memory path, one level of spill files,
/// partitions split again, and the depth limit.
/// </summary>
public sealed class GroundTruthJoinTests
{
    private static readonly DateTimeOffset[] Hours = [new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), new(2026, 1, 1, 1, 0, 0, TimeSpan.Zero)];

    [Theory]
    [InlineData(64L << 20, 1)]        // all in memory
    [InlineData(256L << 10, 16)]      // ~1,000 labels per table: one level of 16 partitions
    [InlineData(8L << 10, 17)]        // ~40 labels per table: partitions split again (more leaves than 16)
    public void Every_budget_gives_the_join_done_by_hand(long budgetBytes, int minimumPartitions)
    {
        var (labelFiles, predictions, expected) = Data(seed: 3);
        using var spill = TempDirectory.Create("join-");
        using var join = new GroundTruthJoin(PerformanceTask.Classification, budgetBytes, spill.FullName);
        var realized = new WindowPerformance(PerformanceTask.Classification, Hours);

        for (var file = 0; file < labelFiles.Count; file++)
        {
            join.AddLabels(file, labelFiles[file]);
        }

        join.AddPredictions(predictions, realized);
        join.Finish(realized);

        Assert.True(join.Partitions >= minimumPartitions, $"{join.Partitions} partitions");
        if (minimumPartitions == 1)
        {
            Assert.Equal(1, join.Partitions);
        }

        var total = realized.Total().Classification!.Compute();
        Assert.Equal(expected.Labelled, realized.Labelled);
        Assert.Equal(expected.Correct, total.ConfusionMatrix[0][0] + total.ConfusionMatrix[1][1]);
        Assert.Equal(expected.Duplicates, join.Duplicates);
        Assert.Equal(expected.WithoutPrediction, join.WithoutPrediction);
        Assert.Equal(predictions.Count, realized.Predictions);
        // Each partition's files go once joined: the disk holds at most one level's worth at a time.
        Assert.DoesNotContain(Directory.EnumerateFiles(spill.FullName, "*", SearchOption.AllDirectories), f => f.EndsWith(".labels", StringComparison.Ordinal));
    }

    [Fact]
    public void A_budget_no_split_can_meet_is_an_error_naming_the_setting()
    {
        var (labelFiles, predictions, _) = Data(seed: 4);
        using var spill = TempDirectory.Create("join-");
        using var join = new GroundTruthJoin(PerformanceTask.Classification, budgetBytes: 1, spill.FullName);
        var realized = new WindowPerformance(PerformanceTask.Classification, Hours);
        join.AddLabels(0, labelFiles[0]);
        join.AddPredictions(predictions, realized);

        var error = Assert.Throws<InvalidOperationException>(() => join.Finish(realized));

        Assert.Contains("DRIFT_JOIN_MEMORY_MB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_spill_folder_is_removed_on_dispose()
    {
        var (labelFiles, predictions, _) = Data(seed: 5);
        using var spill = TempDirectory.Create("join-");
        using (var join = new GroundTruthJoin(PerformanceTask.Classification, 4L << 10, spill.FullName))
        {
            join.AddLabels(0, labelFiles[0]);
            join.AddPredictions(predictions, new WindowPerformance(PerformanceTask.Classification, Hours));
            Assert.NotEmpty(Directory.EnumerateFileSystemEntries(spill.FullName));
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(spill.FullName));
    }

    private sealed record Expected(long Labelled, long Correct, long Duplicates, long WithoutPrediction);

    /// <summary>
    /// 3,000 predictions over two hours; labels for 70 % of them in three files (arrival order), a tenth of those
    /// labelled again in a later file with the opposite class (the later one wins), and 200 labels for unknown requests.
    /// </summary>
    private static (List<List<Label>> Files, List<Prediction> Predictions, Expected Expected) Data(int seed)
    {
        var random = new Random(seed);
        var predictions = new List<Prediction>();
        var files = new List<List<Label>> { new(), new(), new() };
        var latest = new Dictionary<string, string>();
        long rows = 0;
        for (var i = 0; i < 3000; i++)
        {
            var id = $"req-{i:D6}-{Guid.NewGuid():N}";
            var predicted = random.Next(2) == 0 ? "0" : "1";
            predictions.Add(new Prediction(id, i % 2, predicted, double.NaN, double.NaN));
            if (random.NextDouble() >= 0.7)
            {
                continue;
            }

            var label = random.NextDouble() < 0.8 ? predicted : (predicted == "0" ? "1" : "0");
            var file = random.Next(2);
            if (random.NextDouble() < 0.1)
            {
                files[file].Add(new Label(id, label == "0" ? "1" : "0", double.NaN));
                file = 2;
                rows++;
            }

            files[file].Add(new Label(id, label, double.NaN));
            latest[id] = label;
            rows++;
        }

        for (var i = 0; i < 200; i++)
        {
            files[random.Next(3)].Add(new Label($"unknown-{i}", "1", double.NaN));
            rows++;
        }

        // Shuffled within each file: arrival order is the file's, and a request's rows never share a file here.
        foreach (var file in files)
        {
            random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(file));
        }

        var correct = predictions.Count(p => latest.TryGetValue(p.RequestId!, out var l) && l == p.Text);
        return (files, predictions, new Expected(latest.Count, correct, rows - latest.Count - 200, 200));
    }
}
