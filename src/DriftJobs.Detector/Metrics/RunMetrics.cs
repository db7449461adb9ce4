using System.Globalization;
using System.Text;
using DriftJobs.Core.Performance;
using DriftJobs.Core.Reports;

namespace DriftJobs.Detector.Metrics;

/// <summary>
/// A run's metrics in the Prometheus text exposition format (0.0.4), every name prefixed <c>driftjobs_</c>. Model
/// and version are not written on the samples: they are the Pushgateway grouping key, which adds them as labels.
/// A value the report does not have (no verdict, no KS for a categorical feature) is left out, not written as 0.
/// The <c>driftjobs_performance_*</c> and <c>driftjobs_label_*</c> families describe the evaluated window (the label
/// delay behind the data window) and appear only when the report has a performance section.
/// </summary>
internal static class RunMetrics
{
    public static string Format(DriftReport report, TimeSpan duration, DateTimeOffset finishedAt)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder(4_096 + (report.Features.Count * 600));

        Family(text, "driftjobs_feature_psi", "Population stability index of the feature, window against training.",
            report.Features.Select(f => (f.Name, f.Psi)));
        Family(text, "driftjobs_feature_ks_statistic", "Two-sample Kolmogorov-Smirnov D of a numeric feature.",
            report.Features.Select(f => (f.Name, f.Ks?.Statistic)));
        Family(text, "driftjobs_feature_p_value_adjusted", "Multiple-testing adjusted p-value of the feature's test (KS for numeric, chi-square for categorical).",
            report.Features.Select(f => (f.Name, f.Ks?.PValueAdjusted ?? f.ChiSquare?.PValueAdjusted)));
        Family(text, "driftjobs_feature_js_distance", "Jensen-Shannon distance (base 2) of the feature, window against training.",
            report.Features.Select(f => (f.Name, f.JsDistance)));
        Family(text, "driftjobs_feature_drifted", "1 when the feature drifted, else 0.",
            report.Features.Select(f => (f.Name, (double?)(f.Drifted ? 1 : 0))));
        Family(text, "driftjobs_feature_judged", "1 when the feature had enough values for a verdict, else 0.",
            report.Features.Select(f => (f.Name, (double?)(f.Judged ? 1 : 0))));
        Family(text, "driftjobs_feature_missing_rate", "Share of the feature's window rows that were missing.",
            report.Features.Select(f => (f.Name, (double?)f.MissingRate)));

        if (report.Prediction is { } prediction)
        {
            Gauge(text, "driftjobs_prediction_psi", "Population stability index of the predictions against the training label.", prediction.Psi);
            Gauge(text, "driftjobs_prediction_drifted", "1 when the predictions drifted from the training label, else 0.", prediction.Drifted ? 1 : 0);
        }

        if (report.Segments is { } segments)
        {
            // One series per segment, not per (segment, feature): 20 segments × 50 features would be a thousand series a model.
            Family(text, "driftjobs_segment_drift_score", "Drifted features divided by monitored features in the segment (absent without a verdict).",
                "segment", segments.Segments.Select(s => (s.Key, s.DriftScore)));
            Gauge(text, "driftjobs_segments_drifted", "Segments with at least one drifted feature.", segments.SegmentsDrifted);
            Gauge(text, "driftjobs_segments_judged", "Segments with enough rows for a verdict.", segments.SegmentsJudged);
        }

        if (report.Performance is { } performance)
        {
            Performance(text, performance);
        }

