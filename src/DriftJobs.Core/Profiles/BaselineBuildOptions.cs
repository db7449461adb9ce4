namespace DriftJobs.Core.Profiles;

internal sealed record BaselineBuildOptions
{
    public const int DefaultPsiBins = 10;
    public const int DefaultKsReferencePoints = 10_000;
    public const int DefaultMaxCategories = 100;
    public const int DefaultSampleSize = 1_000_000;

    /// <summary>DRIFT_PSI_BINS: quantile bins per numeric feature (2–100).</summary>
    public int PsiBins { get; init; } = DefaultPsiBins;

    /// <summary>K: points of the training ECDF kept for Kolmogorov–Smirnov.</summary>
    public int KsReferencePoints { get; init; } = DefaultKsReferencePoints;

    /// <summary>Categories kept by share; the rest form the <c>__other__</c> bucket.</summary>
    public int MaxCategories { get; init; } = DefaultMaxCategories;

    /// <summary>Values per numeric feature kept for quantiles and the ECDF; above it a uniform sample is kept.</summary>
    public int SampleSize { get; init; } = DefaultSampleSize;

    /// <summary>Distinct categories counted exactly per feature before new ones only add to a counter.</summary>
    public int MaxTrackedCategories { get; init; } = 100_000;

    /// <summary>Names of rare training categories kept so the detector can tell rare from unseen.</summary>
    public int MaxOtherValues { get; init; } = 1_000;

    /// <summary>The training label: profiled with role <c>target</c>, not monitored as a feature.</summary>
    public string? TargetColumn { get; init; }

    public void Validate()
    {
        if (PsiBins is < 2 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(PsiBins), PsiBins, "DRIFT_PSI_BINS must be between 2 and 100.");
        }

        if (KsReferencePoints is < 100 or > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(KsReferencePoints), KsReferencePoints, "The KS reference must keep between 100 and 1,000,000 points.");
        }

        if (MaxCategories is < 1 or > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxCategories), MaxCategories, "Categories kept must be between 1 and 10,000.");
        }

        if (SampleSize < KsReferencePoints)
        {
            throw new ArgumentOutOfRangeException(nameof(SampleSize), SampleSize, "The sample must be at least as large as the KS reference.");
        }
    }
}
