using DriftJobs.Cli;
using DriftJobs.Core.Reports;
using DriftJobs.Testing;

namespace DriftJobs.Jobs.Tests;

/// <summary>
/// The whole pipeline on Azurite: driftctl simulate → baseline job (with the validation set) → detector → latest.json.
/// As make demo does: 29 hours simulated, the drift window's 24 and 5 behind it, the window whose performance is judged
/// (labels arrive 2 to 5 hours after their predictions).
/// </summary>
[Collection(AzuriteCollection.Name)]
[Trait("Category", "Synthetic")]
public sealed class PipelineScenarioTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset End = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);

    private async Task<(DriftReport Report, string DetectorOutput)> RunPipelineAsync(string scenario)
    {
        var container = await azurite.CreateContainerAsync();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var simulated = await DriftCtl.InvokeAsync(
            ["simulate", "--connection-string", azurite.ConnectionString, "--container", container.Name, "--scenario", scenario,
             "--hours", "29", "--rows-per-hour", "300", "--training-rows", "10000", "--seed", "7", "--end", End.ToString("o"),
             "--label-delay-hours", "2", "--label-spread-hours", "3"],
            new CliRuntime(output, error, TimeProvider.System));
        Assert.True(simulated == 0, error.ToString());
        Assert.Contains("8700 predictions over 29 h", output.ToString(), StringComparison.Ordinal);

        var baseline = await Jobs.BaselineAsync(azurite.ConnectionString, container,
            "--training-data", "training-data/fraud-detector/1/train.parquet", "--validation-data", "training-data/fraud-detector/1/validation.parquet", "--positive-class", "fraud",
            "--model-name", "fraud-detector", "--model-version", "1", "--target-column", "is_fraud");
        Assert.True(baseline.ExitCode == 0, baseline.Output);

        var detector = await Jobs.DetectorAsync(azurite.ConnectionString, container,
            "--model-name", "fraud-detector", "--model-version", "1", "--drift-window-end", End.ToString("o"), "--drift-label-delay-hours", "5");
        Assert.True(detector.ExitCode == 0, detector.Output);
        return (await Jobs.LatestReportAsync(container, "fraud-detector"), detector.Output);
    }

    [Fact]
    public async Task None_finds_no_drift()
    {
        var (report, output) = await RunPipelineAsync("none");
        Assert.Equal(7200, report.Samples);
        Assert.Equal(10, report.FeaturesMonitored);
        Assert.Empty(report.DriftedFeatures);
        Assert.False(report.DriftDetected);
        Assert.False(report.Prediction!.Drifted);
        Assert.DoesNotContain(report.Alerts, a => a.Severity != AlertSeverity.Info);
        Assert.Contains("Overall drift detected: NO", output, StringComparison.Ordinal);
        // Nor a false performance alarm: the model is as right as on its validation data.
        var performance = report.Performance!;
        Assert.Equal(7200, performance.Predictions);
        Assert.False(performance.Verdict!.Degraded, $"accuracy {performance.Verdict.Value} vs {performance.Verdict.Reference}");
        Assert.True(performance.Estimate!.Calibrated, performance.Estimate.Reason);
    }

    [Fact]
    public async Task Concept_drift_moves_no_feature_and_raises_a_performance_alert()
    {
        var (report, _) = await RunPipelineAsync("concept-drift");
        Assert.Empty(report.DriftedFeatures);
        Assert.False(report.DriftDetected);
        var performance = report.Performance!;
        Assert.True(performance.Verdict!.Degraded, $"accuracy {performance.Verdict.Value} vs {performance.Verdict.Reference}");
        Assert.Contains(report.Alerts, a => a.Code == AlertCodes.PerformanceDegradation);
        // The scores did not move: the estimate stays near the validation accuracy while the realized one falls.
        Assert.True(performance.Estimate!.Evaluated!.Accuracy > performance.Classification!.Accuracy + 0.05);
    }

    [Fact]
    public async Task Covariate_shift_finds_the_moved_numeric_features()
    {
        var (report, _) = await RunPipelineAsync("covariate-shift");
        Assert.Equal(["amount", "distance_km", "session_seconds"], report.DriftedFeatures);
        Assert.All(report.Features.Where(f => f.Drifted), f => Assert.Equal(DriftSeverity.Significant, f.Severity));
    }

    [Fact]
    public async Task Categorical_shift_finds_the_new_mix_and_the_unseen_category()
    {
        var (report, _) = await RunPipelineAsync("categorical-shift");
        Assert.Equal(["merchant_category", "device_type"], report.DriftedFeatures);
        var merchant = report.Features.Single(f => f.Name == "merchant_category");
        Assert.Contains("chi_square", merchant.Reasons);
        Assert.Equal("crypto", merchant.Unseen!.Top[0].Value);
        Assert.Contains(report.Alerts, a => a is { Code: AlertCodes.UnseenCategories, Feature: "merchant_category" });
    }

    [Fact]
    public async Task Missing_values_raise_a_data_quality_warning()
    {
        var (report, _) = await RunPipelineAsync("missing-values");
        var age = report.Features.Single(f => f.Name == "account_age_days");
        Assert.InRange(age.MissingRate, 0.35, 0.45);
        Assert.Contains(report.Alerts, a => a is { Code: AlertCodes.MissingRateIncrease, Feature: "account_age_days", Severity: AlertSeverity.Warning });
        Assert.Empty(report.DriftedFeatures);
    }

    [Fact]
    public async Task Schema_change_names_the_missing_column()
    {
        var (report, _) = await RunPipelineAsync("schema-change");
        var distance = report.Features.Single(f => f.Name == "distance_km");
        Assert.Equal(7200, distance.AbsentRows);
        Assert.False(distance.Judged);
        Assert.Contains(report.Alerts, a => a is { Code: AlertCodes.FeatureAbsent, Feature: "distance_km" });
        Assert.Empty(report.DriftedFeatures);
    }
}
