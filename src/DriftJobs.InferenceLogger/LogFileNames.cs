using System.Buffers;
using System.Globalization;
using System.Text;

namespace DriftJobs.InferenceLogger;

/// <summary>
/// The blob names the detector reads:
/// <c>{root}/year=YYYY/month=MM/day=DD/hour=HH/{model}-{version}-{instance}-{yyyyMMddTHHmmss}-{seq}.parquet</c>.
/// Model, version and instance are restricted so that no value can add a path segment or escape its prefix.
/// </summary>
internal static class LogFileNames
{
    public const int MaxSegmentLength = 63;
    public const int MaxRootLength = 512;
    public const string Extension = ".parquet";

    private static readonly SearchValues<char> SegmentChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");

    /// <summary>
    /// 1–63 characters from [A-Za-z0-9._-], and not "." or "..": a model name, version or instance id (the same
    /// rule as the detector's model identities).
    /// </summary>
    public static bool IsValidSegment(string? value) =>
        value is { Length: > 0 and <= MaxSegmentLength } && !value.AsSpan().ContainsAnyExcept(SegmentChars) && value is not ("." or "..");

    /// <summary>One or more '/'-separated segments of [A-Za-z0-9._=-], none of them '.' or '..'.</summary>
    public static bool IsValidRoot(string? root)
    {
        if (string.IsNullOrEmpty(root) || root.Length > MaxRootLength)
        {
            return false;
        }

        foreach (var segment in root.Split('/'))
        {
            if (segment.Length == 0 || segment is "." or ".." || !segment.All(c => IsSegmentChar(c) || c == '='))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether two roots are the same prefix or one lies inside the other (<c>a</c> and <c>a/b</c>, not <c>a</c> and <c>ab</c>).</summary>
    public static bool Overlap(string a, string b) => IsWithin(a, b) || IsWithin(b, a);

    /// <summary>Whether <paramref name="name"/> (a root or a blob name) is <paramref name="root"/> or lies under it.</summary>
    public static bool IsWithin(string root, string name) =>
        name.StartsWith(root, StringComparison.Ordinal) && (name.Length == root.Length || name[root.Length] == '/');

    /// <summary>The machine name made into a valid instance id (the pod name on Kubernetes already is one).</summary>
    public static string DefaultInstanceId()
    {
        var builder = new StringBuilder();
        foreach (var c in Environment.MachineName)
        {
            builder.Append(IsSegmentChar(c) ? c : '-');
        }

        var id = builder.ToString();
        if (id.Length > MaxSegmentLength)
        {
            id = id[..MaxSegmentLength];
        }

        return id.Length == 0 ? "instance" : id;
    }

    /// <summary>The hour partition folder, e.g. <c>inference-logs/year=2025/month=01/day=02/hour=03</c>.</summary>
    public static string HourPrefix(string root, long hourTicks)
    {
        var hour = new DateTime(hourTicks, DateTimeKind.Utc);
        return string.Create(CultureInfo.InvariantCulture, $"{root}/year={hour:yyyy}/month={hour:MM}/day={hour:dd}/hour={hour:HH}");
    }

    public static string BlobName(string root, long hourTicks, string model, string version, string instance, DateTimeOffset writtenAt, long sequence) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{HourPrefix(root, hourTicks)}/{model}-{version}-{instance}-{writtenAt.UtcDateTime:yyyyMMdd'T'HHmmss}-{sequence:D6}{Extension}");

    private static bool IsSegmentChar(char c) => SegmentChars.Contains(c);
}
