using System.Text;
using DriftJobs.Core.Performance;
using DriftJobs.Core.Profiles;
using DriftJobs.Core.Serialization;

namespace DriftJobs.Core.Tests;

/// <summary>baseline.json's optional <c>performance</c>: written when there is one, absent otherwise, checked when read.</summary>
public sealed class BaselinePerformanceJsonTests
{
    private static BaselineProfile Baseline(ReferencePerformance? performance)
    {
        var random = new Random(3);
        return TestData.Baseline(new() { ["x"] = TestData.Normal(random, 200) }, []) with { Performance = performance };
    }

    private static ReferencePerformance Classification()
    {
        var builder = new ReferencePerformanceBuilder(null, null);
        var random = new Random(4);
        for (var i = 0; i < 300; i++)
        {
            var label = random.Next(2);
            var score = Math.Round(random.NextDouble(), 3);
            builder.Add(i % 50 == 0 ? double.NaN : label, score >= 0.5 ? 1 : 0, i % 7 == 0 ? double.NaN : score);
        }

        return builder.Build("file /data/validation.csv (1 CSV file)", out _);
    }

    private static ReferencePerformance Regression()
    {
        var builder = new ReferencePerformanceBuilder(null, null);
        var random = new Random(5);
        for (var i = 0; i < 100; i++)
        {
            var label = random.NextDouble() * 10;
            builder.Add(label, label + random.NextDouble() - 0.4);
        }

        return builder.Build("blob validation/ (2 Parquet files)", out _);
    }

    [Fact]
    public void A_classification_reference_round_trips_byte_for_byte_in_both_reads()
    {
        var bytes = DriftJson.Serialize(Baseline(Classification()));
        var json = Encoding.UTF8.GetString(bytes);
        Assert.Contains("\"performance\": {\n    \"task\": \"classification\",", json, StringComparison.Ordinal);
        Assert.Contains("\"positive_class\": \"1\"", json, StringComparison.Ordinal);
        Assert.Contains("\"confusion_matrix\": [", json, StringComparison.Ordinal);
        Assert.Contains("\"regression\": null", json, StringComparison.Ordinal);
        Assert.Contains("\"calibration\": {\n      \"ece\": ", json, StringComparison.Ordinal);
        Assert.Contains("\"mean_score\": ", json, StringComparison.Ordinal);
        Assert.Contains("\"positive_rate\": ", json, StringComparison.Ordinal);

        var read = DriftJson.ReadBaseline(bytes, "b.json");
        Assert.Equal((300L, 6L, "1"), (read.Performance!.Rows, read.Performance.Unlabelled, read.Performance.PositiveClass));
        // Rows with a label and a score: 300 less 6 unlabelled less 43 unscored, 1 of them both (i = 0).
        Assert.Equal((252L, 10), (read.Performance.Calibration!.Count, read.Performance.Calibration.Bins.Count));
        Assert.Equal(bytes, DriftJson.Serialize(read));
        var parallel = BaselineFeaturesReader.TryRead(bytes, DriftJson.ReadOptions, BaselineProfile.CurrentSchemaVersion);
        Assert.Equal(bytes, DriftJson.Serialize(parallel!));
    }

    [Fact]
    public void A_regression_reference_round_trips()
    {
        var bytes = DriftJson.Serialize(Baseline(Regression()));
        var json = Encoding.UTF8.GetString(bytes);
        Assert.Contains("\"task\": \"regression\"", json, StringComparison.Ordinal);
        Assert.Contains("\"calibration\": null", json, StringComparison.Ordinal);
        var read = DriftJson.ReadBaseline(bytes, "b.json");
        Assert.Equal(100, read.Performance!.Regression!.Count);
        Assert.Equal(bytes, DriftJson.Serialize(read));
    }

    [Fact]
    public void A_baseline_without_validation_data_has_no_performance_field_and_reads_as_before()
    {
        var bytes = DriftJson.Serialize(Baseline(null));
        var json = Encoding.UTF8.GetString(bytes);
        Assert.DoesNotContain("performance", json, StringComparison.Ordinal);
        Assert.Null(DriftJson.ReadBaseline(bytes, "b.json").Performance);

        // Written out as null by hand, it means the same.
        var withNull = json.Replace("\n  \"features\": [", "\n  \"performance\": null,\n  \"features\": [", StringComparison.Ordinal);
        Assert.NotEqual(json, withNull);
        Assert.Null(DriftJson.ReadBaseline(Encoding.UTF8.GetBytes(withNull), "b.json").Performance);
    }

    public static TheoryData<string> Inconsistencies() =>
    [
        "rows", "count", "task", "positive class", "matrix",
        "calibration of a regression", "calibration count", "calibration ece", "calibration bin counts", "calibration empty bin",
        "calibration bin order", "calibration rate", "calibration without positive class",
    ];

    [Theory]
    [MemberData(nameof(Inconsistencies))]
    public void An_inconsistent_performance_is_refused_naming_the_field(string what)
    {
        var p = Classification();
        var c = p.Classification!;
        var s = p.Calibration!;
        var bins = s.Bins.ToList();
        ReferencePerformance Bins(params CalibrationBin[] edited) => p with { Calibration = s with { Bins = edited } };
        var (broken, field) = what switch
        {
            "rows" => (p with { Unlabelled = p.Rows + 1 }, "field performance: rows and unlabelled"),
            "count" => (p with { Classification = c with { Count = c.Count + 1 } }, "field performance.classification.count"),
            "task" => (p with { Task = PerformanceTask.Regression }, "field performance: a regression needs 'regression'"),
            "positive class" => (p with { PositiveClass = "0" }, "field performance.positive_class"),
            "matrix" => (p with { Classification = c with { ConfusionMatrix = [[1, 2], [3]] } }, "field performance.classification.confusion_matrix"),
            "calibration of a regression" => (Regression() with { Calibration = s }, "field performance.calibration: a regression"),
            "calibration count" => (p with { Calibration = s with { Count = s.Count - 1 } }, "field performance.calibration.count"),
            "calibration ece" => (p with { Calibration = s with { Ece = 1.5 } }, "field performance.calibration.ece"),
            "calibration bin counts" => (Bins([.. bins.Take(9), bins[9] with { Count = bins[9].Count + 1 }]), "field performance.calibration.bins: their counts"),
            "calibration empty bin" => (Bins([.. bins.Take(9), bins[9] with { Count = 0 }]), "field performance.calibration.bins[9].count"),
            "calibration bin order" => (Bins([bins[1], bins[0], .. bins.Skip(2)]), "field performance.calibration.bins[1]: bins must be increasing"),
            "calibration rate" => (Bins([bins[0] with { PositiveRate = -0.1 }, .. bins.Skip(1)]), "field performance.calibration.bins[0]: mean_score"),
            "calibration without positive class" => (p with { PositiveClass = null, Classification = c with { PositiveClass = null } },
                "field performance.calibration: needs a positive class"),
            _ => throw new ArgumentOutOfRangeException(nameof(what)),
        };

        var error = Assert.Throws<InvalidDataException>(() => DriftJson.ReadBaseline(DriftJson.Serialize(Baseline(broken)), "b.json"));
        Assert.StartsWith("b.json: " + field, error.Message, StringComparison.Ordinal);
    }
}
