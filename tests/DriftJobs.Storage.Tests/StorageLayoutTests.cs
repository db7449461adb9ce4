namespace DriftJobs.Storage.Tests;

public sealed class StorageLayoutTests
{
    private static readonly DateTimeOffset End = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Blob_names_follow_the_documented_layout()
    {
        Assert.Equal("baselines/fraud-model/v1.2/baseline.json", StorageLayout.BaselineBlobName("fraud-model", "v1.2"));
        Assert.Equal("drift-reports/fraud-model/v1.2/2026-01-05T09Z.json", StorageLayout.ReportBlobName("fraud-model", "v1.2", End));
        Assert.Equal("drift-reports/fraud-model/v1.2/2026-01-05T09Z.html", StorageLayout.HtmlReportBlobName("fraud-model", "v1.2", End));
        Assert.Equal("drift-reports/fraud-model/latest.json", StorageLayout.LatestReportBlobName("fraud-model"));
        Assert.Equal("drift-reports/fraud-model/latest.html", StorageLayout.LatestHtmlReportBlobName("fraud-model"));
        Assert.Equal("drift-reports/fraud-model/alert-state.json", StorageLayout.AlertStateBlobName("fraud-model"));
        Assert.Equal("drift-reports/fraud-model/performance-state.json", StorageLayout.PerformanceStateBlobName("fraud-model"));
        Assert.Equal("training-data/fraud-model/v1.2/train.parquet", StorageLayout.SimulatedTrainingBlobName("fraud-model", "v1.2"));
        Assert.Equal("training-data/fraud-model/v1.2/validation.parquet", StorageLayout.SimulatedValidationBlobName("fraud-model", "v1.2"));
        Assert.Equal("drift-profiles/fraud-model/v1.2/2026-01-05/2026-01-05T09Z.profile.json.gz", StorageLayout.HourProfileBlobName("fraud-model", "v1.2", End));
        Assert.Equal("drift-profiles/fraud-model/v1.2/2026-01-05/", StorageLayout.HourProfileDayPrefix("fraud-model", "v1.2", End));
        Assert.Equal("drift-profiles/fraud-model/v1.2/", StorageLayout.HourProfilesPrefix("fraud-model", "v1.2"));
        Assert.Equal("drift-reports/fraud-model/history/v1.2/2026-01-05.json", StorageLayout.HistoryBlobName("fraud-model", "v1.2", End));
        Assert.Equal("drift-reports/fraud-model/history/v1.2/", StorageLayout.HistoryPrefix("fraud-model", "v1.2"));
        Assert.Equal("drift-reports/index.json", StorageLayout.IndexJsonBlobName);
        Assert.Equal("drift-reports/index.html", StorageLayout.IndexHtmlBlobName);
        Assert.Equal("fraud-model/latest.html", StorageLayout.IndexRelativePath(StorageLayout.LatestHtmlReportBlobName("fraud-model")));
    }

    [Fact]
    public void History_days_are_utc_days_of_the_window_end_and_read_back_from_their_names()
    {
        // Midnight closes the day before it in local time but is filed under its own UTC day.
        Assert.Equal("drift-reports/m/history/1/2026-01-06.json", StorageLayout.HistoryBlobName("m", "1", new DateTimeOffset(2026, 1, 6, 1, 0, 0, TimeSpan.FromHours(1))));
        var prefix = StorageLayout.HistoryPrefix("m", "1");
        Assert.Equal(new DateOnly(2026, 1, 6), StorageLayout.HistoryDayOf(prefix, "drift-reports/m/history/1/2026-01-06.json"));
        Assert.Null(StorageLayout.HistoryDayOf(prefix, "drift-reports/m/history/1/2026-01-06.json.tmp"));
        Assert.Null(StorageLayout.HistoryDayOf(prefix, "drift-reports/m/history/1/2026-01-06T00Z.json"));
    }

