namespace DriftJobs.Core.Performance;

/// <summary>
/// The model's performance on its validation data, row by row in one pass: what baseline.json stores as
/// <c>performance</c>. Memory is bounded whatever the number of rows: the accumulators keep counts per (label,
/// prediction) pair, a bounded score histogram and exact sums.
/// <para>
/// With the task undecided (MODEL_TASK=auto and every label and prediction numeric) both a regression and a
/// classification accumulator are fed until <see cref="PerformanceTaskRule"/> rules classification out (a fraction or a
/// 21st distinct value), so the pair counts never grow past 21² entries. Without a declared positive class the pairs
/// are also accumulated with scores for "1" and for "true", the only classes <see cref="PositiveClassRule"/> can pick
/// once the classes are known, so the scores are read in the same pass.
/// </para>
/// <para>
/// The scores' calibration (<see cref="CalibrationAccumulator"/>) is kept per candidate positive class alongside, since
/// which outcome a score is checked against is only known once the classes are: 10 bins each, a few hundred bytes.
/// </para>
/// </summary>
internal sealed class ReferencePerformanceBuilder
{
    private readonly string? _declaredPositive;
    private readonly HashSet<string> _distinct = new(StringComparer.Ordinal);
    private PerformanceTask? _task;
    private RegressionAccumulator? _regression;

    // Keyed by positive class; "" holds the pairs without scores, for a model without one.
    private Dictionary<string, ClassificationAccumulator>? _classification;

    // Keyed by positive class, as _classification; null for a regression.
    private Dictionary<string, CalibrationAccumulator>? _calibration;
    private bool _integersOnly = true;
    private long _scored;

    /// <param name="task">The task, or null to decide it from the values (<see cref="PerformanceTaskRule"/>).</param>
    /// <param name="positiveClass">The declared positive class, or null to choose it by <see cref="PositiveClassRule"/>.</param>
    public ReferencePerformanceBuilder(PerformanceTask? task, string? positiveClass)
    {
        if (positiveClass is { Length: 0 })
        {
            throw new ArgumentException("A positive class cannot be empty.", nameof(positiveClass));
        }

        _task = task;
        _declaredPositive = positiveClass;
        if (task != PerformanceTask.Classification)
        {
            _regression = new RegressionAccumulator();
        }

        if (task != PerformanceTask.Regression)
        {
            _classification = positiveClass is not null
                ? new(StringComparer.Ordinal) { [positiveClass] = new ClassificationAccumulator(positiveClass) }
                : new(StringComparer.Ordinal) { [""] = new ClassificationAccumulator() };
            foreach (var candidate in positiveClass is null ? PositiveClassRule.Conventional : [])
            {
                _classification[candidate] = new ClassificationAccumulator(candidate);
            }

            _calibration = new(StringComparer.Ordinal);
            foreach (var candidate in _classification.Keys.Where(k => k.Length > 0))
            {
                _calibration[candidate] = new CalibrationAccumulator();
            }
        }
    }

    /// <summary>Rows added, missing labels and predictions included.</summary>
    public long Rows { get; private set; }

    /// <summary>Rows without a label or a prediction (missing, NaN or ±∞), left out of every metric.</summary>
    public long Unlabelled { get; private set; }

    /// <summary>Whether <paramref name="score"/> may be added: NaN (no score) or a probability in [0, 1].</summary>
    public static bool IsScore(double score) => double.IsNaN(score) || (score >= 0 && score <= 1);

