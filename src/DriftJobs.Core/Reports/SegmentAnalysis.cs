using DriftJobs.Core.Profiles;
using DriftJobs.Core.Profiles.Segments;
using DriftJobs.Core.Statistics;

namespace DriftJobs.Core.Reports;

/// <summary>Judges every (segment, feature) with the whole window's statistics and rules, the tests of all segments with a verdict corrected as one family.</summary>
internal static class SegmentAnalysis
{
    private const int UnseenListed = 10;

    public static SegmentsSection Analyze(WindowProfile window, SegmentWindows segments, DriftThresholds settings)
    {
        var layout = segments.Layout;
        var monitored = window.Baseline.MonitoredFeatures.Select(f => f.Name).ToArray();
        var measured = segments.Windows.Select(w => DriftAnalyzer.MeasureAll([.. monitored.Select(name => w.Features[name])], settings)).ToArray();
        var judged = segments.Windows.Select(w => w.Rows >= settings.MinSamples).ToArray();

        // One family: a segment without a verdict adds no test.
        var pValues = measured.SelectMany((m, s) => m.Select(x => judged[s] ? x.PValue : double.NaN)).ToArray();
        var adjusted = MultipleTesting.Adjust(pValues, settings.MultipleTesting);
        var tests = adjusted.Count(p => !double.IsNaN(p));

        var trainingRows = window.Baseline.Source.Rows;
        var results = new List<SegmentDrift>();
        for (var s = 0; s < measured.Length; s++)
        {
            var w = segments.Windows[s];
            var features = measured[s]
                .Select((m, i) => DriftAnalyzer.Judge(m, judged[s] ? adjusted[(s * monitored.Length) + i] : m.PValue, settings, judged[s]))
                .ToArray();
            var drifted = features.Where(f => f.Drifted).ToArray();
            results.Add(new SegmentDrift
            {
                Key = layout.Keys[s],
                Rows = w.Rows,
                Share = Share(w.Rows, window.Rows),
                BaselineShare = Share(w.Baseline.Source.Rows, trainingRows),
                Judged = judged[s],
                DriftScore = judged[s] && features.Length > 0 ? (double)drifted.Length / features.Length : null,
                FeaturesDrifted = drifted.Length,
                DriftedFeatures = drifted.Select(f => f.Name).ToArray(),
                Features = drifted,
            });
        }

        var ordered = results.Select((r, i) => (r, i)).OrderByDescending(x => x.r.FeaturesDrifted).ThenBy(x => x.i).Select(x => x.r).ToArray();
        return new SegmentsSection
        {
            Columns = layout.Columns,
            TestsInFamily = tests,
            SegmentsJudged = results.Count(r => r.Judged),
            SegmentsDrifted = results.Count(r => r.FeaturesDrifted > 0),
            DriftedSegments = ordered.Where(r => r.FeaturesDrifted > 0).Select(r => r.Key).ToArray(),
            Segments = ordered,
            Unseen = new UnseenSegments
            {
                Rows = segments.UnseenRows,
                Share = Share(segments.UnseenRows, window.Rows),
                Top = segments.Unseen.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(UnseenListed)
                    .Select(kv => new UnseenSegment(kv.Key, kv.Value, Share(kv.Value, window.Rows))).ToArray(),
            },
        };
    }

    private static double Share(long part, long total) => total > 0 ? (double)part / total : 0;
}