    [Fact]
    public void Report_name_uses_the_utc_hour_of_the_window_end()
    {
        var sameInstantElsewhere = new DateTimeOffset(2026, 1, 5, 10, 0, 0, TimeSpan.FromHours(1));
        Assert.Equal("drift-reports/m/1/2026-01-05T09Z.json", StorageLayout.ReportBlobName("m", "1", sameInstantElsewhere));

        // An hour profile's day folder is the UTC day too: midnight in UTC+1 is the previous day's 23:00.
        var midnightElsewhere = new DateTimeOffset(2026, 1, 6, 0, 0, 0, TimeSpan.FromHours(1));
        Assert.Equal("drift-profiles/m/1/2026-01-05/2026-01-05T23Z.profile.json.gz", StorageLayout.HourProfileBlobName("m", "1", midnightElsewhere));
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("../other")]
    [InlineData("a\\b")]
    [InlineData("white space")]
    [InlineData("modèle")]
    [InlineData("a\nb")]
    [InlineData("x%2F")]
    public void Invalid_model_names_are_rejected_naming_the_setting(string name)
    {
        var error = Assert.Throws<StorageConfigurationException>(() => ModelIdentity.Validate(name, "DRIFT_MODEL"));
        Assert.Contains("DRIFT_MODEL", error.Message, StringComparison.Ordinal);
        Assert.False(ModelIdentity.IsValid(name));
    }

    [Fact]
    public void Model_names_are_limited_to_63_characters()
    {
        Assert.Equal(new string('a', 63), ModelIdentity.Validate(new string('a', 63), "DRIFT_MODEL"));
        Assert.Throws<StorageConfigurationException>(() => ModelIdentity.Validate(new string('a', 64), "DRIFT_MODEL"));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("Fraud_Model-2.v3")]
    [InlineData("...")]
    [InlineData(".hidden")]
    public void Valid_model_names_are_accepted(string name) => Assert.Equal(name, ModelIdentity.Validate(name, "DRIFT_MODEL"));

    [Fact]
    public void Path_builders_reject_names_that_would_escape_their_prefix()
    {
        Assert.Throws<StorageConfigurationException>(() => StorageLayout.BaselineBlobName("..", "v1"));
        Assert.Throws<StorageConfigurationException>(() => StorageLayout.BaselineBlobName("m", "../../x"));
        Assert.Throws<StorageConfigurationException>(() => StorageLayout.LatestReportBlobName("a/b"));
        Assert.Throws<StorageConfigurationException>(() => StorageLayout.LatestHtmlReportBlobName(".."));
        Assert.Throws<StorageConfigurationException>(() => StorageLayout.AlertStateBlobName("a/b"));
        Assert.Throws<StorageConfigurationException>(() => StorageLayout.HtmlReportBlobName("m", "..", End));
        Assert.Throws<StorageConfigurationException>(() => StorageLayout.HourProfileBlobName("..", "1", End));
        Assert.Throws<StorageConfigurationException>(() => StorageLayout.HourProfilesPrefix("m", "a/b"));
    }

    [Theory]
    [InlineData("inference-logs", "inference-logs/")]
    [InlineData("/inference-logs/", "inference-logs/")]
    [InlineData("logs/prod", "logs/prod/")]
    [InlineData("/", "")]
    [InlineData("", "inference-logs/")]
    [InlineData(null, "inference-logs/")]
    public void Logs_prefix_is_normalised(string? configured, string expected) =>
        Assert.Equal(expected, new StorageLayout(configured).LogsPrefix);

