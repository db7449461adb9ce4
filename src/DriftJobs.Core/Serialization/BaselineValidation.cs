using DriftJobs.Core.Performance;
using DriftJobs.Core.Profiles;

namespace DriftJobs.Core.Serialization;

/// <summary>
/// Checks what JSON typing cannot: a hand-edited or truncated-then-repaired baseline would otherwise give
/// silently wrong drift numbers, or an index error deep inside the detector.
/// </summary>
internal static class BaselineValidation
{
    public static void Validate(BaselineProfile baseline, string source)
    {
        Require(baseline.Source.Rows >= 0, source, "source.rows", "the training rows cannot be negative");
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < baseline.Features.Count; i++)
        {
            // JSON typing lets a list's elements be null: [null] would otherwise end in a NullReferenceException.
            var f = baseline.Features[i];
            Require(f is not null, source, $"features[{i}]", "a feature cannot be null");
            var at = $"features[{i}] ('{f!.Name}')";
            Require(names.Add(f.Name), source, at, "the feature name appears twice");
            Require(f.Rows >= 0 && f.Missing >= 0 && f.Invalid >= 0 && f.Missing + f.Invalid <= f.Rows, source, at, "rows, missing and invalid are inconsistent");
            if (f.Kind == FeatureKind.Numeric)
            {
                Require(f.Numeric is not null, source, at, "a numeric feature needs 'numeric'");
                var n = f.Numeric!;
                Require(n.PsiBins.Expected.Count == n.PsiBins.Edges.Count + 1 || (n.PsiBins.Edges.Count == 0 && n.PsiBins.Expected.Count == 0),
                    source, at + ".numeric.psi_bins", "expected needs one share more than edges");
                Require(IsStrictlyIncreasing(n.PsiBins.Edges.AsSpan()), source, at + ".numeric.psi_bins.edges", "edges must be strictly increasing");
                Require(n.KsReference.Values.Count == n.KsReference.Cumulative.Count, source, at + ".numeric.ks_reference", "values and cumulative differ in length");
                Require(IsStrictlyIncreasing(n.KsReference.Values.AsSpan()), source, at + ".numeric.ks_reference.values", "values must be strictly increasing");
                Require(IsNonDecreasingWithin(n.KsReference.Cumulative.AsSpan(), 0, 1),
                    source, at + ".numeric.ks_reference.cumulative", "shares must rise within (0, 1]");
                Require(n.KsReference.Count >= 0 && (n.KsReference.Count == 0) == (n.KsReference.Values.Count == 0),
                    source, at + ".numeric.ks_reference.count", "count must be positive exactly when there are points");
            }
            else
            {
                Require(f.Categorical is not null, source, at, "a categorical feature needs 'categorical'");
                var c = f.Categorical!;
                Require(c.Categories.All(x => x is not null), source, at + ".categorical.categories", "a category cannot be null");
                Require(c.Categories.Select(x => x.Value).Distinct(StringComparer.Ordinal).Count() == c.Categories.Count,
                    source, at + ".categorical.categories", "a category appears twice");
                Require(c.Categories.All(x => x.Share is >= 0 and <= 1) && c.OtherShare is >= 0 and <= 1,
                    source, at + ".categorical", "shares must lie in [0, 1]");
            }
        }

        if (baseline.Performance is { } performance)
        {
            ValidatePerformance(performance, source);
        }