    /// <summary>A row whose label and prediction are numbers (NaN or ±∞ for a missing one).</summary>
    /// <param name="score">The probability of the positive class; NaN when there is none.</param>
    public void Add(double label, double prediction, double score = double.NaN)
    {
        CheckScore(score);
        Rows++;
        if (!double.IsFinite(label) || !double.IsFinite(prediction))
        {
            Unlabelled++;
            return;
        }

        _regression?.Add(label, prediction);
        if (_classification is null)
        {
            CountScore(score);
            return;
        }

        var labelText = PerformanceLabel.Text(label)!;
        var predictionText = PerformanceLabel.Text(prediction)!;
        if (_task is null)
        {
            _integersOnly &= PerformanceLabel.IsInteger(label) && PerformanceLabel.IsInteger(prediction);
            _distinct.Add(labelText);
            _distinct.Add(predictionText);
            if (PerformanceTaskRule.Decide(anyText: false, _integersOnly, _distinct.Count) == PerformanceTask.Regression)
            {
                _task = PerformanceTask.Regression;
                _classification = null;
                _calibration = null;
                _distinct.Clear();
                CountScore(score);
                return;
            }
        }

        AddClasses(labelText, predictionText, score);
    }

    /// <summary>A row whose label or prediction is text (a number in a text column is taken as written).</summary>
    /// <exception cref="InvalidOperationException">The task is regression, or was already decided to be from numbers.</exception>
    public void Add(string? label, string? prediction, double score = double.NaN)
    {
        CheckScore(score);
        if (_classification is null)
        {
            throw new InvalidOperationException(
                _task == PerformanceTask.Regression && _regression is not null && _regression.Count > 0
                    ? "Text labels or predictions arrived after numbers that can only be a regression's (fractions, or more than " +
                      $"{PerformanceTaskRule.MaxIntegerClasses} distinct values): the task is ambiguous."
                    : "A regression needs numeric labels and predictions.");
        }

        Rows++;
        label = PerformanceLabel.Text(label);
        prediction = PerformanceLabel.Text(prediction);
        if (label is null || prediction is null)
        {
            Unlabelled++;
            return;
        }

        // Text makes it a classification, whatever the numbers before it were.
        _task = PerformanceTask.Classification;
        _regression = null;
        AddClasses(label, prediction, score);
    }

    /// <param name="source">Where the validation data came from.</param>
    /// <param name="scoresIgnored">Labelled rows whose score no metric used: a regression, or no positive class.</param>
    public ReferencePerformance Build(string source, out long scoresIgnored)
    {
        ArgumentNullException.ThrowIfNull(source);
        var task = _task ?? PerformanceTaskRule.Decide(anyText: false, _integersOnly, _distinct.Count);
        if (task == PerformanceTask.Regression)
        {
            scoresIgnored = _scored;
            return new ReferencePerformance
            {
                Task = task,
                Source = source,
                Rows = Rows,
                Unlabelled = Unlabelled,
                Regression = RegressionSummary.From(_regression!.Compute()),
            };
        }

        ClassificationMetrics metrics;
        if (_declaredPositive is not null)
        {
            metrics = _classification![_declaredPositive].Compute();
        }
        else
        {
            var plain = _classification![""].Compute();
            metrics = PositiveClassRule.Choose(plain.Classes, null) is { } positive ? _classification[positive].Compute() : plain;
        }

        scoresIgnored = metrics.Positive is null ? _scored : 0;
        // No positive class, no outcome to check a score against: the calibration is null, as ROC AUC is.
        return new ReferencePerformance
        {
            Task = task,
            Source = source,
            Rows = Rows,
            Unlabelled = Unlabelled,
            PositiveClass = metrics.Positive?.Class,
            Classification = ClassificationSummary.From(metrics),
            Calibration = metrics.Positive is { } p ? _calibration![p.Class].Compute() : null,
        };
    }

    private void AddClasses(string label, string prediction, double score)
    {
        CountScore(score);
        foreach (var (positive, accumulator) in _classification!)
        {
            if (positive.Length == 0 || double.IsNaN(score))
            {
                accumulator.Add(label, prediction);
            }
            else
            {
                accumulator.Add(label, prediction, score);
                _calibration![positive].Add(score, string.Equals(label, positive, StringComparison.Ordinal));
            }
        }
    }

    private void CountScore(double score)
    {
        if (!double.IsNaN(score))
        {
            _scored++;
        }
    }

    private static void CheckScore(double score)
    {
        if (!IsScore(score))
        {
            throw new ArgumentOutOfRangeException(nameof(score), score, "A score is a probability in [0, 1], or NaN for none.");
        }
    }
}
