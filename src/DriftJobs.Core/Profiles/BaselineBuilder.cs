namespace DriftJobs.Core.Profiles;

/// <summary>
/// Builds a <see cref="BaselineProfile"/> from training data fed as column batches, in any split. Features keep
/// the order in which they are first seen.
/// </summary>
internal sealed class BaselineBuilder
{
    private readonly BaselineBuildOptions _options;
    private readonly Dictionary<string, FeatureAccumulator> _features = new(StringComparer.Ordinal);
    private readonly List<FeatureAccumulator> _order = [];
    private long _rows;

    public BaselineBuilder(BaselineBuildOptions options)
    {
        options.Validate();
        _options = options;
    }

    /// <summary>Rows of training data read so far (the caller adds each batch's row count once).</summary>
    public void AddRows(long rows) => _rows += rows;

    /// <summary>Numeric values; NaN means missing, ±∞ invalid.</summary>
    public void AddNumeric(string feature, ReadOnlySpan<double> values) =>
        ((NumericAccumulator)Get(feature, FeatureKind.Numeric)).Add(values);

    /// <summary>Categorical values; null means missing.</summary>
    public void AddCategorical(string feature, ReadOnlySpan<string?> values) =>
        ((CategoricalAccumulator)Get(feature, FeatureKind.Categorical)).Add(values);

    /// <summary>
    /// Adds a feature before any of its values (features otherwise appear in the order first seen). Once every feature
    /// is declared, batches of different features may be added from different threads at the same time; batches of
    /// one feature must still come from one thread at a time, in order.
    /// </summary>
    public void Declare(string feature, FeatureKind kind) => Get(feature, kind);

    /// <summary>Rows of a source that has no column for the feature: they count as missing.</summary>
    public void AddMissing(string feature, FeatureKind kind, long rows) => Get(feature, kind).AddMissing(rows);

    public BaselineProfile Build(string modelName, string modelVersion, string sourceDescription, DateTimeOffset createdAt) => new()
    {
        SchemaVersion = BaselineProfile.CurrentSchemaVersion,
        ModelName = modelName,
        ModelVersion = modelVersion,
        CreatedAt = createdAt,
        Source = new BaselineSource { Description = sourceDescription, Rows = _rows },
        Settings = new ProfileParameters
        {
            PsiBins = _options.PsiBins,
            KsReferencePoints = _options.KsReferencePoints,
            MaxCategories = _options.MaxCategories,
            SampleSize = _options.SampleSize,
        },
        Features = BuildFeatures(),
    };

    /// <summary>
    /// Features are independent and each numeric one sorts its sample (about 80 ms per million values), so they are
    /// built on every core; each result lands at its feature's index, so the order never depends on scheduling.
    /// </summary>
    private FeatureProfile[] BuildFeatures()
    {
        var features = new FeatureProfile[_order.Count];
        Parallel.For<double[]?>(0, _order.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, () => null, (i, _, scratch) =>
        {
            features[i] = _order[i].Build(ref scratch);
            return scratch;
        }, _ => { });
        return features;
    }

    private FeatureAccumulator Get(string feature, FeatureKind kind)
    {
        if (_features.TryGetValue(feature, out var accumulator))
        {
            return accumulator.Kind == kind
                ? accumulator
                : throw new InvalidDataException($"Feature '{feature}' was read as {accumulator.Kind} and then as {kind}: its type differs between inputs.");
        }

        var role = string.Equals(feature, _options.TargetColumn, StringComparison.Ordinal) ? FeatureRole.Target : FeatureRole.Feature;
        accumulator = kind == FeatureKind.Numeric
            ? new NumericAccumulator(feature, role, _options)
            : new CategoricalAccumulator(feature, role, _options);
        _features.Add(feature, accumulator);
        _order.Add(accumulator);
        return accumulator;
    }

    private abstract class FeatureAccumulator(string name, FeatureRole role)
    {
        protected string Name { get; } = name;

        protected FeatureRole Role { get; } = role;

        protected long Rows { get; set; }

        protected long Missing { get; set; }

        public abstract FeatureKind Kind { get; }

        public void AddMissing(long rows)
        {
            Rows += rows;
            Missing += rows;
        }

