using System.Text.Json;
using System.Text.Json.Serialization;
using DriftJobs.Core.Profiles;
using DriftJobs.Core.Reports;

namespace DriftJobs.Core.Serialization;

/// <summary>
/// Reads and writes baseline.json and drift reports: snake_case, indented, the same bytes for the same
/// content, and every read failure naming the file and the field.
/// </summary>
internal static class DriftJson
{
    private const string SchemaVersionField = "schema_version";

    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        IndentSize = 2,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        NumberHandling = JsonNumberHandling.Strict,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static byte[] Serialize(BaselineProfile baseline) => JsonSerializer.SerializeToUtf8Bytes(baseline, Options);

    public static byte[] Serialize(DriftReport report) => JsonSerializer.SerializeToUtf8Bytes(report, Options);

    /// <param name="source">The file or blob name, for error messages.</param>
    public static BaselineProfile ReadBaseline(ReadOnlySpan<byte> json, string source)
    {
        var baseline = Read<BaselineProfile>(json, source, BaselineProfile.CurrentSchemaVersion);
        BaselineValidation.Validate(baseline, source);
        return baseline;
    }

    public static DriftReport ReadReport(ReadOnlySpan<byte> json, string source) =>
        Read<DriftReport>(json, source, DriftReport.CurrentSchemaVersion);

    private static T Read<T>(ReadOnlySpan<byte> json, string source, int supportedVersion)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            using (var document = JsonDocument.ParseValue(ref reader))
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new InvalidDataException($"{source}: expected a JSON object, found {document.RootElement.ValueKind}.");
                }

                if (!document.RootElement.TryGetProperty(SchemaVersionField, out var version))
                {
                    throw new InvalidDataException($"{source}: field '{SchemaVersionField}' is missing.");
                }

                if (version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var v) || v != supportedVersion)
                {
                    throw new InvalidDataException(
                        $"{source}: {SchemaVersionField} {version.GetRawText()} is not supported (this version of DriftJobs reads {supportedVersion}).");
                }
            }

            return JsonSerializer.Deserialize<T>(json, Options)
                ?? throw new InvalidDataException($"{source}: the document is null.");
        }
        catch (JsonException e)
        {
            var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" at field '{e.Path}'";
            var line = e.LineNumber is { } l ? $" (line {l + 1})" : "";
            throw new InvalidDataException($"{source}: malformed JSON{field}{line}: {e.Message}", e);
        }
    }
}
