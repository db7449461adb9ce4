using System.Text.Json.Serialization;

namespace DriftJobs.Core.Performance;

/// <summary>The metric a window's performance verdict is given on (DRIFT_PERFORMANCE_METRIC).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PerformanceMetric>))]
internal enum PerformanceMetric
{
    [JsonStringEnumMemberName("accuracy")]
    Accuracy,

    [JsonStringEnumMemberName("f1")]
    F1,

    [JsonStringEnumMemberName("rmse")]
    Rmse,

    [JsonStringEnumMemberName("mae")]
    Mae,
}
