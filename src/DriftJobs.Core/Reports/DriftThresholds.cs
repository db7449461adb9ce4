using DriftJobs.Core.Statistics;

namespace DriftJobs.Core.Reports;

/// <summary>The thresholds a report is judged by; each maps to one environment setting of the detector.</summary>
internal sealed record DriftThresholds
{
    /// <summary>DRIFT_PSI_THRESHOLD: PSI at or above it is significant drift.</summary>
    public double PsiThreshold { get; init; } = 0.2;

    /// <summary>PSI below it is no drift; between it and the threshold, minor.</summary>
    public double PsiMinorThreshold { get; init; } = 0.1;

    /// <summary>DRIFT_KS_PVALUE_THRESHOLD: α for the adjusted KS / chi-square p-values.</summary>
    public double KsPValueThreshold { get; init; } = 0.05;

    /// <summary>
    /// DRIFT_KS_MIN_STATISTIC: the smallest effect (KS D, or L∞ between category shares) that counts; with large
    /// windows any trivial shift is "significant", and a monitor that pages on it is not trusted.
    /// </summary>
    public double KsMinStatistic { get; init; } = 0.05;

    /// <summary>DRIFT_MULTIPLE_TESTING: bh | bonferroni | none.</summary>
    public MultipleTestingMethod MultipleTesting { get; init; } = MultipleTestingMethod.BenjaminiHochberg;

    /// <summary>DRIFT_MIN_SAMPLES: below this many rows (or valid values of a feature) no verdict is given.</summary>
    public long MinSamples { get; init; } = 100;

    /// <summary>DRIFT_SCORE_CRITICAL_THRESHOLD: drift score (share of drifted features) that raises a CRITICAL alert.</summary>
    public double ScoreCriticalThreshold { get; init; } = 0.5;

    /// <summary>DRIFT_MISSING_RATE_INCREASE: rise of a feature's missing rate over the baseline's that is reported.</summary>
    public double MissingRateIncrease { get; init; } = 0.1;

    /// <summary>DRIFT_OUT_OF_RANGE_SHARE: share of values outside the training [min, max] that is reported.</summary>
    public double OutOfRangeShare { get; init; } = 0.05;

    /// <summary>DRIFT_UNSEEN_CATEGORY_SHARE: share of never-seen categories that is reported.</summary>
    public double UnseenCategoryShare { get; init; } = 0.05;

    /// <summary>
    /// DRIFT_SEASONAL_SEVERITY: the alert of a feature that drifted from training but not from the same hours a week
    /// earlier: INFO (reported, does not page) or WARNING (pages like any drift).
    /// </summary>
    public AlertSeverity SeasonalSeverity { get; init; } = AlertSeverity.Info;

    /// <summary>The settings every field starts at; the detector's options start from them too.</summary>
    public static DriftThresholds Defaults { get; } = new();

    public static ValueRange PsiThresholdRange { get; } = new(0, 10, ExcludesMin: true);

    public static ValueRange KsPValueThresholdRange { get; } = new(0, 1, ExcludesMin: true, ExcludesMax: true);

    public static ValueRange KsMinStatisticRange { get; } = new(0, 1);

    public static ValueRange MinSamplesRange { get; } = new(1, 1_000_000_000);

    /// <summary>The range of every share and rate: score, missing-rate rise, out-of-range and unseen shares.</summary>
    public static ValueRange ShareRange { get; } = new(0, 1, ExcludesMin: true);

    /// <summary>
    /// Throws naming the field whose value is out of range. A guard for code that builds settings itself: the detector
    /// checks its settings (by their environment names) before it gets here.
    /// </summary>
    public void Validate()
    {
        Require(PsiThresholdRange.Contains(PsiThreshold), nameof(PsiThreshold), PsiThreshold, PsiThresholdRange);
        Require(KsPValueThresholdRange.Contains(KsPValueThreshold), nameof(KsPValueThreshold), KsPValueThreshold, KsPValueThresholdRange);
        Require(KsMinStatisticRange.Contains(KsMinStatistic), nameof(KsMinStatistic), KsMinStatistic, KsMinStatisticRange);
        Require(MinSamplesRange.Contains(MinSamples), nameof(MinSamples), MinSamples, MinSamplesRange);
        Require(ShareRange.Contains(ScoreCriticalThreshold), nameof(ScoreCriticalThreshold), ScoreCriticalThreshold, ShareRange);
        Require(ShareRange.Contains(MissingRateIncrease), nameof(MissingRateIncrease), MissingRateIncrease, ShareRange);
        Require(ShareRange.Contains(OutOfRangeShare), nameof(OutOfRangeShare), OutOfRangeShare, ShareRange);
        Require(ShareRange.Contains(UnseenCategoryShare), nameof(UnseenCategoryShare), UnseenCategoryShare, ShareRange);
        if (SeasonalSeverity is not (AlertSeverity.Info or AlertSeverity.Warning))
        {
            throw new ArgumentOutOfRangeException(nameof(SeasonalSeverity), SeasonalSeverity, "seasonal drift is reported as INFO or WARNING");
        }

        if (!Enum.IsDefined(MultipleTesting))
        {
            throw new ArgumentOutOfRangeException(nameof(MultipleTesting), MultipleTesting, "not a multiple-testing method");
        }
    }

    private static void Require(bool ok, string field, double value, ValueRange range)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(field, value, $"{field} must be {range}.");
        }
    }
}