        /// <param name="scratch">Room for a sorted sample, reused across the features one thread builds.</param>
        public abstract FeatureProfile Build(ref double[]? scratch);
    }

    private sealed class NumericAccumulator(string name, FeatureRole role, BaselineBuildOptions options) : FeatureAccumulator(name, role)
    {
        private readonly ValueReservoir _sample = new(options.SampleSize, SampleRandom.ForFeature(name));
        private long _invalid;
        private long _valid;
        private double _mean;
        private double _m2;
        private double _min = double.PositiveInfinity;
        private double _max = double.NegativeInfinity;

        public override FeatureKind Kind => FeatureKind.Numeric;

        public void Add(ReadOnlySpan<double> values)
        {
            Rows += values.Length;
            // Locals rather than fields: the JIT keeps them in registers, which makes this loop several times faster
            // with the very same arithmetic (so the same bits) as before.
            var missing = 0L;
            var invalid = 0L;
            var valid = _valid;
            var mean = _mean;
            var m2 = _m2;
            var min = _min;
            var max = _max;
            var run = 0;
            for (var i = 0; i < values.Length; i++)
            {
                var x = values[i];
                if (!double.IsFinite(x))
                {
                    // The sample takes the valid values between missing or invalid ones a run at a time.
                    _sample.Add(values[run..i]);
                    run = i + 1;
                    if (double.IsNaN(x))
                    {
                        missing++;
                    }
                    else
                    {
                        invalid++;
                    }

                    continue;
                }

                // Welford: stable for large offsets, one pass.
                valid++;
                var delta = x - mean;
                mean += delta / valid;
                m2 += delta * (x - mean);
                if (x < min)
                {
                    min = x;
                }

                if (x > max)
                {
                    max = x;
                }
            }

            _sample.Add(values[run..]);
            Missing += missing;
            _invalid += invalid;
            _valid = valid;
            _mean = mean;
            _m2 = m2;
            _min = min;
            _max = max;
        }

        public override FeatureProfile Build(ref double[]? scratch)
        {
            ReadOnlySpan<double> sorted = _sample.Sorted(ref scratch);
            var std = _valid > 1 ? Math.Sqrt(_m2 / (_valid - 1)) : (_valid == 1 ? 0 : double.NaN);
            return new FeatureProfile
            {
                Name = Name,
                Kind = FeatureKind.Numeric,
                Role = Role,
                Rows = Rows,
                Missing = Missing,
                Invalid = _invalid,
                Numeric = new NumericProfile
                {
                    Mean = Finite(_valid > 0 ? _mean : double.NaN),
                    Std = Finite(std),
                    Min = _valid > 0 ? _min : null,
                    Max = _valid > 0 ? _max : null,
                    Quantiles = sorted.Length == 0 ? null : QuantilesOf(sorted),
                    PsiBins = PsiBinsOf(sorted, options.PsiBins),
                    KsReference = KsReferenceOf(sorted, options.KsReferencePoints, _valid, _sample.IsComplete),
                },
            };
        }

        private static double? Finite(double value) => double.IsFinite(value) ? value : null;

        private static Quantiles QuantilesOf(ReadOnlySpan<double> sorted) => new()
        {
            P01 = Statistics.SortedQuantile.Linear(sorted, 0.01),
            P05 = Statistics.SortedQuantile.Linear(sorted, 0.05),
            P25 = Statistics.SortedQuantile.Linear(sorted, 0.25),
            P50 = Statistics.SortedQuantile.Linear(sorted, 0.50),
            P75 = Statistics.SortedQuantile.Linear(sorted, 0.75),
            P95 = Statistics.SortedQuantile.Linear(sorted, 0.95),
            P99 = Statistics.SortedQuantile.Linear(sorted, 0.99),
        };

