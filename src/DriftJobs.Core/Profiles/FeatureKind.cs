using System.Text.Json.Serialization;

namespace DriftJobs.Core.Profiles;

[JsonConverter(typeof(JsonStringEnumConverter<FeatureKind>))]
internal enum FeatureKind
{
    [JsonStringEnumMemberName("numeric")]
    Numeric,

    [JsonStringEnumMemberName("categorical")]
    Categorical,
}

/// <summary>A model input is a feature; the training label is profiled too, so predictions can be compared with it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FeatureRole>))]
internal enum FeatureRole
{
    [JsonStringEnumMemberName("feature")]
    Feature,

    [JsonStringEnumMemberName("target")]
    Target,
}
