using System.Text.Json.Serialization;

namespace DriftJobs.Core.Performance;

/// <summary>What the model predicts, which decides the metrics: classes (text or integer labels) or a number.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PerformanceTask>))]
internal enum PerformanceTask
{
    [JsonStringEnumMemberName("classification")]
    Classification,

    [JsonStringEnumMemberName("regression")]
    Regression,
}