        if (baseline.Segments is { } segments)
        {
            ValidateSegments(baseline, segments, source);
        }
    }

    /// <summary>
    /// Every segment's counts must fit the whole profile's bins, grid and categories and add up within the segment:
    /// the detector turns them into shares and compares windows with them.
    /// </summary>
    private static void ValidateSegments(BaselineProfile baseline, Profiles.Segments.BaselineSegments segments, string source)
    {
        Require(segments.Columns is { Count: > 0 } && segments.Columns.All(c => !string.IsNullOrEmpty(c)) && segments.Columns.Distinct(StringComparer.Ordinal).Count() == segments.Columns.Count,
            source, "segments.columns", "needs one or more distinct column names");
        Require(segments.Segments is not null && segments.Segments.All(x => x is not null) && segments.OtherKeys is not null && segments.OtherKeys.All(x => x is not null),
            source, "segments", "segments and other_keys cannot be or hold null");
        Require(segments.Segments!.Select(x => x.Key).Distinct(StringComparer.Ordinal).Count() == segments.Segments!.Count, source, "segments.segments", "a key appears twice");
        Require(segments.Segments.Sum(x => x.Rows) <= baseline.Source.Rows, source, "segments.segments", "the segments hold more rows than the training data");
        for (var i = 0; i < segments.Segments.Count; i++)
        {
            var segment = segments.Segments[i];
            var at = $"segments.segments[{i}] ('{segment.Key}')";
            Require(segment.Rows >= 0 && segment.Features is not null && segment.Features.Count == baseline.Features.Count,
                source, at, "needs its rows and every feature of the baseline");
            for (var j = 0; j < baseline.Features.Count; j++)
            {
                var f = baseline.Features[j];
                var c = segment.Features![j];
                var field = $"{at}.features[{j}]";
                Require(c is not null && c.Name == f.Name && c.Rows == segment.Rows && c.Missing >= 0 && c.Invalid >= 0 && c.Missing + c.Invalid <= c.Rows,
                    source, field, $"must be '{f.Name}' with consistent rows, missing and invalid");
                if (f.Kind == FeatureKind.Numeric)
                {
                    var n = f.Numeric!;
                    Require(c!.BinCounts is { } bins && bins.Count == n.PsiBins.Expected.Count && AreCounts(bins) && bins.Sum() == c.Valid,
                        source, field + ".bin_counts", "needs a count per PSI bin, adding up to the valid values");
                    Require(c.KsCounts is { } ks && ks.Count == n.KsReference.Values.Count && AreCounts(ks) && IsNonDecreasingWithin(ks.AsSpan(), -1, c.Valid),
                        source, field + ".ks_counts", "needs a rising count per KS point, at most the valid values");
                }
                else
                {
                    Require(c!.CategoryCounts is { } counts && counts.Count == f.Categorical!.Categories.Count && AreCounts(counts) && c.OtherCount >= 0 && counts.Sum() + c.OtherCount == c.Valid,
                        source, field + ".category_counts", "needs a count per category, adding up with other_count to the valid values");
                }
            }
        }
    }

    private static bool AreCounts(IReadOnlyList<double> values) => values.All(v => v >= 0 && v == Math.Floor(v) && v <= (1L << 53));

    /// <summary>
    /// The reference the detector tests every window's performance against: counts that do not add up or a summary of
    /// the other task would make its tests compare nonsense, or fail on a null deep inside it.
    /// </summary>
    private static void ValidatePerformance(ReferencePerformance p, string source)
    {
        const string at = "performance";
        Require(p.Rows >= 0 && p.Unlabelled >= 0 && p.Unlabelled <= p.Rows, source, at, "rows and unlabelled are inconsistent");
        var labelled = p.Rows - p.Unlabelled;
        if (p.Task == PerformanceTask.Regression)
        {
            Require(p.Regression is not null && p.Classification is null, source, at, "a regression needs 'regression' and no 'classification'");
            Require(p.PositiveClass is null, source, at + ".positive_class", "a regression has no positive class");
            var r = p.Regression!;
            Require(r.Count == labelled, source, at + ".regression.count", "must be rows − unlabelled");
            Require(r.Mae is null or >= 0 && r.Rmse is null or >= 0, source, at + ".regression", "errors cannot be negative");
            Require(p.Calibration is null, source, at + ".calibration", "a regression has no scores to calibrate");
            return;
        }

        Require(p.Classification is not null && p.Regression is null, source, at, "a classification needs 'classification' and no 'regression'");
        var c = p.Classification!;
        Require(c.Count == labelled, source, at + ".classification.count", "must be rows − unlabelled");
        Require(c.Errors >= 0 && c.Errors <= c.Count, source, at + ".classification.errors", "must lie between 0 and count");
        Require(c.ScoredCount >= 0 && c.ScoredCount <= c.Count, source, at + ".classification.scored_count", "must lie between 0 and count");
        Require(c.Classes.All(x => x is not null) && c.Classes.Distinct(StringComparer.Ordinal).Count() == c.Classes.Count,
            source, at + ".classification.classes", "a class is null or appears twice");
        Require(c.PerClass.Count == c.Classes.Count && c.PerClass.All(x => x is not null),
            source, at + ".classification.per_class", "needs one entry per class");
        Require(c.ConfusionMatrix.Count == c.Classes.Count && c.ConfusionMatrix.All(row => row is not null && row.Count == c.Classes.Count && row.All(n => n >= 0)),
            source, at + ".classification.confusion_matrix", "must be a square of non-negative counts, one row and column per class");
        Require(c.ConfusionMatrix.Sum(row => row.Sum()) == c.Count, source, at + ".classification.confusion_matrix", "its counts must add up to count");
        Require(string.Equals(p.PositiveClass, c.PositiveClass, StringComparison.Ordinal) && (p.PositiveClass is null || c.Classes.Contains(p.PositiveClass)),
            source, at + ".positive_class", "must be classification.positive_class and one of the classes");
        Require(new[] { c.Accuracy, c.Precision, c.Recall, c.F1, c.MacroPrecision, c.MacroRecall, c.MacroF1, c.RocAuc }.All(v => v is null or >= 0 and <= 1)
            && c.LogLoss is null or >= 0, source, at + ".classification", "a metric lies outside its range");
        if (p.Calibration is { } calibration)
        {
            ValidateCalibration(calibration, p.PositiveClass, c.ScoredCount, source);
        }
    }

    /// <summary>
    /// The detector trusts a window's estimated performance only when <c>ece</c> is small: an edited or corrupted
    /// calibration would switch the estimate on for a model it misleads about.
    /// </summary>
    private static void ValidateCalibration(CalibrationSummary s, string? positiveClass, long scoredCount, string source)
    {
        const string at = "performance.calibration";
        Require(positiveClass is not null, source, at, "needs a positive class to check the scores against");
        // The builder feeds every scored row it counts in scored_count, and only those.
        Require(s.Count > 0 && s.Count == scoredCount, source, at + ".count", "must be classification.scored_count, and positive");
        Require(s.Ece is >= 0 and <= 1, source, at + ".ece", "must lie in [0, 1]");
        Require(s.Bins is { Count: > 0 } && s.Bins.All(b => b is not null), source, at + ".bins", "needs at least one bin, none null");
        for (var k = 0; k < s.Bins.Count; k++)
        {
            var b = s.Bins[k];
            Require(b.Lower is >= 0 and < 1 && b.Upper is > 0 and <= 1 && b.Lower < b.Upper && (k == 0 || b.Lower >= s.Bins[k - 1].Upper),
                source, $"{at}.bins[{k}]", "bins must be increasing, disjoint ranges within [0, 1]");
            Require(b.Count > 0 && b.Count <= s.Count, source, $"{at}.bins[{k}].count", "a listed bin is not empty, nor larger than count");
            Require(b.MeanScore is >= 0 and <= 1 && b.PositiveRate is >= 0 and <= 1, source, $"{at}.bins[{k}]", "mean_score and positive_rate lie in [0, 1]");
        }

        Require(s.Bins.Sum(b => b.Count) == s.Count, source, at + ".bins", "their counts must add up to count");
    }

    private static bool IsStrictlyIncreasing(ReadOnlySpan<double> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]) || (i > 0 && !(values[i] > values[i - 1])))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Non-decreasing, every value in (above, atMost]; NaN is never within.</summary>
    private static bool IsNonDecreasingWithin(ReadOnlySpan<double> values, double above, double atMost)
    {
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            if (!(v > above && v <= atMost) || (i > 0 && v < values[i - 1]))
            {
                return false;
            }
        }

        return true;
    }

    private static void Require(bool ok, string source, string field, string problem)
    {
        if (!ok)
        {
            throw new InvalidDataException($"{source}: field {field}: {problem}.");
        }
    }
}
