using DriftJobs.Core.Profiles;
using DriftJobs.Core.Profiles.Segments;

namespace DriftJobs.Core.Tests;

/// <summary>Segmented baselines and windows from plain arrays, fed through a router as the jobs feed them (in batches of rows).</summary>
internal static class Segmented
{
    public const string Column = "country";

    public static BaselineProfile Baseline(
        Dictionary<string, double[]> numeric, string?[] segment, int maxSegments = 20, Dictionary<string, string?[]>? categorical = null, BaselineBuildOptions? options = null)
    {
        var whole = TestData.Baseline(numeric, categorical, options);
        var builder = new BaselineSegmentsBuilder(whole, [Column], maxSegments);
        Feed(builder.Keys, segment, [], null, BaselineSegmentsBuilder.MaxKeys + 1);
        Feed(builder.StartProfiles(), segment, numeric, categorical);
        return whole with { Segments = builder.Build() };
    }

    public static WindowProfile Window(BaselineProfile baseline, Dictionary<string, double[]> numeric, string?[] segment, Dictionary<string, string?[]>? categorical = null)
    {
        var window = new WindowProfile(baseline, segmented: true);
        foreach (var (name, values) in numeric)
        {
            window.AddNumeric(name, values);
        }

        foreach (var (name, values) in categorical ?? [])
        {
            window.AddCategorical(name, values);
        }

        window.AddRows(segment.Length);
        Feed(window.Segments!, segment, numeric, categorical);
        return window;
    }

    /// <summary>Values of <paramref name="values"/> whose segment is <paramref name="key"/>.</summary>
    public static T[] Of<T>(T[] values, string?[] segment, string? key) => values.Where((_, i) => segment[i] == key).ToArray();

    public static void Feed(SegmentWindows into, string?[] segment, Dictionary<string, double[]> numeric, Dictionary<string, string?[]>? categorical, int maxTrackedUnseen = SegmentWindows.MaxTrackedUnseen, int batch = 700)
    {
        var router = new SegmentRouter(into.Layout, maxTrackedUnseen);
        for (var start = 0; start < segment.Length; start += batch)
        {
            var length = Math.Min(batch, segment.Length - start);
            router.StartBatch(length);
            router.AddSegmentColumn(0, segment.AsSpan(start, length));
            foreach (var (name, values) in numeric)
            {
                into.AddNumeric(name, values.AsSpan(start, length), router.Codes());
            }

            foreach (var (name, values) in categorical ?? [])
            {
                into.AddCategorical(name, values.AsSpan(start, length), router.Codes());
            }
        }

        router.Commit(into);
    }
}
