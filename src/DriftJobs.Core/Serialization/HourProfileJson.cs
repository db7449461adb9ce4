using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using DriftJobs.Core.Performance;
using DriftJobs.Core.Profiles;
using DriftJobs.Core.Reports;

namespace DriftJobs.Core.Serialization;

/// <summary>
/// Writes and reads hour profiles: gzip-compressed JSON (docs/formats.md, "Hour profiles"). Counts are sparse — pairs of
/// (gap since the previous non-zero index, count) — because an hour fills few of a fine grid's slots; a dense run is all
/// gaps of 0, which gzip folds away. Reading checks the profile against itself (every row counted once per feature, every
/// listed file read or skipped): a profile that fails is never trusted.
/// </summary>
internal static class HourProfileJson
{
    public static byte[] Serialize(HourProfile profile)
    {
        using var bytes = new MemoryStream();
        using (var gzip = new GZipStream(bytes, CompressionLevel.Optimal, leaveOpen: true))
        using (var json = new Utf8JsonWriter(gzip))
        {
            Write(json, profile);
        }

        return bytes.ToArray();
    }

    /// <summary>Reads a stored profile for <paramref name="baseline"/>.</summary>
    /// <param name="source">The blob's name, for the message of the <see cref="InvalidDataException"/> a bad profile throws.</param>
    public static HourProfile Read(ReadOnlySpan<byte> gzipped, BaselineProfile baseline, string source)
    {
        try
        {
            using var input = new MemoryStream(gzipped.ToArray(), writable: false);
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            using var document = JsonDocument.Parse(gzip);
            return Read(document.RootElement, baseline);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or KeyNotFoundException or InvalidOperationException or FormatException or OverflowException or ArgumentException)
        {
            throw new InvalidDataException($"Hour profile {source} is not usable: {e.Message}", e);
        }
    }

