using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using DriftJobs.Core.Performance;
using DriftJobs.Core.Profiles;
using DriftJobs.Core.Profiles.Segments;
using DriftJobs.Core.Reports;

namespace DriftJobs.Core.Serialization;

/// <summary>
/// Writes and reads hour profiles (docs/formats.md, "Hour profiles"): gzip over a JSON header (the key, the files, each
/// feature's totals) and the counts in binary. A feature's counts are its non-zero slots, each as two LEB128 varints: the
/// zero slots skipped since the previous one, and the count's change from the previous count (zigzag), which is small
/// where the density is smooth. A first format wrote the counts as JSON numbers: merging 23 hours of the bench's 55
/// features (some 20,000 slots each) then cost more than reading the new hour's logs.
/// Reading checks the profile against itself (every row counted once per feature, every listed file read or skipped):
/// a profile that fails is never trusted, and adds nothing to the profile it is read into.
/// </summary>
internal static class HourProfileCodec
{
    /// <summary>"DJHP": what the decompressed bytes start with.</summary>
    private static ReadOnlySpan<byte> Magic => "DJHP"u8;

    public static byte[] Serialize(HourProfile profile)
    {
        using var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            Write(json, profile);
        }

        using var bytes = new MemoryStream();
        using (var gzip = new GZipStream(bytes, CompressionLevel.Fastest, leaveOpen: true))
        {
            Span<byte> prefix = stackalloc byte[8];
            Magic.CopyTo(prefix);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(prefix[4..], checked((int)header.Length));
            gzip.Write(prefix);
            gzip.Write(header.GetBuffer().AsSpan(0, (int)header.Length));
            var counts = new VarintWriter();
            WriteCounts(counts, profile.Window);
            foreach (var segment in profile.Window.Segments?.Windows ?? [])
            {
                WriteCounts(counts, segment);
            }

            gzip.Write(counts.Written);
        }

