using System.Buffers;
using System.Globalization;
using DriftJobs.Core.Profiles;
using DriftJobs.Core.Reports.Seasonal;
using DriftJobs.Core.Statistics;

namespace DriftJobs.Core.Reports;

/// <summary>Compares a window profile with its baseline and judges every feature.</summary>
internal static class DriftAnalyzer
{
    private const string OtherLabel = "__other__";

    /// <param name="previousWeek">The same hours a week earlier (DRIFT_REFERENCE = baseline+previous-week); null: not asked for.</param>
    public static DriftReport Analyze(
        WindowProfile window, ReportWindow range, DriftThresholds settings, ReportFiles? files = null, PreviousWeekWindow? previousWeek = null)
    {
        settings.Validate();
        var baseline = window.Baseline;
        var enoughRows = window.Rows >= settings.MinSamples;

        var monitoredProfiles = baseline.MonitoredFeatures.ToList();
        var monitored = MeasureAll([.. monitoredProfiles.Select(f => window.Features[f.Name])], settings);
        var target = baseline.Target;
        var prediction = target is null ? null : Measure(window.Features[target.Name], settings);

        // One family of tests per report: the features (the prediction is judged on its own).
        var adjusted = MultipleTesting.Adjust(monitored.Select(m => m.PValue).ToArray(), settings.MultipleTesting);
        var features = monitored.Select((m, i) => Judge(m, adjusted[i], settings, enoughRows)).ToList();
        var seasonal = previousWeek is null ? null : ComparePreviousWeek(window, previousWeek, monitoredProfiles, features, settings);
        var predictionDrift = prediction is null
            ? null
            : Judge(prediction, prediction.PValue, settings, enoughRows) with { Name = "prediction" };

        var drifted = features.Where(f => f.Drifted).Select(f => f.Name).ToArray();
        double? score = enoughRows && features.Count > 0 ? (double)drifted.Length / features.Count : null;
        var report = new DriftReport
        {
            SchemaVersion = DriftReport.CurrentSchemaVersion,
            ModelName = baseline.ModelName,
            ModelVersion = baseline.ModelVersion,
            Baseline = new BaselineReference { CreatedAt = baseline.CreatedAt, Rows = baseline.Source.Rows },
            Window = range,
            Status = enoughRows ? ReportStatus.Ok : ReportStatus.InsufficientData,
            Samples = window.Rows,
            DriftDetected = drifted.Length > 0 || predictionDrift?.Drifted == true,
            DriftScore = score,
            FeaturesMonitored = features.Count,
            FeaturesDrifted = drifted.Length,
            DriftedFeatures = drifted,
            Settings = ReportThresholds.From(settings),
            Features = features,
            Prediction = predictionDrift,
            Alerts = [],
            Files = files ?? ReportFiles.None,
            PreviousWeek = seasonal,
        };
        var untrained = new HashSet<FeatureDrift>(ReferenceEqualityComparer.Instance);
        untrained.UnionWith(features.Where((_, i) => monitoredProfiles[i].Valid == 0));
        if (predictionDrift is not null && target!.Valid == 0)
        {
            untrained.Add(predictionDrift);
        }

        if (window.Segments is { } segments)
        {
            report = report with { Segments = SegmentAnalysis.Analyze(window, segments, settings) };
        }

        return report with { Alerts = Alerts(report, settings, untrained) };
    }

