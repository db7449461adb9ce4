namespace DriftJobs.Core.Performance;

/// <summary>
/// Counts of positive and negative labels per score, bounded for ROC AUC: every distinct score while there are at most
/// <see cref="MaxExactScores"/> of them (the AUC is then exact), beyond that scores rounded to the nearest multiple of
/// 1/<see cref="BinsPerUnit"/> (at most 65,537 bins). Rounding only turns pairs whose scores share a bin into ties,
/// each off by at most ½, so <see cref="RocAuc"/> reports that bound with the value. Whether and how scores are
/// rounded depends only on the set of scores seen, so merged histograms equal one pass over the same pairs.
/// </summary>
internal sealed class ScoreHistogram
{
    public const int MaxExactScores = 10_000;

    /// <summary>2^16: bins of width ~1.5e-5, small enough that a model's ranking is kept where AUC is read.</summary>
    public const double BinsPerUnit = 65_536;

    private Dictionary<double, (long Positive, long Negative)> _counts = [];

    public bool Binned { get; private set; }

    public long Positives { get; private set; }

    public long Negatives { get; private set; }

    public void Add(double score, bool positive) => Add(score, positive ? 1 : 0, positive ? 0 : 1);

    public void Merge(ScoreHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Binned && !Binned)
        {
            ToBins();
        }

        foreach (var (score, counts) in other._counts)
        {
            Add(score, counts.Positive, counts.Negative);
        }
    }

    /// <summary>
    /// sklearn's roc_auc_score (the area under the ROC curve, tied scores counting ½ a pair) and the bound on what
    /// rounding the scores may have changed; null without both a positive and a negative label.
    /// </summary>
    public (double Auc, double MaxError)? RocAuc()
    {
        if (Positives == 0 || Negatives == 0)
        {
            return null;
        }

        var scores = _counts.Keys.ToArray();
        Array.Sort(scores);
        // Twice the Mann–Whitney U, in integers, so the only rounding is the final division.
        Int128 twiceU = 0, tiedPairs = 0;
        long negativesBelow = 0;
        foreach (var score in scores)
        {
            var (positive, negative) = _counts[score];
            twiceU += (Int128)positive * ((2 * (Int128)negativesBelow) + negative);
            tiedPairs += (Int128)positive * negative;
            negativesBelow += negative;
        }

        var pairs = (double)((Int128)Positives * Negatives);
        return ((double)twiceU / (2 * pairs), Binned ? (double)tiedPairs / (2 * pairs) : 0);
    }

    private void Add(double score, long positive, long negative)
    {
        // +0.0 and −0.0 are one score (they compare equal, but the dictionary hashes them apart).
        score = score == 0 ? 0 : score;
        var key = Binned ? Bin(score) : score;
        _counts[key] = _counts.TryGetValue(key, out var c) ? (c.Positive + positive, c.Negative + negative) : (positive, negative);
        Positives += positive;
        Negatives += negative;
        if (!Binned && _counts.Count > MaxExactScores)
        {
            ToBins();
        }
    }

    private static double Bin(double score) => Math.Round(score * BinsPerUnit) / BinsPerUnit;

    private void ToBins()
    {
        var binned = new Dictionary<double, (long Positive, long Negative)>();
        foreach (var (score, c) in _counts)
        {
            var key = Bin(score);
            binned[key] = binned.TryGetValue(key, out var b) ? (b.Positive + c.Positive, b.Negative + c.Negative) : c;
        }

        _counts = binned;
        Binned = true;
    }
}