        /// <summary>
        /// Edges are order statistics (not interpolated), deduplicated, and below the maximum: every bin then holds
        /// at least one training value, so none is empty by construction; ties simply give fewer bins.
        /// </summary>
        internal static PsiBins PsiBinsOf(ReadOnlySpan<double> sorted, int bins)
        {
            if (sorted.Length == 0)
            {
                return new PsiBins { Edges = [], Expected = [] };
            }

            var n = sorted.Length;
            var max = sorted[^1];
            var edges = new List<double>(bins - 1);
            for (var i = 1; i < bins; i++)
            {
                var position = (int)Math.Ceiling((double)i * n / bins) - 1;
                var edge = sorted[Math.Clamp(position, 0, n - 1)];
                if (edge < max && (edges.Count == 0 || edge > edges[^1]))
                {
                    edges.Add(edge);
                }
            }

            var expected = new double[edges.Count + 1];
            var below = 0;
            for (var i = 0; i < edges.Count; i++)
            {
                var atOrBelow = Statistics.SortedQuantile.UpperBound(sorted, edges[i]);
                expected[i] = (double)(atOrBelow - below) / n;
                below = atOrBelow;
            }

            expected[^1] = (double)(n - below) / n;
            return new PsiBins { Edges = edges, Expected = expected };
        }

        internal static KsReference KsReferenceOf(ReadOnlySpan<double> sorted, int points, long validCount, bool sampleComplete)
        {
            var n = sorted.Length;
            var distinctCount = 0;
            for (var i = 0; i < n; i++)
            {
                if (i == n - 1 || sorted[i + 1] != sorted[i])
                {
                    distinctCount++;
                }
            }

            // Counted first so that a million distinct values are not copied into lists only to be thinned out.
            if (distinctCount <= points)
            {
                var distinct = new List<double>(distinctCount);
                var cumulative = new List<double>(distinctCount);
                for (var i = 0; i < n; i++)
                {
                    if (i == n - 1 || sorted[i + 1] != sorted[i])
                    {
                        distinct.Add(sorted[i]);
                        cumulative.Add((double)(i + 1) / n);
                    }
                }

                return new KsReference { Values = distinct, Cumulative = cumulative, Count = validCount, Exact = sampleComplete };
            }

            // K evenly spaced order statistics: the ECDF between two kept points rises by about 1/K, which bounds
            // the error of D computed against them.
            var values = new List<double>(points);
            var shares = new List<double>(points);
            for (var j = 1; j <= points; j++)
            {
                var value = sorted[(int)Math.Ceiling((double)j * n / points) - 1];
                if (values.Count > 0 && values[^1] == value)
                {
                    continue;
                }

                values.Add(value);
                shares.Add((double)Statistics.SortedQuantile.UpperBound(sorted, value) / n);
            }

            return new KsReference { Values = values, Cumulative = shares, Count = validCount, Exact = false };
        }
    }

    private sealed class CategoricalAccumulator(string name, FeatureRole role, BaselineBuildOptions options) : FeatureAccumulator(name, role)
    {
        private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
        private long _untracked;

        public override FeatureKind Kind => FeatureKind.Categorical;

        public void Add(ReadOnlySpan<string?> values)
        {
            Rows += values.Length;
            foreach (var value in values)
            {
                if (value is null)
                {
                    Missing++;
                    continue;
                }

                ref var count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(_counts, value);
                if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref count))
                {
                    count++;
                }
                else if (_counts.Count < options.MaxTrackedCategories)
                {
                    _counts.Add(value, 1);
                }
                else
                {
                    // An ID-like column: stop growing memory; these values only count towards __other__.
                    _untracked++;
                }
            }
        }

        public override FeatureProfile Build(ref double[]? scratch)
        {
            var valid = Rows - Missing;
            var ranked = _counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).ToArray();
            var top = ranked.Take(options.MaxCategories)
                .Select(kv => new CategoryShare(kv.Key, kv.Value, (double)kv.Value / valid))
                .ToArray();
            var otherCount = ranked.Skip(options.MaxCategories).Sum(kv => kv.Value) + _untracked;
            return new FeatureProfile
            {
                Name = Name,
                Kind = FeatureKind.Categorical,
                Role = Role,
                Rows = Rows,
                Missing = Missing,
                Invalid = 0,
                Categorical = new CategoricalProfile
                {
                    Distinct = _counts.Count + (_untracked > 0 ? 1 : 0),
                    DistinctExact = _untracked == 0,
                    Categories = top,
                    OtherShare = valid == 0 ? 0 : (double)otherCount / valid,
                    OtherValues = ranked.Skip(options.MaxCategories).Select(kv => kv.Key)
                        .Order(StringComparer.Ordinal).Take(options.MaxOtherValues).ToArray(),
                },
            };
        }
    }
}
