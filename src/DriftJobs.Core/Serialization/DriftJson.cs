using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
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

        // Compile-time metadata only: built by reflection, it cost every detector run ~0.1 s of its one-second fixed work
        // (the first parse and the first serialization), and the detector is compiled ahead of time, where reflection
        // finds trimmed types. A type missing from the context fails at its first use, in every build.
        TypeInfoResolver = DriftJsonContext.Default,
    };

    // For baselines and reports: which of two values of a field a reader honours is not for a file to leave open.
    // (The alert state, read with Options' conventions, keeps taking the last: refusing it would reset it and re-send
    // notices.)
    internal static JsonSerializerOptions ReadOptions { get; } = new(Options) { AllowDuplicateProperties = false };

    public static byte[] Serialize(BaselineProfile baseline) => JsonSerializer.SerializeToUtf8Bytes(baseline, TypeInfo<BaselineProfile>());

    public static byte[] Serialize(DriftReport report) => JsonSerializer.SerializeToUtf8Bytes(report, TypeInfo<DriftReport>());

    /// <summary>The metadata of <typeparamref name="T"/> (a baseline, a report, or one of their parts) under <see cref="Options"/>.</summary>
    public static JsonTypeInfo<T> TypeInfo<T>(JsonSerializerOptions? options = null) => (JsonTypeInfo<T>)(options ?? Options).GetTypeInfo(typeof(T));

    /// <summary>
    /// Documents from this size on have their features read on every core (<see cref="BaselineFeaturesReader"/>), when
    /// there is more than one: on one core the parallel read would only add its scan of the document.
    /// </summary>
    public const int ParallelReadFrom = 1 << 20;

    /// <param name="source">The file or blob name, for error messages.</param>
    /// <param name="parallelFrom">The size from which the features are read on every core; tests lower it.</param>
    public static BaselineProfile ReadBaseline(ReadOnlyMemory<byte> json, string source, int parallelFrom = ParallelReadFrom)
    {
        var baseline = (json.Length >= parallelFrom && Environment.ProcessorCount > 1 ? BaselineFeaturesReader.TryRead(json, ReadOptions, BaselineProfile.CurrentSchemaVersion) : null)
            ?? Read<BaselineProfile>(json.Span, source, BaselineProfile.CurrentSchemaVersion, b => b.SchemaVersion);
        BaselineValidation.Validate(baseline, source);
        return baseline;
    }

    public static DriftReport ReadReport(ReadOnlySpan<byte> json, string source) =>
        Read<DriftReport>(json, source, DriftReport.CurrentSchemaVersion, r => r.SchemaVersion);

    /// <summary>
    /// Deserializes, and only when that fails or finds another schema_version scans the document for its version
    /// (<see cref="CheckSchemaVersion"/>), so that a file of another version is named as such instead of by whichever
    /// field this version failed on. The scan before every read cost ~50 ms of each detector run on a 20 MB baseline.
    /// </summary>
    /// <param name="readOptions">Another document's options (its own metadata); <see cref="ReadOptions"/> when null.</param>
    internal static T Read<T>(ReadOnlySpan<byte> json, string source, int supportedVersion, Func<T, int> versionOf, JsonSerializerOptions? readOptions = null)
    {
        T value;
        try
        {
            value = JsonSerializer.Deserialize(json, TypeInfo<T>(readOptions ?? ReadOptions))
                ?? throw new InvalidDataException($"{source}: the document is null.");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            ScanSchemaVersion(json, source, supportedVersion);
            if (e is JsonException malformed)
            {
                throw Malformed(source, malformed);
            }

            throw;
        }

        if (versionOf(value) != supportedVersion)
        {
            ScanSchemaVersion(json, source, supportedVersion);
            throw new InvalidDataException($"{source}: {SchemaVersionField} {versionOf(value)} is not supported (this version of DriftJobs reads {supportedVersion}).");
        }

        return value;
    }

    private static void ScanSchemaVersion(ReadOnlySpan<byte> json, string source, int supportedVersion)
    {
        try
        {
            CheckSchemaVersion(json, source, supportedVersion);
        }
        catch (JsonException e)
        {
            throw Malformed(source, e);
        }
        catch (InvalidOperationException e)
        {
            // The reader comparing a property name whose escapes are not valid UTF-16 (a lone surrogate) with
            // "schema_version": malformed text, not a failure of this process.
            throw new InvalidDataException($"{source}: malformed JSON: {e.Message}", e);
        }
    }

    private static InvalidDataException Malformed(string source, JsonException e)
    {
        var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" at field '{e.Path}'";
        var line = e.LineNumber is { } l ? $" (line {l + 1})" : "";
        return new InvalidDataException($"{source}: malformed JSON{field}{line}: {e.Message}", e);
    }

    /// <summary>
    /// Checks the top-level schema_version (present once, the supported number) before deserializing, so that a file of
    /// another version is named as such instead of failing on some field that version spells differently. A forward
    /// scan that skips every other value:
    /// a baseline is tens of MB, and a document object model of it cost as much memory again as the baseline itself.
    /// </summary>
    private static void CheckSchemaVersion(ReadOnlySpan<byte> json, string source, int supportedVersion)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        if (!reader.Read())
        {
            throw new JsonException("The document is empty.");
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new InvalidDataException($"{source}: expected a JSON object, found {KindOf(reader.TokenType)}.");
        }

        string? found = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isVersion = reader.ValueTextEquals(SchemaVersionField);
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            var isSupported = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var v) && v == supportedVersion;
            reader.Skip();
            if (!isVersion)
            {
                continue;
            }

            // The deserializer would take the last of two; which one a reader honours is not for a file to leave open.
            if (found is not null)
            {
                throw new InvalidDataException($"{source}: field '{SchemaVersionField}' appears more than once.");
            }

            found = System.Text.Encoding.UTF8.GetString(json[start..(int)reader.BytesConsumed]);
            if (!isSupported)
            {
                throw new InvalidDataException(
                    $"{source}: {SchemaVersionField} {found} is not supported (this version of DriftJobs reads {supportedVersion}).");
            }
        }

        if (found is null)
        {
            throw new InvalidDataException($"{source}: field '{SchemaVersionField}' is missing.");
        }
    }

    private static JsonValueKind KindOf(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => JsonValueKind.Array,
        JsonTokenType.String => JsonValueKind.String,
        JsonTokenType.Number => JsonValueKind.Number,
        JsonTokenType.True => JsonValueKind.True,
        JsonTokenType.False => JsonValueKind.False,
        JsonTokenType.Null => JsonValueKind.Null,
        _ => JsonValueKind.Undefined,
    };
}

/// <summary>The serializer's metadata for baselines and reports, generated at build time (see <see cref="DriftJson.Options"/>).</summary>
[JsonSerializable(typeof(BaselineProfile))]
[JsonSerializable(typeof(DriftReport))]
internal sealed partial class DriftJsonContext : JsonSerializerContext;
