using System.Text.Json;
using DriftJobs.Core.Profiles;

namespace DriftJobs.Core.Serialization;

/// <summary>
/// Reads a baseline's features on every core. They are nearly all of its bytes (a numeric feature holds ~20,000
/// numbers), and parsing them on one thread was ~0.17 s of the detector's ~1 s of fixed work per run, with the other
/// core idle.
/// <para>
/// Only a document it can take whole is read here: the features array is cut into its elements by a bracket scan,
/// each element is deserialized on its own, and the rest of the document with an empty array in the features' place.
/// Whatever does not fit (malformed JSON, another schema version, a duplicate field, an element that is not an object)
/// gives null, and the one-thread read then reports the problem exactly as it always has: no error comes from here.
/// </para>
/// </summary>
internal static class BaselineFeaturesReader
{
    private const string FeaturesField = "features";

    // The elements sit two levels down in the document (object, array): read on their own they must not be allowed
    // the two levels of nesting the whole document would not have had.
    private const int ElementDepthOffset = 2;

    public static BaselineProfile? TryRead(ReadOnlyMemory<byte> json, JsonSerializerOptions options, int supportedVersion)
    {
        var maxDepth = options.MaxDepth == 0 ? 64 : options.MaxDepth;
        // (A MaxDepth of 0 would mean the default of 64 to the elements' options, not "no nesting".)
        if (maxDepth - ElementDepthOffset < 1 || !TryLocateFeatures(json.Span, maxDepth, out var arrayStart, out var arrayEnd, out var elements))
        {
            return null;
        }

        var elementOptions = new JsonSerializerOptions(options) { MaxDepth = maxDepth - ElementDepthOffset };
        var features = new FeatureProfile[elements.Count];
        var failed = false;
        Parallel.For(0, elements.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, (i, loop) =>
        {
            var (start, length) = elements[i];
            if (Deserialize<FeatureProfile>(json.Slice(start, length).Span, elementOptions) is { } feature)
            {
                features[i] = feature;
            }
            else
            {
                failed = true;
                loop.Stop();
            }
        });

        if (failed)
        {
            return null;
        }

        var span = json.Span;
        var rest = new byte[arrayStart + 2 + (span.Length - arrayEnd - 1)];
        span[..arrayStart].CopyTo(rest);
        rest[arrayStart] = (byte)'[';
        rest[arrayStart + 1] = (byte)']';
        span[(arrayEnd + 1)..].CopyTo(rest.AsSpan(arrayStart + 2));
        return Deserialize<BaselineProfile>(rest, options) is { Features.Count: 0 } shell && shell.SchemaVersion == supportedVersion
            ? shell with { Features = features }
            : null;
    }

    private static T? Deserialize<T>(ReadOnlySpan<byte> json, JsonSerializerOptions options)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(json, DriftJson.TypeInfo<T>(options));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The one-thread read names it.
            return null;
        }
    }

    /// <summary>
    /// Finds the top-level features array (its '[' and ']') and each element's bytes. Only the top-level fields before
    /// it are tokenized (features is written last): the elements themselves are only bracket-matched, which skips
    /// their numbers many times faster than tokenizing them would.
    /// </summary>
    private static bool TryLocateFeatures(ReadOnlySpan<byte> json, int maxDepth, out int arrayStart, out int arrayEnd, out List<(int Start, int Length)> elements)
    {
        arrayStart = arrayEnd = -1;
        elements = [];
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = maxDepth });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isFeatures = reader.ValueTextEquals(FeaturesField);
                if (!reader.Read())
                {
                    return false;
                }

                if (isFeatures)
                {
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        return false;
                    }

                    arrayStart = (int)reader.TokenStartIndex;
                    return TryScanElements(json, arrayStart, out arrayEnd, elements);
                }

                reader.Skip();
            }

            return false;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a property name whose escapes are not valid UTF-16 (a lone surrogate), met
            // while comparing it with "features".
            return false;
        }
    }

    /// <summary>The array's elements, each an object; JSON whitespace and single commas between them, nothing else.</summary>
    private static bool TryScanElements(ReadOnlySpan<byte> json, int arrayStart, out int arrayEnd, List<(int Start, int Length)> elements)
    {
        arrayEnd = -1;
        var p = SkipWhitespace(json, arrayStart + 1);
        if (p < json.Length && json[p] == (byte)']')
        {
            arrayEnd = p;
            return true;
        }

        while (p < json.Length && json[p] == (byte)'{')
        {
            if (!TryMatchObject(json, p, out var end))
            {
                return false;
            }

            elements.Add((p, end - p + 1));
            p = SkipWhitespace(json, end + 1);
            if (p >= json.Length)
            {
                return false;
            }

            if (json[p] == (byte)']')
            {
                arrayEnd = p;
                return true;
            }

            if (json[p] != (byte)',')
            {
                return false;
            }

            p = SkipWhitespace(json, p + 1);
        }

        return false;
    }

    /// <summary>The '}' closing the object opened at <paramref name="start"/>, strings (and their escapes) skipped.</summary>
    private static bool TryMatchObject(ReadOnlySpan<byte> json, int start, out int end)
    {
        end = -1;
        var depth = 0;
        var p = start;
        while (p < json.Length)
        {
            var next = json[p..].IndexOfAny("{}[]\""u8);
            if (next < 0)
            {
                return false;
            }

            p += next;
            switch (json[p])
            {
                case (byte)'{' or (byte)'[':
                    depth++;
                    break;
                case (byte)'}' or (byte)']':
                    if (--depth == 0)
                    {
                        end = p;
                        return json[p] == (byte)'}';
                    }

                    break;
                default:
                    if (!TrySkipString(json, ref p))
                    {
                        return false;
                    }

                    break;
            }

            p++;
        }

        return false;
    }

    /// <summary>From a string's opening quote to its closing one.</summary>
    private static bool TrySkipString(ReadOnlySpan<byte> json, ref int p)
    {
        p++;
        while (p < json.Length)
        {
            var next = json[p..].IndexOfAny((byte)'"', (byte)'\\');
            if (next < 0)
            {
                return false;
            }

            p += next;
            if (json[p] == (byte)'"')
            {
                return true;
            }

            // An escape: the character after the backslash is never the string's end.
            p += 2;
        }

        return false;
    }

    private static int SkipWhitespace(ReadOnlySpan<byte> json, int p)
    {
        while (p < json.Length && json[p] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            p++;
        }

        return p;
    }
}
