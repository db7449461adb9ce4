using DriftJobs.Core.Statistics;

namespace DriftJobs.Core.Performance;

/// <summary>
/// Regression performance of one window, accumulated pair by pair and mergeable: feed (label, prediction) doubles,
/// merge partial accumulators with <see cref="Merge"/>, <see cref="Compute"/> the count, MAE, RMSE, mean error
/// (prediction − label) and R² as sklearn computes them.
/// <para>
/// Every sum is exact (<see cref="ExactSum"/>; squares enter it as exact double-double products), so merging is
/// addition and gives one pass's results bit for bit, and R²'s Σy² − (Σy)²/n, taken in double-double (~32 digits),
/// keeps ~14 digits even for labels around 10^9 that vary by 1 (plain float64 sums keep none). The labels' minimum and maximum say exactly when the label is constant, where
/// sklearn's R² convention takes over instead of a noisy 0/0.
/// </para>
/// </summary>
internal sealed class RegressionAccumulator
{
    private readonly ExactSum _error = new();
    private readonly ExactSum _absoluteError = new();
    private readonly ExactSum _squaredError = new();
    private readonly ExactSum _quarticError = new();
    private readonly ExactSum _label = new();
    private readonly ExactSum _squaredLabel = new();
    private double _minLabel = double.PositiveInfinity;
    private double _maxLabel = double.NegativeInfinity;

    public long Count { get; private set; }

    public void Add(double label, double prediction)
    {
        if (!double.IsFinite(label) || !double.IsFinite(prediction))
        {
            throw new ArgumentOutOfRangeException(nameof(label), "Labels and predictions must be finite.");
        }

        // The error rounded once, as numpy's y_pred − y_true; everything after it is (nearly) exact.
        var error = prediction - label;
        _error.Add(error);
        _absoluteError.Add(Math.Abs(error));
        var squared = DoubleDouble.Multiply(error, error);
        _squaredError.Add(squared);
        _quarticError.Add(DoubleDouble.Multiply(squared, squared));
        _label.Add(label);
        _squaredLabel.Add(DoubleDouble.Multiply(label, label));
        _minLabel = Math.Min(_minLabel, label);
        _maxLabel = Math.Max(_maxLabel, label);
        Count++;
    }

    public void Merge(RegressionAccumulator other)
    {
        ArgumentNullException.ThrowIfNull(other);
        _error.Add(other._error);
        _absoluteError.Add(other._absoluteError);
        _squaredError.Add(other._squaredError);
        _quarticError.Add(other._quarticError);
        _label.Add(other._label);
        _squaredLabel.Add(other._squaredLabel);
        _minLabel = Math.Min(_minLabel, other._minLabel);
        _maxLabel = Math.Max(_maxLabel, other._maxLabel);
        Count += other.Count;
    }

    public RegressionMetrics Compute()
    {
        if (Count == 0)
        {
            return new RegressionMetrics(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        double n = Count;
        var squaredError = _squaredError.ToDoubleDouble();
        var label = _label.ToDoubleDouble();
        var r2 = Count < 2 ? double.NaN
            : _minLabel == _maxLabel ? (squaredError.IsZero ? 1 : 0)
            : 1 - Value(squaredError) / Value(DoubleDouble.Subtract(_squaredLabel.ToDoubleDouble(), DoubleDouble.Divide(DoubleDouble.Multiply(label, label), n)));
        return new RegressionMetrics(
            Count,
            Value(DoubleDouble.Divide(_absoluteError.ToDoubleDouble(), n)),
            Math.Sqrt(Value(DoubleDouble.Divide(squaredError, n))),
            Value(DoubleDouble.Divide(_error.ToDoubleDouble(), n)),
            r2,
            SampleVariance(squaredError, _absoluteError.ToDoubleDouble(), n),
            SampleVariance(_quarticError.ToDoubleDouble(), squaredError, n));
    }

    /// <summary>(Σx² − (Σx)²/n) / (n − 1) from the sums of x² and x, in double-double; NaN below two values.</summary>
    private static double SampleVariance(DoubleDouble sumOfSquares, DoubleDouble sum, double n) =>
        n < 2 ? double.NaN
        : Math.Max(0, Value(DoubleDouble.Divide(DoubleDouble.Subtract(sumOfSquares, DoubleDouble.Divide(DoubleDouble.Multiply(sum, sum), n)), n - 1)));

    private static double Value(DoubleDouble x) => x.Hi + x.Lo;
}
