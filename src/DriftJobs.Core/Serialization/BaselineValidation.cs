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
