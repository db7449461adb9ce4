namespace DriftJobs.Core.Performance;

/// <summary>
/// Is the window's F1 lower than the reference's? F1 has no closed-form variance, so a parametric bootstrap: each
/// draw resamples both confusion matrices (rows labels, columns predictions) from a multinomial with the observed
/// cell shares and the observed count, as if the same model met the same population again, and computes each side's
/// F1. H1 is "the window's F1 is below the reference's"; the p-value is
/// (1 + #{draws with F1*_window ≥ F1*_reference}) / (draws + 1): the share of draws in which the window is not worse
/// (the percentile bootstrap's test of a difference ≥ 0), with the +1 that keeps a bootstrap p-value from being 0
/// and makes it valid rather than optimistic (Davison and Hinkley 1997, §4.2). Ties count as "not worse", so
/// identical matrices give slightly more than ½ on small discrete tables.
/// </summary>
/// <remarks>
/// Cells that are 0 stay 0 in every draw: an error never seen is never resampled, which understates the spread of a
/// small side. The draws are seeded with a constant, so the same matrices give the same p-value on every run and
/// machine (<see cref="Random(int)"/> is the stable legacy generator); its Monte-Carlo error is
/// √(p(1 − p)/draws), 0.011 at p = ½ and 0.0049 at p = 0.05 with the default 2,000 draws.
/// </remarks>
internal static class F1Bootstrap
{
    public const int DefaultDraws = 2000;

    public const int DefaultSeed = 24;

    /// <summary>Whose F1: a class index for that class's F1 (binary with a positive class), <c>null</c> for macro F1.</summary>
    /// <param name="window">The window's confusion matrix.</param>
    /// <param name="windowPositive">
    /// The positive class's index in <paramref name="window"/>, −1 when the positive class is declared but absent there
    /// (its F1 is then 0 in every draw), null for macro F1 (the mean over the classes that occur in the draw as a label
    /// or a prediction, as sklearn averages over the labels present).
    /// </param>
    /// <param name="reference">The reference's confusion matrix.</param>
    /// <param name="referencePositive">As <paramref name="windowPositive"/>, for the reference.</param>
    /// <param name="draws">Bootstrap draws.</param>
    /// <param name="seed">The generator's seed.</param>
    public static F1BootstrapResult Lower(
        IReadOnlyList<IReadOnlyList<long>> window,
        int? windowPositive,
        IReadOnlyList<IReadOnlyList<long>> reference,
        int? referencePositive,
        int draws = DefaultDraws,
        int seed = DefaultSeed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(draws, 1);
        var windowCells = Flatten(window, windowPositive, nameof(window));
        var referenceCells = Flatten(reference, referencePositive, nameof(reference));
        var windowF1 = F1(windowCells, window.Count, windowPositive);
        var referenceF1 = F1(referenceCells, reference.Count, referencePositive);
        if (windowCells.Sum() == 0 || referenceCells.Sum() == 0)
        {
            return new F1BootstrapResult(windowF1, referenceF1, double.NaN);
        }

        var random = new Random(seed);
        var windowDraw = new long[windowCells.Length];
        var referenceDraw = new long[referenceCells.Length];
        var notWorse = 0;
        for (var i = 0; i < draws; i++)
        {
            Multinomial(random, windowCells, windowDraw);
            Multinomial(random, referenceCells, referenceDraw);
            if (F1(windowDraw, window.Count, windowPositive) >= F1(referenceDraw, reference.Count, referencePositive))
            {
                notWorse++;
            }
        }

        return new F1BootstrapResult(windowF1, referenceF1, (1.0 + notWorse) / (draws + 1.0));
    }

    /// <summary>
    /// Positive-class or macro F1 of a k×k matrix stored row by row; per class 2·TP / (support + predicted), 0 when
    /// both are 0 (sklearn's <c>zero_division=0</c>), as <see cref="ClassificationAccumulator"/> computes it.
    /// </summary>
    internal static double F1(ReadOnlySpan<long> cells, int classes, int? positive)
    {
        if (positive is { } p)
        {
            return p < 0 ? 0 : ClassF1(cells, classes, p, out _);
        }

        double sum = 0;
        var present = 0;
        for (var k = 0; k < classes; k++)
        {
            var f1 = ClassF1(cells, classes, k, out var occurs);
            if (occurs)
            {
                sum += f1;
                present++;
            }
        }

        return present == 0 ? double.NaN : sum / present;
    }

    private static double ClassF1(ReadOnlySpan<long> cells, int classes, int k, out bool occurs)
    {
        long support = 0, predicted = 0;
        for (var j = 0; j < classes; j++)
        {
            support += cells[(k * classes) + j];
            predicted += cells[(j * classes) + k];
        }

        occurs = support + predicted > 0;
        return occurs ? 2.0 * cells[(k * classes) + k] / (support + predicted) : 0;
    }

    /// <summary>
    /// A multinomial draw of Σcells pairs with the shares cells/Σcells, as successive binomials of what is left: cell i
    /// gets Binomial(remaining pairs, cells[i] / remaining observed count), exact from the integer counts.
    /// </summary>
    private static void Multinomial(Random random, long[] cells, long[] draw)
    {
        long total = 0;
        foreach (var c in cells)
        {
            total += c;
        }

        var remainingPairs = total;
        var remainingCount = total;
        for (var i = 0; i < cells.Length; i++)
        {
            if (cells[i] == 0 || remainingPairs == 0)
            {
                draw[i] = 0;
                continue;
            }

            var drawn = cells[i] == remainingCount ? remainingPairs
                : BinomialSampler.Sample(random, remainingPairs, (double)cells[i] / remainingCount);
            draw[i] = drawn;
            remainingPairs -= drawn;
            remainingCount -= cells[i];
        }
    }

    private static long[] Flatten(IReadOnlyList<IReadOnlyList<long>> matrix, int? positive, string name)
    {
        ArgumentNullException.ThrowIfNull(matrix, name);
        var k = matrix.Count;
        if (positive is { } p && (p < -1 || p >= k))
        {
            throw new ArgumentOutOfRangeException(name, p, "The positive class's index is −1 or a row of the matrix.");
        }

        var cells = new long[k * k];
        for (var i = 0; i < k; i++)
        {
            if (matrix[i].Count != k)
            {
                throw new ArgumentException("A confusion matrix is square.", name);
            }

            for (var j = 0; j < k; j++)
            {
                cells[(i * k) + j] = matrix[i][j] >= 0 ? matrix[i][j]
                    : throw new ArgumentException("Confusion matrix counts are not negative.", name);
            }
        }

        return cells;
    }
}
