using System.Text.Json;
using System.Text.Json.Serialization;
using DriftJobs.Core.Reports.Index;
using DriftJobs.Core.Serialization;

namespace DriftJobs.Core.Reports.History;

/// <summary>The serializer's metadata for the history and the index, generated at build time (the detector is compiled ahead of time).</summary>
[JsonSerializable(typeof(DriftHistoryDay))]
[JsonSerializable(typeof(ReportIndex))]
internal sealed partial class DriftHistoryJsonContext : JsonSerializerContext;

/// <summary>
/// Reads and writes the history's day blobs and the index: the reports' conventions (snake_case, strict numbers,
/// duplicate fields refused), but on one line, since they are read by programs and kept small.
/// </summary>
internal static class DriftHistoryJson
{
    private static readonly JsonSerializerOptions Options = new(DriftJson.Options) { WriteIndented = false, TypeInfoResolver = DriftHistoryJsonContext.Default };
    private static readonly JsonSerializerOptions ReadOptions = new(Options) { AllowDuplicateProperties = false };

    public static byte[] Serialize(DriftHistoryDay day) => JsonSerializer.SerializeToUtf8Bytes(day, DriftJson.TypeInfo<DriftHistoryDay>(Options));

    public static byte[] Serialize(ReportIndex index) => JsonSerializer.SerializeToUtf8Bytes(index, DriftJson.TypeInfo<ReportIndex>(Options));

    /// <exception cref="InvalidDataException">The blob cannot be read as a history day; the message names <paramref name="source"/>.</exception>
    public static DriftHistoryDay ReadDay(ReadOnlySpan<byte> json, string source) =>
        DriftHistory.Validate(DriftJson.Read<DriftHistoryDay>(json, source, DriftHistoryDay.CurrentSchemaVersion, d => d.SchemaVersion, ReadOptions), source);

    /// <exception cref="InvalidDataException">The blob cannot be read as the index; the message names <paramref name="source"/>.</exception>
    public static ReportIndex ReadIndex(ReadOnlySpan<byte> json, string source) =>
        DriftJson.Read<ReportIndex>(json, source, ReportIndex.CurrentSchemaVersion, d => d.SchemaVersion, ReadOptions);
}
