using DriftJobs.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace DriftJobs.InferenceLogger.Tests;

/// <summary>Records that do not match the declared schema: the documented rules, and their counters.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SchemaTests(AzuriteFixture azurite)
{
    private static PredictionRecord Record(string id, Dictionary<string, ModelValue> features, ModelValue prediction, double? score = null) =>
        RecordWith(id, features, prediction, score);

    private static PredictionRecord RecordWith(string id, IReadOnlyDictionary<string, ModelValue> features, ModelValue prediction, double? score = null) => new()
    {
        Timestamp = new DateTimeOffset(2025, 2, 3, 4, 5, 6, TimeSpan.Zero),
        RequestId = id,
        ModelName = "churn",
        ModelVersion = "3",
        Features = features,
        Prediction = prediction,
        PredictionScore = score,
    };

    [Fact]
    public async Task Mismatched_records_are_accepted_and_conformed_by_the_documented_rules_with_counters()
    {
        var container = await azurite.CreateContainerAsync();
        var logs = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logs)));
        var logger = TestRecords.Builder(container).WithLoggerFactory(loggerFactory).Build();

        Assert.True(logger.TryLog(Record("complete", new() { ["age"] = 40, ["country"] = "DE", ["income"] = 52_000.5 }, 1, 0.9)));
        Assert.True(logger.TryLog(Record("missing-income", new() { ["age"] = 41, ["country"] = "FR" }, 0)));
        Assert.True(logger.TryLog(Record("unknown-zip", new() { ["age"] = 42, ["country"] = "US", ["income"] = 1.0, ["zip"] = "10115" }, 0)));
        Assert.True(logger.TryLog(Record("unknown-zip-again", new() { ["age"] = 43, ["country"] = "US", ["income"] = 2.0, ["zip"] = "10117" }, 0)));
        Assert.True(logger.TryLog(Record("string-age", new() { ["age"] = "44.5", ["country"] = "GB", ["income"] = 3.0 }, "1")));
        Assert.True(logger.TryLog(Record("number-country", new() { ["age"] = 45, ["country"] = 7, ["income"] = 4.0 }, 1)));
        Assert.True(logger.TryLog(Record("bad-age", new() { ["age"] = "forty", ["country"] = "IT", ["income"] = double.NaN }, "yes", double.PositiveInfinity)));
        Assert.True(logger.TryLog(Record("nulls", new() { ["age"] = ModelValue.Null, ["country"] = ModelValue.Null, ["income"] = (double?)null }, ModelValue.Null)));
        await logger.DisposeAsync();

        var file = Assert.Single(await LogFiles.ReadAllAsync(container));
        var rows = file.Rows.ToDictionary(r => (string)r["request_id"]!);
        Assert.Equal(8, rows.Count);
        Assert.DoesNotContain(file.Schema.DataFields, f => f.Name == "zip");

        Assert.Equal((40.0, "DE", 52_000.5, 1.0, 0.9), Values(rows["complete"]));
        Assert.Equal((41.0, "FR", null, 0.0, null), Values(rows["missing-income"]));
        Assert.Equal((42.0, "US", 1.0, 0.0, null), Values(rows["unknown-zip"]));
        Assert.Equal((44.5, "GB", 3.0, 1.0, null), Values(rows["string-age"]));
        Assert.Equal((45.0, "7", 4.0, 1.0, null), Values(rows["number-country"]));
        Assert.Equal((null, "IT", null, null, null), Values(rows["bad-age"]));
        Assert.Equal((null, null, null, null, null), Values(rows["nulls"]));

        var counters = logger.Counters;
        Assert.Equal(8, counters.Accepted);
        Assert.Equal(2, counters.UnknownFeatures);
        Assert.Equal(1, counters.MissingValues);

        // Coerced: "44.5" → age, 7 → country, "1" → prediction. Nulled: "forty", NaN, "yes", +∞ score.
        Assert.Equal(3, counters.CoercedValues);
        Assert.Equal(4, counters.NulledValues);

        // Unknown features are reported once per name, not once per record.
        Assert.Single(logs.GetSnapshot(), r => r.Message.Contains("'zip'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_string_prediction_column_takes_labels_and_converts_numbers()
    {
        var container = await azurite.CreateContainerAsync();
        await using (var logger = TestRecords.Builder(container, o => o.PredictionKind = ValueKind.String).Build())
        {
            Assert.True(logger.TryLog(Record("label", new() { ["age"] = 1, ["country"] = "DE", ["income"] = 1.0 }, "approve", 0.7)));
            Assert.True(logger.TryLog(Record("number", new() { ["age"] = 1, ["country"] = "DE", ["income"] = 1.0 }, 0.25)));
        }

        var file = Assert.Single(await LogFiles.ReadAllAsync(container));
        var predictions = file.Rows.ToDictionary(r => (string)r["request_id"]!, r => r["prediction"]);
        Assert.Equal("approve", predictions["label"]);
        Assert.Equal("0.25", predictions["number"]);
        Assert.Equal(0.7, file.Rows.Single(r => (string)r["request_id"]! == "label")["prediction_score"]);
    }

    [Fact]
    public async Task Features_are_matched_by_name_whatever_the_order_or_dictionary_type()
    {
        var container = await azurite.CreateContainerAsync();
        static string Copy(string name) => new(name.AsSpan());
        IReadOnlyDictionary<string, ModelValue>[] shapes =
        [
            new Dictionary<string, ModelValue> { ["age"] = 1, ["country"] = "A", ["income"] = 10.0 },
            new Dictionary<string, ModelValue> { ["income"] = 20.0, ["age"] = 2, ["country"] = "B" },
            new Dictionary<string, ModelValue> { [Copy("country")] = "C", [Copy("income")] = 30.0, [Copy("age")] = 3 },
            new System.Collections.ObjectModel.ReadOnlyDictionary<string, ModelValue>(new Dictionary<string, ModelValue> { ["age"] = 4, ["income"] = 40.0, ["country"] = "D" }),
            System.Collections.Immutable.ImmutableSortedDictionary.CreateRange(new Dictionary<string, ModelValue> { ["country"] = "E", ["age"] = 5, ["income"] = 50.0 }),
            new Dictionary<string, ModelValue> { ["zip"] = "x", ["income"] = 60.0, ["age"] = 6 },
            new Dictionary<string, ModelValue>(StringComparer.OrdinalIgnoreCase) { ["Age"] = 7, ["country"] = "G", ["income"] = 70.0 },
        ];

        await using (var logger = TestRecords.Builder(container).Build())
        {
            for (var i = 0; i < 700; i++)
            {
                Assert.True(logger.TryLog(RecordWith(i.ToString(System.Globalization.CultureInfo.InvariantCulture), shapes[i % shapes.Length], 0)));
            }
        }

        var rows = (await LogFiles.ReadAllAsync(container)).SelectMany(f => f.Rows).ToList();
        Assert.Equal(700, rows.Count);
        foreach (var row in rows)
        {
            var shape = int.Parse((string)row["request_id"]!, System.Globalization.CultureInfo.InvariantCulture) % shapes.Length;
            var expected = shape switch
            {
                5 => ((double?)6, (string?)null, (double?)60.0),

                // Names are matched exactly: "Age" is not "age" (unknown, and age missing).
                6 => (null, "G", 70.0),
                _ => (shape + 1, ((char)('A' + shape)).ToString(), (shape + 1) * 10.0),
            };
            Assert.Equal(expected, ((double?)row["age"], (string?)row["country"], (double?)row["income"]));
        }
    }

    private static (double?, string?, double?, double?, double?) Values(IReadOnlyDictionary<string, object?> row) =>
        ((double?)row["age"], (string?)row["country"], (double?)row["income"], (double?)row["prediction"], (double?)row["prediction_score"]);
}