    private static void Write(Utf8JsonWriter json, HourProfile profile)
    {
        var key = profile.Key;
        json.WriteStartObject();
        json.WriteNumber("format", key.Format);
        json.WriteString("model_name", key.ModelName);
        json.WriteString("model_version", key.ModelVersion);
        json.WriteString("baseline_sha256", key.BaselineSha256);
        json.WriteString("hour", key.Hour.UtcDateTime.ToString("yyyy-MM-dd'T'HH':00:00Z'", CultureInfo.InvariantCulture));
        json.WriteStartArray("files");
        foreach (var file in profile.Files)
        {
            json.WriteStartObject();
            json.WriteString("name", file.Name);
            json.WriteNumber("size", file.Size);
            json.WriteString("etag", file.ETag);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteNumber("files_read", profile.FilesRead);
        json.WriteNumber("rows_of_other_models", profile.RowsOfOtherModels);
        json.WriteStartArray("skipped");
        foreach (var skipped in profile.Skipped)
        {
            json.WriteStartObject();
            json.WriteString("path", skipped.Path);
            json.WriteString("reason", skipped.Reason);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteNumber("rows", profile.Window.Rows);
        json.WriteStartArray("features");
        foreach (var feature in profile.Window.Baseline.Features)
        {
            var window = profile.Window.Features[feature.Name];
            json.WriteStartObject();
            json.WriteString("name", feature.Name);
            json.WriteNumber("rows", window.Rows);
            json.WriteNumber("missing", window.Missing);
            json.WriteNumber("invalid", window.Invalid);
            json.WriteNumber("absent_rows", window.AbsentRows);
            switch (window)
            {
                case NumericWindow numeric:
                    WriteBound(json, "min", numeric.Min);
                    WriteBound(json, "max", numeric.Max);
                    WriteSparse(json, "slots", numeric.Slots());
                    break;
                case CategoricalWindow categorical:
                    WriteSparse(json, "categories", categorical.CategoryCounts);
                    json.WriteNumber("other", categorical.OtherCount);
                    json.WriteNumber("unseen_count", categorical.UnseenCount);
                    json.WriteStartArray("unseen");
                    foreach (var (value, count) in categorical.Unseen.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                    {
                        json.WriteStartArray();
                        json.WriteStringValue(value);
                        json.WriteNumberValue(count);
                        json.WriteEndArray();
                    }

                    json.WriteEndArray();
                    break;
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (profile.Estimate is { } estimate)
        {
            json.WriteStartObject("estimate");
            foreach (var (name, positive) in new[] { ("predicted_positive", true), ("predicted_negative", false) })
            {
                var (count, scores, squares) = estimate.Sums(positive);
                json.WriteStartObject(name);
                json.WriteNumber("count", count);
                WriteNumbers(json, "score_partials", scores);
                WriteNumbers(json, "squared_score_partials", squares);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("estimate");
        }

        json.WriteEndObject();
    }

    private static void WriteNumbers(Utf8JsonWriter json, string name, IReadOnlyList<double> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteNumberValue(value);
        }

        json.WriteEndArray();
    }

    /// <summary>A finite bound as a number; none yet (no valid value: ±∞) as null, which JSON can hold.</summary>
    private static void WriteBound(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumber(name, value);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteSparse(Utf8JsonWriter json, string name, ReadOnlySpan<long> counts)
    {
        json.WriteStartObject(name);
        json.WriteNumber("length", counts.Length);
        json.WriteStartArray("gaps_and_counts");
        var previous = -1;
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] != 0)
            {
                json.WriteNumberValue(i - previous - 1);
                json.WriteNumberValue(counts[i]);
                previous = i;
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static HourProfile Read(JsonElement root, BaselineProfile baseline)
    {
        var format = Int32(root, "format");
        if (format != HourProfileKey.CurrentFormat)
        {
            // Nothing else of another format is read: its fields may mean something else.
            throw new InvalidDataException($"format {format} is not this detector's ({HourProfileKey.CurrentFormat})");
        }

        var key = new HourProfileKey(
            format,
            String(root, "model_name"),
            String(root, "model_version"),
            String(root, "baseline_sha256"),
            DateTimeOffset.Parse(String(root, "hour"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal));
        var files = Get(root, "files").EnumerateArray()
            .Select(f => new HourFile(String(f, "name"), Int64(f, "size"), String(f, "etag")))
            .ToArray();
        var skipped = Get(root, "skipped").EnumerateArray()
            .Select(s => new SkippedFile(String(s, "path"), String(s, "reason")))
            .ToArray();
        var filesRead = Int32(root, "files_read");
        var rowsOfOtherModels = NonNegative(root, "rows_of_other_models");
        if (filesRead < 0 || filesRead + skipped.Length != files.Length)
        {
            throw new InvalidDataException($"{filesRead} files read and {skipped.Length} skipped do not add up to the {files.Length} listed");
        }

        var window = new WindowProfile(baseline);
        var rows = NonNegative(root, "rows");
        window.AddRows(rows);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var feature in Get(root, "features").EnumerateArray())
        {
            var name = String(feature, "name");
            if (!window.Features.TryGetValue(name, out var target))
            {
                throw new InvalidDataException($"feature '{name}' is not in the baseline");
            }

            if (!seen.Add(name))
            {
                throw new InvalidDataException($"feature '{name}' is there twice");
            }

            ReadFeature(feature, target, rows);
        }

        if (seen.Count != window.Features.Count)
        {
            var missing = window.Features.Keys.First(k => !seen.Contains(k));
            throw new InvalidDataException($"feature '{missing}' of the baseline is not there");
        }

        return new HourProfile(key, files, window, filesRead, rowsOfOtherModels, skipped, ReadEstimate(Get(root, "estimate")));
    }

    private static EstimatedPerformanceAccumulator? ReadEstimate(JsonElement estimate)
    {
        if (estimate.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var accumulator = new EstimatedPerformanceAccumulator();
        foreach (var (name, positive) in new[] { ("predicted_positive", true), ("predicted_negative", false) })
        {
            var sums = Get(estimate, name);
            accumulator.AddSums(positive, NonNegative(sums, "count"), Numbers(sums, "score_partials"), Numbers(sums, "squared_score_partials"));
        }

        return accumulator;
    }

    private static double[] Numbers(JsonElement owner, string property)
    {
        var array = Get(owner, property);
        return array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw new InvalidDataException($"'{property}' holds something else than numbers")).ToArray()
            : throw new InvalidDataException($"'{property}' is not an array");
    }

    private static void ReadFeature(JsonElement feature, FeatureWindow target, long rows)
    {
        var name = target.Baseline.Name;
        var featureRows = NonNegative(feature, "rows");
        var missing = NonNegative(feature, "missing");
        var invalid = NonNegative(feature, "invalid");
        var absent = NonNegative(feature, "absent_rows");
        if (featureRows != rows || missing + invalid > rows || absent > missing)
        {
            throw new InvalidDataException($"feature '{name}' counts {featureRows} rows ({missing} missing, {invalid} invalid, {absent} absent) in an hour of {rows}");
        }

        target.RestoreTotals(featureRows, missing, invalid, absent);
        var valid = rows - missing - invalid;
        switch (target)
        {
            case NumericWindow numeric:
            {
                var slots = ReadSparse(feature, "slots", name);
                var min = Bound(feature, "min");
                var max = Bound(feature, "max");
                if (Sum(slots, name) != valid || (valid > 0) != (double.IsFinite(min) && double.IsFinite(max)) || (valid > 0 && min > max))
                {
                    throw new InvalidDataException($"feature '{name}' has slot counts or bounds that do not match its {valid} valid values");
                }

                numeric.RestoreSlots(slots, min, max);
                break;
            }

            case CategoricalWindow categorical:
            {
                var counts = ReadSparse(feature, "categories", name);
                var other = NonNegative(feature, "other");
                var unseenCount = NonNegative(feature, "unseen_count");
                var unseen = Get(feature, "unseen").EnumerateArray()
                    .Select(pair => new KeyValuePair<string, long>(pair[0].GetString() ?? throw new InvalidDataException($"feature '{name}' has a null unseen value"), pair[1].GetInt64()))
                    .ToArray();
                var tracked = unseen.Sum(kv => kv.Value > 0 ? kv.Value : throw new InvalidDataException($"feature '{name}' counts the unseen value '{kv.Key}' {kv.Value} times"));
                if (invalid != 0 || Sum(counts, name) + other != valid || tracked > unseenCount || unseenCount > other || unseen.Length > CategoricalWindow.MaxTrackedUnseen)
                {
                    throw new InvalidDataException($"feature '{name}' has category counts that do not match its {valid} valid values");
                }

                categorical.RestoreCounts(counts, other, unseenCount, unseen);
                break;
            }
        }
    }

    private static long[] ReadSparse(JsonElement owner, string property, string feature)
    {
        var sparse = Get(owner, property);
        var length = Int32(sparse, "length");
        if (length < 0 || length > Array.MaxLength)
        {
            throw new InvalidDataException($"feature '{feature}' has {property} of length {length}");
        }

        var counts = new long[length];
        var pairs = Get(sparse, "gaps_and_counts");
        if (pairs.GetArrayLength() % 2 != 0)
        {
            throw new InvalidDataException($"feature '{feature}' has an odd number of gaps and counts in {property}");
        }

        var index = -1L;
        using var items = pairs.EnumerateArray();
        while (items.MoveNext())
        {
            var gap = items.Current.GetInt64();
            items.MoveNext();
            var count = items.Current.GetInt64();
            index += gap + 1;
            if (gap < 0 || index >= length || count <= 0)
            {
                throw new InvalidDataException($"feature '{feature}' has {property} entries out of order, past its length or not positive");
            }

            counts[index] = count;
        }

        return counts;
    }

    private static long Sum(long[] counts, string feature)
    {
        var sum = 0L;
        foreach (var count in counts)
        {
            sum = checked(sum + count);
        }

        return sum;
    }

    private static double Bound(JsonElement owner, string property)
    {
        var value = Get(owner, property);
        if (value.ValueKind == JsonValueKind.Null)
        {
            return property == "min" ? double.PositiveInfinity : double.NegativeInfinity;
        }

        var number = value.GetDouble();
        return double.IsFinite(number) ? number : throw new InvalidDataException($"{property} is not finite");
    }

    private static long NonNegative(JsonElement owner, string property)
    {
        var value = Int64(owner, property);
        return value >= 0 ? value : throw new InvalidDataException($"'{property}' is negative ({value})");
    }

    private static JsonElement Get(JsonElement owner, string property) =>
        owner.ValueKind == JsonValueKind.Object && owner.TryGetProperty(property, out var value)
            ? value
            : throw new InvalidDataException($"'{property}' is missing");

    private static long Int64(JsonElement owner, string property) =>
        Get(owner, property) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt64(out var number)
            ? number
            : throw new InvalidDataException($"'{property}' is not a whole number");

    private static int Int32(JsonElement owner, string property) =>
        Int64(owner, property) is var number && number is >= int.MinValue and <= int.MaxValue ? (int)number : throw new InvalidDataException($"'{property}' is out of range");

    private static string String(JsonElement owner, string property) =>
        Get(owner, property) is { ValueKind: JsonValueKind.String } value ? value.GetString()! : throw new InvalidDataException($"'{property}' is not a string");
}
