namespace DriftJobs.Core.Profiles.Segments;

/// <summary>Turns a segment's training counts into a baseline of its own, and a window counted on the whole baseline into such counts.</summary>
internal static class SegmentReference
{
    /// <summary>
    /// The whole baseline with the segment's shares: the same edges, grid points and categories (so the segment's
    /// window counts on the same boundaries), the segment's bin shares, ECDF, category shares and row counts. The
    /// rest (mean, std, min, max, quantiles) stays the whole training set's: out-of-range and the normed Wasserstein
    /// distance are measured against the whole training data.
    /// </summary>
    public static BaselineProfile For(BaselineProfile whole, SegmentProfile segment)
    {
        var features = new FeatureProfile[whole.Features.Count];
        for (var i = 0; i < features.Length; i++)
        {
            var f = whole.Features[i];
            var s = segment.Features[i];
            var valid = s.Valid;
            features[i] = f.Kind == FeatureKind.Numeric ? Numeric(f, s, valid) : Categorical(f, s, valid);
        }

        return whole with
        {
            Source = new BaselineSource { Description = $"{whole.Source.Description}, segment {segment.Key}", Rows = segment.Rows },
            Features = features,
            Performance = null,
            Segments = null,
        };
    }

    /// <summary>A segment's counts from its window counted on the whole baseline (the baseline job's second read).</summary>
    public static SegmentProfile Count(string key, WindowProfile window) => new()
    {
        Key = key,
        Rows = window.Rows,
        Features = window.Baseline.Features.Select(f => window.Features[f.Name] switch
        {
            NumericWindow n => new SegmentFeatureProfile
            {
                Name = f.Name,
                Rows = n.Rows,
                Missing = n.Missing,
                Invalid = n.Invalid,
                BinCounts = n.BinCounts.Select(c => (double)c).ToArray(),
                KsCounts = AtOrBelow(n),
            },
            CategoricalWindow c => new SegmentFeatureProfile
            {
                Name = f.Name,
                Rows = c.Rows,
                Missing = c.Missing,
                Invalid = c.Invalid,
                CategoryCounts = c.CategoryCounts.Select(x => (double)x).ToArray(),
                OtherCount = c.OtherCount,
            },
            _ => throw new InvalidOperationException("Unknown feature window."),
        }).ToArray(),
    };

    private static double[] AtOrBelow(NumericWindow n)
    {
        var equal = n.EqualCounts;
        var gaps = n.GapCounts;
        var counts = new double[equal.Length];
        var below = 0L;
        for (var j = 0; j < equal.Length; j++)
        {
            below += gaps[j] + equal[j];
            counts[j] = below;
        }

        return counts;
    }

    private static FeatureProfile Numeric(FeatureProfile f, SegmentFeatureProfile s, long valid)
    {
        var whole = f.Numeric!;
        var numeric = whole with
        {
            PsiBins = new PsiBins { Edges = whole.PsiBins.Edges, Expected = Shares(s.BinCounts!, valid) },
            KsReference = whole.KsReference with { Cumulative = Shares(s.KsCounts!, valid), Count = valid },
        };
        NumericBoundaries.Share(f.Name, numeric, whole);
        return f with { Rows = s.Rows, Missing = s.Missing, Invalid = s.Invalid, Numeric = numeric };
    }

    private static FeatureProfile Categorical(FeatureProfile f, SegmentFeatureProfile s, long valid)
    {
        var whole = f.Categorical!;
        var counts = s.CategoryCounts!;
        return f with
        {
            Rows = s.Rows,
            Missing = s.Missing,
            Invalid = s.Invalid,
            Categorical = whole with
            {
                Categories = whole.Categories.Select((c, j) => new CategoryShare(c.Value, (long)counts[j], valid > 0 ? counts[j] / valid : 0)).ToArray(),
                OtherShare = valid > 0 ? (double)s.OtherCount!.Value / valid : 0,
            },
        };
    }

    private static double[] Shares(IReadOnlyList<double> counts, long valid)
    {
        var shares = new double[counts.Count];
        if (valid > 0)
        {
            for (var i = 0; i < shares.Length; i++)
            {
                shares[i] = counts[i] / valid;
            }
        }

        return shares;
    }
}