        Gauge(text, "driftjobs_drift_score", "Drifted features divided by monitored features (absent without a verdict).", report.DriftScore);
        Gauge(text, "driftjobs_drift_detected", "1 when any feature or the prediction drifted, else 0.", report.DriftDetected ? 1 : 0);
        Gauge(text, "driftjobs_insufficient_data", "1 when the window had too few rows for a verdict, else 0.", report.Status == ReportStatus.InsufficientData ? 1 : 0);
        Gauge(text, "driftjobs_features_monitored", "Features compared with the baseline.", report.FeaturesMonitored);
        Gauge(text, "driftjobs_features_drifted", "Features that drifted.", report.FeaturesDrifted);
        Gauge(text, "driftjobs_samples", "Rows of the window belonging to the model.", report.Samples);
        Gauge(text, "driftjobs_files_read", "Parquet files read.", report.Files.Read);
        Gauge(text, "driftjobs_files_skipped", "Files of the window that could not be read.", report.Files.Skipped.Count);
        Gauge(text, "driftjobs_alerts", "Alerts raised by the report.", report.Alerts.Count);
        Gauge(text, "driftjobs_window_end_timestamp_seconds", "End of the analysed window, Unix time.", report.Window.End.ToUnixTimeMilliseconds() / 1000.0);
        Gauge(text, "driftjobs_run_duration_seconds", "Wall time of the detector run up to the push.", duration.TotalSeconds);
        Gauge(text, "driftjobs_last_success_timestamp_seconds", "When the detector last finished a run and wrote its report, Unix time.", finishedAt.ToUnixTimeMilliseconds() / 1000.0);
        return text.ToString();
    }

    private static void Performance(StringBuilder text, PerformanceSection p)
    {
        Family(text, "driftjobs_performance_value", "Realized performance of the evaluated window (the label delay behind the data window), by metric.",
            "metric", Metrics(p.Classification, p.Regression));
        Family(text, "driftjobs_performance_reference", "The same metric on the baseline's validation data.",
            "metric", Metrics(p.Reference.Classification, p.Reference.Regression));
        var verdictMetric = Json(p.Metric);
        Family(text, "driftjobs_performance_degraded", "1 when the verdict metric is significantly worse than validation by at least the effect floor, else 0; absent without a verdict.",
            "metric", [(verdictMetric, p.Verdict is { } d ? (d.Degraded ? 1 : 0) : null)]);
        Family(text, "driftjobs_performance_relative_change", "How much worse the verdict metric is than validation, relative to it (positive: worse).",
            "metric", [(verdictMetric, p.Verdict?.RelativeChange)]);
        Family(text, "driftjobs_performance_p_value", "One-sided p-value of the degradation test of the verdict metric.",
            "metric", [(verdictMetric, p.Verdict?.PValue)]);
        Gauge(text, "driftjobs_performance_insufficient_labels", "1 when the evaluated window had too few labels for a verdict, else 0.", p.Status == PerformanceStatus.InsufficientLabels ? 1 : 0);
        Gauge(text, "driftjobs_performance_predictions", "Predictions of the evaluated window.", p.Predictions);
        Gauge(text, "driftjobs_labelled_predictions", "Predictions of the evaluated window that found their label.", p.Labelled);
        Gauge(text, "driftjobs_label_coverage", "Labelled predictions divided by predictions of the evaluated window.", p.LabelCoverage);
        Gauge(text, "driftjobs_label_drifted", "1 when the labels' class shares moved from validation, else 0; classification only.", p.LabelDrift is { } l ? (l.Drifted ? 1 : 0) : null);
        Gauge(text, "driftjobs_performance_trend_statistic", "Page-Hinkley statistic on the hourly error series; alarm above its lambda.", p.Trend?.Statistic);
        Gauge(text, "driftjobs_performance_trend_alarm", "1 when the Page-Hinkley detector is in alarm, else 0.", p.Trend is { } t ? (t.Alarm ? 1 : 0) : null);
        Gauge(text, "driftjobs_performance_window_end_timestamp_seconds", "End of the evaluated window, Unix time.", p.Window.End.ToUnixTimeMilliseconds() / 1000.0);
    }

    /// <summary>Metric label values are the report's JSON field names (docs/formats.md).</summary>
    private static IEnumerable<(string, double?)> Metrics(ClassificationSummary? c, RegressionSummary? r) =>
        c is not null
            ? [("accuracy", c.Accuracy), ("precision", c.Precision), ("recall", c.Recall), ("f1", c.F1), ("roc_auc", c.RocAuc), ("log_loss", c.LogLoss)]
            : r is not null
                ? [("mae", r.Mae), ("rmse", r.Rmse), ("mean_error", r.MeanError), ("r2", r.R2)]
                : [];

    private static string Json(PerformanceMetric metric) => metric switch
    {
        PerformanceMetric.Accuracy => "accuracy",
        PerformanceMetric.F1 => "f1",
        PerformanceMetric.Rmse => "rmse",
        _ => "mae",
    };

    private static void Family(StringBuilder text, string name, string help, IEnumerable<(string Feature, double? Value)> samples) =>
        Family(text, name, help, "feature", samples);

    private static void Family(StringBuilder text, string name, string help, string label, IEnumerable<(string Value, double? Sample)> samples)
    {
        var present = samples.Where(s => s.Sample.HasValue).ToList();
        if (present.Count == 0)
        {
            return;
        }

        Header(text, name, help);
        foreach (var (labelValue, sample) in present)
        {
            text.Append(name).Append('{').Append(label).Append("=\"").Append(Escape(labelValue)).Append("\"} ").Append(Value(sample!.Value)).Append('\n');
        }
    }

    private static void Gauge(StringBuilder text, string name, string help, double? value)
    {
        if (value is null)
        {
            return;
        }

        Header(text, name, help);
        text.Append(name).Append(' ').Append(Value(value.Value)).Append('\n');
    }

    private static void Header(StringBuilder text, string name, string help) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(" gauge\n");

    /// <summary>Label values escape backslash, double quote and line feed.</summary>
    public static string Escape(string value) => value
        .Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string Value(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };
}