    /// <summary>Alerts of a report: CRITICAL on the drift score, WARNING per drifted feature and data-quality finding.</summary>
    /// <param name="withoutTrainingValues">Features (of <paramref name="report"/>) whose baseline has no valid value.</param>
    public static IReadOnlyList<DriftAlert> Alerts(DriftReport report, DriftThresholds settings, IReadOnlySet<FeatureDrift>? withoutTrainingValues = null)
    {
        var alerts = new List<DriftAlert>();
        if (report.Status == ReportStatus.InsufficientData)
        {
            alerts.Add(new DriftAlert(AlertSeverity.Info, AlertCodes.InsufficientData, null,
                $"Only {report.Samples} rows in the window (DRIFT_MIN_SAMPLES = {settings.MinSamples}): no drift verdict."));
        }

        // Features that drifted only as they did a week earlier page only when DRIFT_SEASONAL_SEVERITY says so; they
        // do not make the drift score critical either, or a weekly cycle of many features would page every week.
        var quiet = settings.SeasonalSeverity == AlertSeverity.Warning ? 0 : report.PreviousWeek?.SeasonalFeatures.Count ?? 0;
        if (report.DriftScore is { } score)
        {
            var paging = report.FeaturesDrifted - quiet;
            var pagingScore = quiet == 0 ? score : (double)paging / report.FeaturesMonitored;
            if (pagingScore >= settings.ScoreCriticalThreshold)
            {
                alerts.Add(new DriftAlert(AlertSeverity.Critical, AlertCodes.DriftCritical, null, quiet == 0
                    ? $"{report.FeaturesDrifted} of {report.FeaturesMonitored} features drifted (drift score {Percent(score)} ≥ {Percent(settings.ScoreCriticalThreshold)})."
                    : $"{paging} of {report.FeaturesMonitored} features drifted, not counting {quiet} that drifted as they did a week earlier ({Percent(pagingScore)} ≥ {Percent(settings.ScoreCriticalThreshold)})."));
            }
        }

        if (report.PreviousWeek is { Status: PreviousWeekStatus.Unavailable } unavailable)
        {
            alerts.Add(new DriftAlert(AlertSeverity.Info, AlertCodes.SeasonalReferenceUnavailable, null,
                $"No comparison with {unavailable.Window.Start:yyyy-MM-ddTHH:mm}Z to {unavailable.Window.End:yyyy-MM-ddTHH:mm}Z: {unavailable.Reason} Features are judged against training alone."));
        }

        foreach (var feature in report.Features.Append(report.Prediction).OfType<FeatureDrift>())
        {
            var isPrediction = ReferenceEquals(feature, report.Prediction);
            if (feature.Drifted && feature.PreviousWeek is { Seasonal: true } week)
            {
                alerts.Add(new DriftAlert(settings.SeasonalSeverity, AlertCodes.SeasonalDrift, feature.Name,
                    $"Feature {feature.Name} drifted from training ({string.Join(", ", feature.Reasons)}): {Describe(feature)}; but not from the same hours a week earlier (PSI {week.Psi?.ToString("0.###", CultureInfo.InvariantCulture) ?? "-"}): seasonal or persistent."));
            }
            else if (feature.Drifted)
            {
                alerts.Add(new DriftAlert(AlertSeverity.Warning, isPrediction ? AlertCodes.PredictionDrift : AlertCodes.FeatureDrift, feature.Name,
                    $"{(isPrediction ? "Predictions" : "Feature " + feature.Name)} drifted ({string.Join(", ", feature.Reasons)}): {Describe(feature)}."));
            }

            alerts.AddRange(DataQuality(feature, settings, withoutTrainingValues?.Contains(feature) == true));
        }

        foreach (var segment in report.Segments?.Segments ?? [])
        {
            foreach (var feature in segment.Features)
            {
                // The feature label carries the segment too, so that each (segment, feature) is its own alert to Alertmanager and the alert state.
                alerts.Add(new DriftAlert(AlertSeverity.Warning, AlertCodes.SegmentDrift, $"{segment.Key}/{feature.Name}",
                    $"Feature {feature.Name} drifted in segment {segment.Key} ({string.Join(", ", feature.Reasons)}; {segment.Rows} rows, {Percent(segment.Share)} of the window): {Describe(feature)}."));
            }
        }

        foreach (var file in report.Files.Skipped)
        {
            alerts.Add(new DriftAlert(AlertSeverity.Warning, AlertCodes.FileSkipped, null, $"Skipped {file.Path}: {file.Reason}"));
        }

        return alerts;
    }

    private static IEnumerable<DriftAlert> DataQuality(FeatureDrift f, DriftThresholds settings, bool untrained)
    {
        if (f.AbsentRows > 0)
        {
            yield return new DriftAlert(AlertSeverity.Warning, AlertCodes.FeatureAbsent, f.Name, f.AbsentRows == f.Rows
                ? $"Column {f.Name} is absent from every file of the window."
                : $"Column {f.Name} is absent from files holding {f.AbsentRows} of {f.Rows} rows.");
        }

        var present = f.Rows - f.AbsentRows;
        if (present > 0)
        {
            var missingRate = (double)(f.Missing - f.AbsentRows) / present;
            if (missingRate - f.BaselineMissingRate >= settings.MissingRateIncrease)
            {
                yield return new DriftAlert(AlertSeverity.Warning, AlertCodes.MissingRateIncrease, f.Name,
                    $"Missing rate of {f.Name} rose to {Percent(missingRate)} (training {Percent(f.BaselineMissingRate)}).");
            }
        }

        if (f.Invalid > 0)
        {
            yield return new DriftAlert(AlertSeverity.Warning, AlertCodes.InvalidValues, f.Name, $"{f.Invalid} infinite values in {f.Name}.");
        }

        if (f.OutOfRangeShare is { } outside && outside >= settings.OutOfRangeShare)
        {
            yield return new DriftAlert(AlertSeverity.Warning, AlertCodes.OutOfRange, f.Name,
                $"{Percent(outside)} of {f.Name} lies outside the training range.");
        }

        if (untrained && f.Valid > 0)
        {
            // Not a finding about the window: every value would be "out of range" or "never seen", in every window,
            // for as long as this baseline is used. Said once per report, as information, and the misleading
            // findings are left out; the baseline job warned about the column when it built the baseline.
            yield return new DriftAlert(AlertSeverity.Info, AlertCodes.NoTrainingValues, f.Name,
                $"{f.Name} had no values in the training data; its {f.Valid} window values cannot be compared.");
        }

        if (!untrained && f.Unseen is { } unseen && unseen.Share >= settings.UnseenCategoryShare)
        {
            yield return new DriftAlert(AlertSeverity.Warning, AlertCodes.UnseenCategories, f.Name,
                $"{Percent(unseen.Share)} of {f.Name} are categories never seen in training ({string.Join(", ", unseen.Top.Take(3).Select(c => c.Value))}).");
        }
    }

    /// <summary>
    /// Adds each monitored feature's comparison with the week before (in place in <paramref name="features"/>) and
    /// returns the report's section; unavailable when the earlier window could not be assembled or has too few rows.
    /// </summary>
    private static PreviousWeekSection ComparePreviousWeek(
        WindowProfile window, PreviousWeekWindow previousWeek, IReadOnlyList<FeatureProfile> monitored, List<FeatureDrift> features, DriftThresholds settings)
    {
        var section = new PreviousWeekSection
        {
            Status = PreviousWeekStatus.Unavailable,
            Reason = previousWeek.Unavailable,
            Window = previousWeek.Range,
            HoursWithLogs = previousWeek.HoursWithLogs,
            HoursProfiled = previousWeek.HoursProfiled,
            Samples = previousWeek.Profile?.Rows ?? 0,
            Tests = 0,
            SeasonalFeatures = [],
            SeasonalSeverity = settings.SeasonalSeverity,
        };
        if (previousWeek.Profile is not { } earlier)
        {
            return section;
        }

        if (earlier.Rows < settings.MinSamples)
        {
            return section with { Reason = $"it has {earlier.Rows} rows, fewer than DRIFT_MIN_SAMPLES ({settings.MinSamples})." };
        }

        if (!ReferenceEquals(earlier.Baseline, window.Baseline))
        {
            throw new InvalidOperationException("The week before must be profiled against the window's baseline.");
        }

        var compared = SeasonalComparison.Compare(
            [.. monitored.Select(f => window.Features[f.Name])], [.. monitored.Select(f => earlier.Features[f.Name])], [.. features.Select(f => f.Drifted)], settings);
        for (var i = 0; i < features.Count; i++)
        {
            features[i] = features[i] with { PreviousWeek = compared[i] };
        }

        return section with
        {
            Status = PreviousWeekStatus.Compared,
            Reason = null,
            Tests = compared.Count(c => c.Judged),
            SeasonalFeatures = [.. features.Where(f => f.PreviousWeek!.Seasonal).Select(f => f.Name)],
        };
    }

    private static string Describe(FeatureDrift f)
    {
        var parts = new List<string>();
        if (f.Psi is { } psi)
        {
            parts.Add("PSI " + psi.ToString("0.###", CultureInfo.InvariantCulture));
        }

        if (f.Ks is { } ks)
        {
            parts.Add($"KS D {ks.Statistic.ToString("0.###", CultureInfo.InvariantCulture)}, adjusted p {ks.PValueAdjusted.ToString("0.###E+0", CultureInfo.InvariantCulture)}");
        }

        if (f.ChiSquare is { } chi)
        {
            parts.Add($"L∞ {chi.Linf.ToString("0.###", CultureInfo.InvariantCulture)}, adjusted p {chi.PValueAdjusted.ToString("0.###E+0", CultureInfo.InvariantCulture)}");
        }

        return string.Join("; ", parts);
    }

    internal static string Percent(double share) => (share * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    /// <summary>
    /// Every feature on every core: the folds, KS p-values and distances of 50 features were ~0.06 s of each detector
    /// run, in code that runs once per process. The features share nothing but the (read-only) settings.
    /// </summary>
    internal static Measurement[] MeasureAll(IReadOnlyList<FeatureWindow> windows, DriftThresholds settings)
    {
        var measured = new Measurement[windows.Count];
        try
        {
            Parallel.For(0, windows.Count, i => measured[i] = Measure(windows[i], settings));
        }
        catch (AggregateException e)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }

        return measured;
    }

    private static Measurement Measure(FeatureWindow window, DriftThresholds settings) => window switch
    {
        NumericWindow n => MeasureNumeric(n, settings),
        CategoricalWindow c => MeasureCategorical(c, settings),
        _ => throw new InvalidOperationException("Unknown feature window."),
    };

    private static Measurement MeasureNumeric(NumericWindow w, DriftThresholds settings)
    {
        var profile = w.Baseline.Numeric!;
        var n = w.Valid;
        var expected = profile.PsiBins.Expected.ToArray();
        var actual = Shares(w.BinCounts, n);
        var comparable = n > 0 && profile.KsReference.Count > 0;
        var drift = Base(w) with
        {
            // Without a training range there is nothing to be outside of (the counts would say "all of it").
            OutOfRangeShare = n > 0 && w.Baseline.Valid > 0 ? (double)w.OutOfRange / n : null,
            Distribution = new Distribution { Edges = profile.PsiBins.Edges, Expected = expected, Actual = actual },
        };
        if (!comparable)
        {
            return new Measurement(drift, double.NaN, double.NaN, false);
        }

        var d = KsStatistic(profile.KsReference, w);
        var p = KolmogorovSmirnov.TwoSamplePValue(d, n, profile.KsReference.Count);
        drift = drift with
        {
            Psi = Psi.Compute(expected, actual),
            JsDistance = JensenShannon.Distance(expected, actual),
            Ks = new KsResult { Statistic = d, PValue = p, PValueAdjusted = p, ExactReference = profile.KsReference.Exact },
            WassersteinNormed = WassersteinNormed(profile, w),
        };
        return new Measurement(drift, p, d, n >= settings.MinSamples);
    }

    private static Measurement MeasureCategorical(CategoricalWindow w, DriftThresholds settings)
    {
        var profile = w.Baseline.Categorical!;
        var n = w.Valid;
        var labels = profile.Categories.Select(c => c.Value).ToList();
        var expected = profile.Categories.Select(c => c.Share).ToList();
        var counts = w.CategoryCounts.ToList();
        // The other bucket takes part only when it can hold something; an always-empty cell would only add a
        // degree of freedom to the chi-square test.
        if (profile.OtherShare > 0 || w.OtherCount > 0)
        {
            labels.Add(OtherLabel);
            expected.Add(profile.OtherShare);
            counts.Add(w.OtherCount);
        }

        var actual = Shares([.. counts], n);
        var unseen = n > 0
            ? new UnseenCategories
            {
                Share = (double)w.UnseenCount / n,
                Count = w.UnseenCount,
                Top = w.Unseen.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
                    .Take(10).Select(kv => new CategoryCount(kv.Key, kv.Value)).ToArray(),
            }
            : null;
        var drift = Base(w) with
        {
            Unseen = unseen,
            Distribution = new Distribution { Labels = labels, Expected = expected, Actual = actual },
        };
        var trainingValid = w.Baseline.Valid;
        if (n == 0 || trainingValid == 0 || labels.Count == 0)
        {
            return new Measurement(drift, double.NaN, double.NaN, false);
        }

        var linf = 0.0;
        for (var i = 0; i < expected.Count; i++)
        {
            linf = Math.Max(linf, Math.Abs(actual[i] - expected[i]));
        }

        // A share of 0 in training (a category seen only now) would make the statistic infinite: smooth with PSI's ε.
        var smoothed = expected.Select(e => e > 0 ? e : Psi.Epsilon).ToArray();
        var chi = Statistics.ChiSquare.GoodnessOfFit(counts.ToArray(), smoothed);
        drift = drift with
        {
            Psi = Psi.Compute(expected.ToArray(), actual),
            JsDistance = JensenShannon.Distance(expected.ToArray(), actual),
            ChiSquare = double.IsNaN(chi.PValue)
                ? null
                : new ChiSquareTestResult { Statistic = chi.Statistic, DegreesOfFreedom = chi.DegreesOfFreedom, PValue = chi.PValue, PValueAdjusted = chi.PValue, Linf = linf },
        };
        return new Measurement(drift, chi.PValue, linf, n >= settings.MinSamples);
    }

    private static FeatureDrift Base(FeatureWindow w) => new()
    {
        Name = w.Baseline.Name,
        Kind = w.Baseline.Kind,
        Judged = false,
        Severity = DriftSeverity.None,
        Drifted = false,
        Reasons = [],
        Rows = w.Rows,
        Valid = w.Valid,
        Missing = w.Missing,
        MissingRate = w.Rows == 0 ? 0 : (double)w.Missing / w.Rows,
        BaselineMissingRate = w.Baseline.MissingRate,
        Invalid = w.Invalid,
        AbsentRows = w.AbsentRows,
        Distribution = new Distribution { Expected = [], Actual = [] },
    };

    internal static FeatureDrift Judge(Measurement m, double adjustedP, DriftThresholds settings, bool enoughRows)
    {
        var f = m.Drift with
        {
            Ks = m.Drift.Ks is { } ks ? ks with { PValueAdjusted = adjustedP } : null,
            ChiSquare = m.Drift.ChiSquare is { } chi ? chi with { PValueAdjusted = adjustedP } : null,
        };
        if (!enoughRows || !m.Judgeable || f.Psi is not { } psi)
        {
            return f;
        }

        var reasons = new List<string>();
        if (psi >= settings.PsiThreshold)
        {
            reasons.Add("psi");
        }

        if (!double.IsNaN(adjustedP) && adjustedP < settings.KsPValueThreshold && m.Effect >= settings.KsMinStatistic)
        {
            reasons.Add(f.Kind == FeatureKind.Numeric ? "ks" : "chi_square");
        }

        var severity = psi >= settings.PsiThreshold ? DriftSeverity.Significant
            : psi >= Math.Min(settings.PsiMinorThreshold, settings.PsiThreshold) ? DriftSeverity.Minor
            : DriftSeverity.None;
        return f with { Judged = true, Severity = severity, Drifted = reasons.Count > 0, Reasons = reasons };
    }

    /// <summary>
    /// The exact two-sample D between the window and the reference ECDF. Between two reference points the
    /// reference ECDF is flat and the window's rises, so the supremum is reached at a reference point or just
    /// before the next one; the counts give both without keeping window values.
    /// </summary>
    internal static double KsStatistic(KsReference reference, NumericWindow w)
    {
        double n = w.Valid;
        long cumulative = 0;
        double d = 0, previousShare = 0;
        for (var j = 0; j < reference.Values.Count; j++)
        {
            cumulative += w.GapCounts[j];
            d = Math.Max(d, Math.Abs(previousShare - (cumulative / n)));
            cumulative += w.EqualCounts[j];
            previousShare = reference.Cumulative[j];
            d = Math.Max(d, Math.Abs(previousShare - (cumulative / n)));
        }

        return d;
    }

    /// <summary>
    /// W1 on the reference grid: training mass at the reference points; window values equal to a point sit on it,
    /// those between two points at the gap's midpoint (the window's own min and max close the outer gaps).
    /// </summary>
    private static double? WassersteinNormed(NumericProfile profile, NumericWindow w)
    {
        if (profile.Std is not { } std || std <= 0)
        {
            return null;
        }

        var points = profile.KsReference.Values;
        var cumulative = profile.KsReference.Cumulative;
        var k = points.Count;
        // Scratch from the pool, reused feature after feature: fresh arrays here (4 of 10,000-odd numbers per feature)
        // were zeroed and faulted in on every run of the detector.
        var pool = ArrayPool<double>.Shared;
        var referenceValues = pool.Rent(k);
        var referenceWeights = pool.Rent(k);
        var windowValues = pool.Rent((2 * k) + 1);
        var windowWeights = pool.Rent((2 * k) + 1);
        double distance;
        try
        {
            for (var j = 0; j < k; j++)
            {
                referenceValues[j] = points[j];
                referenceWeights[j] = cumulative[j] - (j == 0 ? 0 : cumulative[j - 1]);
            }

            for (var j = 0; j <= k; j++)
            {
                var low = j == 0 ? Math.Min(w.Min, points[0]) : points[j - 1];
                var high = j == k ? Math.Max(w.Max, points[k - 1]) : points[j];
                windowValues[2 * j] = low + ((high - low) / 2);
                windowWeights[2 * j] = w.GapCounts[j];
                if (j < k)
                {
                    windowValues[(2 * j) + 1] = points[j];
                    windowWeights[(2 * j) + 1] = w.EqualCounts[j];
                }
            }

            distance = Wasserstein.Distance(
                referenceValues.AsSpan(0, k), referenceWeights.AsSpan(0, k), windowValues.AsSpan(0, (2 * k) + 1), windowWeights.AsSpan(0, (2 * k) + 1));
        }
        finally
        {
            pool.Return(referenceValues);
            pool.Return(referenceWeights);
            pool.Return(windowValues);
            pool.Return(windowWeights);
        }

        var normed = distance / std;
        return double.IsFinite(normed) ? normed : null;
    }

    internal static double[] Shares(long[] counts, long total)
    {
        var shares = new double[counts.Length];
        if (total > 0)
        {
            for (var i = 0; i < counts.Length; i++)
            {
                shares[i] = (double)counts[i] / total;
            }
        }

        return shares;
    }

    internal sealed record Measurement(FeatureDrift Drift, double PValue, double Effect, bool Judgeable);
}
