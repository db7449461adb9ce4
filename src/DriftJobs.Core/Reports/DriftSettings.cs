using DriftJobs.Core.Statistics;

namespace DriftJobs.Core.Reports;

/// <summary>The thresholds a report is judged by; each maps to one environment setting of the detector.</summary>
internal sealed record DriftSettings
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

    /// <summary>Throws naming the setting whose value is out of range.</summary>
    public void Validate()
    {
        Require(PsiThreshold is > 0 and <= 10, "DRIFT_PSI_THRESHOLD", PsiThreshold, "greater than 0 and at most 10");
        Require(KsPValueThreshold is > 0 and < 1, "DRIFT_KS_PVALUE_THRESHOLD", KsPValueThreshold, "between 0 and 1 (exclusive)");
        Require(KsMinStatistic is >= 0 and <= 1, "DRIFT_KS_MIN_STATISTIC", KsMinStatistic, "between 0 and 1");
        Require(MinSamples is >= 1 and <= 1_000_000_000, "DRIFT_MIN_SAMPLES", MinSamples, "between 1 and 1,000,000,000");
        Require(ScoreCriticalThreshold is > 0 and <= 1, "DRIFT_SCORE_CRITICAL_THRESHOLD", ScoreCriticalThreshold, "greater than 0 and at most 1");
        Require(MissingRateIncrease is > 0 and <= 1, "DRIFT_MISSING_RATE_INCREASE", MissingRateIncrease, "greater than 0 and at most 1");
        Require(OutOfRangeShare is > 0 and <= 1, "DRIFT_OUT_OF_RANGE_SHARE", OutOfRangeShare, "greater than 0 and at most 1");
        Require(UnseenCategoryShare is > 0 and <= 1, "DRIFT_UNSEEN_CATEGORY_SHARE", UnseenCategoryShare, "greater than 0 and at most 1");
        Require(Enum.IsDefined(MultipleTesting), "DRIFT_MULTIPLE_TESTING", MultipleTesting, "bh, bonferroni or none");
    }

    private static void Require(bool ok, string setting, object value, string range)
    {
        if (!ok)
        {
            throw new SettingException(setting, $"{setting} = {value} is out of range: it must be {range}.");
        }
    }
}

/// <summary>A setting with a bad value: the job exits 2 (configuration error) and names it.</summary>
internal sealed class SettingException(string setting, string message) : Exception(message)
{
    public string Setting { get; } = setting;
}
