using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DriftJobs.Core.Serialization;

/// <summary>
/// Writes a list of numbers on one line of the otherwise indented document. The baseline's KS reference holds 20,000
/// numbers per numeric feature: one per line, the indentation alone was more than half of a 20 MB baseline.json, which
/// every hourly detector run downloads and parses. Reads any JSON array of numbers, laid out however.
/// </summary>
internal sealed class NumberRowConverter : JsonConverter<IReadOnlyList<double>>
{
    private static readonly JsonWriterOptions RowOptions = new() { Indented = false };

    public override IReadOnlyList<double> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            // Without a message the serializer names the field's path and the expected type, as for any other field.
            throw new JsonException();
        }

        var values = new List<double>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number)
            {
                throw new JsonException();
            }

            values.Add(reader.GetDouble());
        }

        return values;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<double> value, JsonSerializerOptions options)
    {
        var row = new ArrayBufferWriter<byte>(2 + (value.Count * 24));
        using (var compact = new Utf8JsonWriter(row, RowOptions))
        {
            compact.WriteStartArray();
            foreach (var number in value)
            {
                compact.WriteNumberValue(number);
            }

            compact.WriteEndArray();
        }

        writer.WriteRawValue(row.WrittenSpan, skipInputValidation: true);
    }
}