        return bytes.ToArray();
    }

    /// <summary>Reads a stored profile for <paramref name="baseline"/>.</summary>
    /// <param name="source">The blob's name, for the message of the <see cref="InvalidDataException"/> a bad profile throws.</param>
    /// <param name="into">
    /// An empty profile of <paramref name="baseline"/> to read the counts into (cleared first), reused from hour to hour: a
    /// new one per hour left megabytes of large-object garbage for each; null: a new one.
    /// </param>
    /// <param name="decompressed">A buffer for the decompressed bytes, reused from hour to hour like <paramref name="into"/>; null: a new one.</param>
    public static HourProfile Read(
        ReadOnlyMemory<byte> gzipped, BaselineProfile baseline, string source, WindowProfile? into = null, MemoryStream? decompressed = null)
    {
        var window = into ?? new WindowProfile(baseline);
        var bytes = decompressed ?? new MemoryStream();
        try
        {
            window.Clear();
            bytes.SetLength(0);
            using var input = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(gzipped, out var segment)
                ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
                : new MemoryStream(gzipped.ToArray(), writable: false);
            using (var gzip = new GZipStream(input, CompressionMode.Decompress))
            {
                gzip.CopyTo(bytes);
            }

            var all = bytes.GetBuffer().AsSpan(0, (int)bytes.Length);
            if (all.Length < 8 || !all[..4].SequenceEqual(Magic))
            {
                throw new InvalidDataException("it does not start as an hour profile");
            }

            var headerLength = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(all[4..]);
            if (headerLength < 0 || headerLength > all.Length - 8)
            {
                throw new InvalidDataException($"its header of {headerLength} bytes is cut short");
            }

            using var document = JsonDocument.Parse(bytes.GetBuffer().AsMemory(8, headerLength));
            return Read(document.RootElement, baseline, window, all[(8 + headerLength)..]);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or KeyNotFoundException or InvalidOperationException or FormatException or OverflowException or ArgumentException)
        {
            window.Clear();
            throw new InvalidDataException($"Hour profile {source} is not usable: {e.Message}", e);
        }
        finally
        {
            if (decompressed is null)
            {
                bytes.Dispose();
            }
        }
    }

    private static void WriteCounts(VarintWriter counts, WindowProfile window)
    {
        foreach (var feature in window.Baseline.Features)
        {
            counts.WriteSparse(window.Features[feature.Name] switch
            {
                NumericWindow numeric => numeric.Slots(),
                CategoricalWindow categorical => categorical.CategoryCounts,
                _ => throw new InvalidOperationException("Unknown feature window."),
            });
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
        if (key.SegmentColumns.Length > 0)
        {
            // Only when split: an unsplit profile keeps the header it had before segments.
            json.WriteString("segment_columns", key.SegmentColumns);
        }
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
        WriteFeatures(json, profile.Window);
        if (profile.Window.Segments is { } segments)
        {
            json.WriteStartObject("segments");
            json.WriteStartArray("windows");
            for (var s = 0; s < segments.Windows.Count; s++)
            {
                json.WriteStartObject();
                json.WriteString("key", segments.Layout.Keys[s]);
                WriteFeatures(json, segments.Windows[s]);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteNumber("unseen_rows", segments.UnseenRows);
            WriteUnseen(json, segments.Unseen);
            json.WriteEndObject();
        }

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

    /// <summary>A window's rows and each feature's totals (its counts go with the binary part).</summary>
    private static void WriteFeatures(Utf8JsonWriter json, WindowProfile profile)
    {
        json.WriteNumber("rows", profile.Rows);
        json.WriteStartArray("features");
        foreach (var feature in profile.Baseline.Features)
        {
            var window = profile.Features[feature.Name];
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
                    json.WriteNumber("slot_count", numeric.SlotCount);
                    break;
                case CategoricalWindow categorical:
                    json.WriteNumber("category_count", categorical.CategoryCounts.Length);
                    json.WriteNumber("other", categorical.OtherCount);
                    json.WriteNumber("unseen_count", categorical.UnseenCount);
                    WriteUnseen(json, categorical.Unseen);
                    break;
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>Values (or segment keys) never seen in training, as <c>[value, count]</c> pairs ordered by value.</summary>
    private static void WriteUnseen(Utf8JsonWriter json, Dictionary<string, long> unseen)
    {
        json.WriteStartArray("unseen");
        foreach (var (value, count) in unseen.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            json.WriteStartArray();
            json.WriteStringValue(value);
            json.WriteNumberValue(count);
            json.WriteEndArray();
        }

        json.WriteEndArray();
    }

    private static KeyValuePair<string, long>[] ReadUnseen(JsonElement owner, string what) =>
        Get(owner, "unseen").EnumerateArray()
            .Select(pair => new KeyValuePair<string, long>(pair[0].GetString() ?? throw new InvalidDataException($"{what} has a null unseen value"), pair[1].GetInt64()))
            .ToArray();

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

    private static HourProfile Read(JsonElement root, BaselineProfile baseline, WindowProfile window, ReadOnlySpan<byte> counts)
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
            DateTimeOffset.Parse(String(root, "hour"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
            root.TryGetProperty("segment_columns", out _) ? String(root, "segment_columns") : "");
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

        var reader = new VarintReader(counts);
        var missing = ReadFeatures(root, window, ref reader);
        var segments = root.TryGetProperty("segments", out var stored) ? stored : (JsonElement?)null;
        if ((window.Segments is null) != (segments is null))
        {
            throw new InvalidDataException(window.Segments is null ? "it has segments, this window has none" : "it has no segments, this window has");
        }

        if (window.Segments is { } into)
        {
            ReadSegments(segments!.Value, window, into, ref reader);
        }

        if (!reader.AtEnd)
        {
            throw new InvalidDataException("there are counts after the last feature's");
        }

        if (missing is not null)
        {
            throw new InvalidDataException($"feature '{missing}' of the baseline is not there");
        }

        return new HourProfile(key, files, window, filesRead, rowsOfOtherModels, skipped, ReadEstimate(Get(root, "estimate")));
    }

    /// <summary>A window's rows and features, and their counts from <paramref name="reader"/>; returns a baseline feature that is not there.</summary>
    private static string? ReadFeatures(JsonElement owner, WindowProfile window, ref VarintReader reader)
    {
        var rows = NonNegative(owner, "rows");
        window.AddRows(rows);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var feature in Get(owner, "features").EnumerateArray())
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

            ReadFeature(feature, target, rows, ref reader);
        }

        return seen.Count != window.Features.Count ? window.Features.Keys.First(k => !seen.Contains(k)) : null;
    }

    /// <summary>The segment windows, checked against the baseline's segments and the whole window (their rows add up to its).</summary>
    private static void ReadSegments(JsonElement stored, WindowProfile window, SegmentWindows into, ref VarintReader reader)
    {
        var windows = Get(stored, "windows");
        if (windows.ValueKind != JsonValueKind.Array || windows.GetArrayLength() != into.Windows.Count)
        {
            throw new InvalidDataException($"it does not have the baseline's {into.Windows.Count} segments");
        }

        var s = 0;
        var rows = 0L;
        foreach (var segment in windows.EnumerateArray())
        {
            var key = String(segment, "key");
            if (key != into.Layout.Keys[s])
            {
                throw new InvalidDataException($"segment {s} is '{key}', the baseline's is '{into.Layout.Keys[s]}'");
            }

            if (ReadFeatures(segment, into.Windows[s], ref reader) is { } missing)
            {
                throw new InvalidDataException($"feature '{missing}' of the baseline is not in segment '{key}'");
            }

            rows += into.Windows[s].Rows;
            s++;
        }

        var unseenRows = NonNegative(stored, "unseen_rows");
        var unseen = ReadUnseen(stored, "segments");
        var tracked = unseen.Sum(kv => kv.Value > 0 ? kv.Value : throw new InvalidDataException($"the unseen segment '{kv.Key}' has {kv.Value} rows"));
        if (rows + unseenRows != window.Rows || tracked > unseenRows || unseen.Length > SegmentWindows.MaxTrackedUnseen)
        {
            throw new InvalidDataException($"its segments' {rows} rows and {unseenRows} rows of unseen segments do not add up to its {window.Rows} rows");
        }

        into.RestoreUnseen(unseenRows, unseen);
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

    private static void ReadFeature(JsonElement feature, FeatureWindow target, long rows, ref VarintReader counts)
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
                var length = Int32(feature, "slot_count");
                if (length != numeric.SlotCount)
                {
                    throw new InvalidDataException($"feature '{name}' has {length} slots; its baseline gives {numeric.SlotCount}");
                }

                var min = Bound(feature, "min");
                var max = Bound(feature, "max");
                if (counts.ReadSparse(numeric.SlotsToRestore(min, max), name) != valid || (valid > 0) != (double.IsFinite(min) && double.IsFinite(max)) || (valid > 0 && min > max))
                {
                    throw new InvalidDataException($"feature '{name}' has slot counts or bounds that do not match its {valid} valid values");
                }

                break;
            }

            case CategoricalWindow categorical:
            {
                var length = Int32(feature, "category_count");
                if (length != categorical.CategoryCounts.Length)
                {
                    throw new InvalidDataException($"feature '{name}' has {length} category counts; its baseline lists {categorical.CategoryCounts.Length} categories");
                }

                var listed = counts.ReadSparse(categorical.CategoryCounts, name);
                var other = NonNegative(feature, "other");
                var unseenCount = NonNegative(feature, "unseen_count");
                var unseen = ReadUnseen(feature, $"feature '{name}'");
                var tracked = unseen.Sum(kv => kv.Value > 0 ? kv.Value : throw new InvalidDataException($"feature '{name}' counts the unseen value '{kv.Key}' {kv.Value} times"));
                if (invalid != 0 || listed + other != valid || tracked > unseenCount || unseenCount > other || unseen.Length > CategoricalWindow.MaxTrackedUnseen)
                {
                    throw new InvalidDataException($"feature '{name}' has category counts that do not match its {valid} valid values");
                }

                categorical.RestoreCounts(other, unseenCount, unseen);
                break;
            }
        }
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

    /// <summary>Appends sparse counts: their number of non-zero entries, then per entry the zero slots skipped and the zigzag change of the count.</summary>
    private sealed class VarintWriter
    {
        private readonly MemoryStream _bytes = new();

        public ReadOnlySpan<byte> Written => _bytes.GetBuffer().AsSpan(0, (int)_bytes.Length);

        public void WriteSparse(ReadOnlySpan<long> counts)
        {
            var nonZero = 0;
            foreach (var count in counts)
            {
                nonZero += count != 0 ? 1 : 0;
            }

            Write((ulong)nonZero);
            var previousIndex = -1;
            var previousCount = 0L;
            for (var i = 0; i < counts.Length; i++)
            {
                if (counts[i] != 0)
                {
                    Write((ulong)(i - previousIndex - 1));
                    var change = counts[i] - previousCount;
                    Write((ulong)((change << 1) ^ (change >> 63)));
                    (previousIndex, previousCount) = (i, counts[i]);
                }
            }
        }

        private void Write(ulong value)
        {
            while (value >= 0x80)
            {
                _bytes.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }

            _bytes.WriteByte((byte)value);
        }
    }

    private ref struct VarintReader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _at;

        public readonly bool AtEnd => _at == _bytes.Length;

        /// <summary>Fills <paramref name="into"/> (zeroed) with one feature's counts; returns their sum.</summary>
        public long ReadSparse(Span<long> into, string feature)
        {
            var nonZero = Read(feature);
            if (nonZero > (ulong)into.Length)
            {
                throw new InvalidDataException($"feature '{feature}' has {nonZero} non-zero counts for {into.Length} places");
            }

            var index = -1L;
            var count = 0L;
            var sum = 0L;
            for (var n = 0UL; n < nonZero; n++)
            {
                var gap = Read(feature);
                var zigzag = Read(feature);
                count += (long)(zigzag >> 1) ^ -(long)(zigzag & 1);
                if (gap >= (ulong)into.Length || (index += (long)gap + 1) >= into.Length || count <= 0)
                {
                    throw new InvalidDataException($"feature '{feature}' has counts out of order, past its length or not positive");
                }

                into[(int)index] = count;
                sum = checked(sum + count);
            }

            return sum;
        }

        private ulong Read(string feature)
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (_at >= _bytes.Length)
                {
                    throw new InvalidDataException($"feature '{feature}''s counts are cut short");
                }

                var b = _bytes[_at++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }

            throw new InvalidDataException($"feature '{feature}' has a count of more than 64 bits");
        }
    }
}