    [Theory]
    [InlineData("logs//prod")]
    [InlineData("logs/../secrets")]
    [InlineData("./logs")]
    [InlineData("logs\\prod")]
    public void Bad_logs_prefix_names_the_setting(string configured)
    {
        var error = Assert.Throws<StorageConfigurationException>(() => new StorageLayout(configured));
        Assert.Contains(StorageOptions.LogsPrefixSetting, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Window_hours_are_the_hours_before_the_end_oldest_first()
    {
        var hours = StorageLayout.WindowHours(End, 3);
        Assert.Equal([End.AddHours(-3), End.AddHours(-2), End.AddHours(-1)], hours);
    }

    [Fact]
    public void Window_end_must_be_on_an_hour_boundary()
    {
        Assert.Throws<ArgumentException>(() => StorageLayout.WindowHours(End.AddMinutes(1), 1));
        Assert.Throws<ArgumentException>(() => StorageLayout.WindowHours(End.AddTicks(1), 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => StorageLayout.WindowHours(End, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => StorageLayout.WindowHours(End, StorageLayout.MaxWindowHours + 1));
    }

    [Fact]
    public void A_window_end_with_an_offset_counts_whole_hours_in_utc()
    {
        // 09:30+05:30 is 04:00Z: an hour boundary in UTC even though not in local time.
        var end = new DateTimeOffset(2026, 1, 5, 9, 30, 0, TimeSpan.FromHours(5.5));
        Assert.Equal([new DateTimeOffset(2026, 1, 5, 3, 0, 0, TimeSpan.Zero)], StorageLayout.WindowHours(end, 1));
    }

    [Fact]
    public void Hour_prefixes_cover_padded_unpadded_and_mixed_spellings()
    {
        var layout = new StorageLayout("logs");
        var prefixes = layout.HourPrefixes(new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero));
        Assert.Equal(8, prefixes.Count);
        Assert.Equal(8, prefixes.Distinct().Count());
        Assert.Contains("logs/year=2026/month=01/day=05/hour=08/", prefixes);
        Assert.Contains("logs/year=2026/month=1/day=5/hour=8/", prefixes);
        Assert.Contains("logs/year=2026/month=01/day=5/hour=8/", prefixes);
        Assert.Contains("logs/year=2026/month=1/day=05/hour=08/", prefixes);
    }

    [Fact]
    public void Two_digit_values_have_one_spelling()
    {
        var layout = new StorageLayout("logs");
        Assert.Equal(["logs/year=2026/month=12/day=31/hour=23/"], layout.HourPrefixes(new DateTimeOffset(2026, 12, 31, 23, 0, 0, TimeSpan.Zero)));
        Assert.Equal(
            ["logs/year=2026/month=11/day=20/hour=05/", "logs/year=2026/month=11/day=20/hour=5/"],
            layout.HourPrefixes(new DateTimeOffset(2026, 11, 20, 5, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Hour_prefixes_end_with_a_slash_so_hour_1_never_matches_hour_10()
    {
        var layout = new StorageLayout("/");
        Assert.All(layout.HourPrefixes(new DateTimeOffset(2026, 10, 10, 1, 0, 0, TimeSpan.Zero)), p => Assert.EndsWith("/", p, StringComparison.Ordinal));
        Assert.Contains("year=2026/month=10/day=10/hour=1/", layout.HourPrefixes(new DateTimeOffset(2026, 10, 10, 1, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Ground_truth_has_its_own_hour_tree()
    {
        var hour = new DateTimeOffset(2026, 11, 20, 15, 0, 0, TimeSpan.Zero);
        Assert.Equal(["ground-truth/year=2026/month=11/day=20/hour=15/"], new StorageLayout().HourPrefixes(hour, HourTree.GroundTruth));
        Assert.Equal(["labels/prod/year=2026/month=11/day=20/hour=15/"], new StorageLayout("logs", "/labels/prod/").HourPrefixes(hour, HourTree.GroundTruth));
        Assert.Equal(["logs/year=2026/month=11/day=20/hour=15/"], new StorageLayout("logs", "/labels/prod/").HourPrefixes(hour));
        Assert.Equal("ground-truth/", new StorageLayout("/", " ").GroundTruthPrefix);
        Assert.Equal(
            "labels/year=2026/month=11/day=20/hour=15/fraud-2-simulated.parquet",
            new StorageLayout("logs", "labels").SimulatedGroundTruthBlobName(hour, "fraud", "2"));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("labels/../logs")]
    [InlineData("a//b")]
    public void A_ground_truth_prefix_that_is_not_a_plain_folder_is_refused_naming_the_setting(string prefix)
    {
        // The container root would mix labels into the logs' tree (and every other blob): it needs a folder of its own.
        var error = Assert.Throws<StorageConfigurationException>(() => new StorageLayout("logs", prefix));
        Assert.Contains(StorageOptions.GroundTruthPrefixSetting, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("container root", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Labels_and_logs_cannot_share_a_folder()
    {
        var error = Assert.Throws<StorageConfigurationException>(() => new StorageLayout("/data/", "data"));
        Assert.Contains(StorageOptions.GroundTruthPrefixSetting, error.Message, StringComparison.Ordinal);
        Assert.Contains(StorageOptions.LogsPrefixSetting, error.Message, StringComparison.Ordinal);
    }
}
