using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using DriftJobs.Core.Reports;
using DriftJobs.Core.Serialization;

namespace DriftJobs.Detector.Alerts;

/// <summary>
/// drift-reports/{model}/alert-state.json: what each model version's alerts are doing and what each sink was sent,
/// so consecutive runs neither repeat alerts nor forget them. Fields: docs/formats.md.
/// </summary>
internal sealed record AlertStateDocument
{
    public const int CurrentSchemaVersion = 1;

    public required int SchemaVersion { get; init; }

    public required string ModelName { get; init; }

    public required IReadOnlyList<VersionAlertState> Versions { get; init; }
}

internal sealed record VersionAlertState
{
    public required string ModelVersion { get; init; }

    /// <summary>The newest window end applied; reports of older windows (backfills) leave the state alone.</summary>
    public required DateTimeOffset WindowEnd { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public required IReadOnlyList<AlertStateEntry> Alerts { get; init; }
}

/// <summary>One alert, identified by code and feature within a model version.</summary>
internal sealed record AlertStateEntry
{
    public required string Code { get; init; }

    public string? Feature { get; init; }

    public required AlertSeverity Severity { get; init; }

    public required string Message { get; init; }

    /// <summary>False once resolved; the entry stays while a sink is still owed its resolved notice.</summary>
    public required bool Active { get; init; }

    public required DateTimeOffset FirstWindowEnd { get; init; }

    public required DateTimeOffset LastWindowEnd { get; init; }

    public required int ConsecutiveWindows { get; init; }

    public required IReadOnlyList<SinkDelivery> Sent { get; init; }

    public bool Matches(string code, string? feature) => Code == code && Feature == feature;
}

/// <summary>The firing notice a sink last accepted for an alert.</summary>
internal sealed record SinkDelivery(string Sink, AlertSeverity Severity, DateTimeOffset WindowEnd, DateTimeOffset SentAt);

/// <summary>The serializer's metadata for the alert state, generated at build time (the detector has no reflection-built metadata).</summary>
[JsonSerializable(typeof(AlertStateDocument))]
[JsonSerializable(typeof(Performance.PerformanceTrendDocument))]
internal sealed partial class AlertStateJsonContext : JsonSerializerContext;

internal static class AlertStateJson
{
    // The baselines' and reports' conventions (snake_case, indented, strict numbers), over this document's metadata.
    private static readonly JsonSerializerOptions Options = new(DriftJson.Options) { TypeInfoResolver = AlertStateJsonContext.Default };

    private static JsonTypeInfo<AlertStateDocument> TypeInfo => DriftJson.TypeInfo<AlertStateDocument>(Options);

    public static byte[] Serialize(AlertStateDocument document) => JsonSerializer.SerializeToUtf8Bytes(document, TypeInfo);

    /// <exception cref="InvalidDataException">The document cannot be read; the message names the file and the field.</exception>
    public static AlertStateDocument Read(ReadOnlySpan<byte> json, string source) => Read(json, source, AlertStateDocument.CurrentSchemaVersion, TypeInfo);

    public static byte[] Serialize(Performance.PerformanceTrendDocument document) =>
        JsonSerializer.SerializeToUtf8Bytes(document, DriftJson.TypeInfo<Performance.PerformanceTrendDocument>(Options));

    public static Performance.PerformanceTrendDocument ReadTrend(ReadOnlySpan<byte> json, string source) =>
        Read(json, source, Performance.PerformanceTrendDocument.CurrentSchemaVersion, DriftJson.TypeInfo<Performance.PerformanceTrendDocument>(Options));

    private static T Read<T>(ReadOnlySpan<byte> json, string source, int schemaVersion, JsonTypeInfo<T> typeInfo)
    {
        try
        {
            using (var document = JsonDocument.Parse(json.ToArray()))
            {
                if (!document.RootElement.TryGetProperty("schema_version", out var version) || version.ValueKind != JsonValueKind.Number
                    || !version.TryGetInt32(out var v) || v != schemaVersion)
                {
                    throw new InvalidDataException($"{source}: schema_version is missing or not {schemaVersion}.");
                }
            }

            return JsonSerializer.Deserialize(json, typeInfo)
                ?? throw new InvalidDataException($"{source}: the document is null.");
        }
        catch (JsonException e)
        {
            var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" at field '{e.Path}'";
            throw new InvalidDataException($"{source}: malformed JSON{field}: {e.Message}", e);
        }
    }
}
