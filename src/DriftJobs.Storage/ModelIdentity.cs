using System.Buffers;

namespace DriftJobs.Storage;

/// <summary>
/// Model names and versions become blob path segments, so they are restricted to [A-Za-z0-9._-], 1–63 characters,
/// and never "." or "..": a name can never escape its prefix.
/// </summary>
internal static class ModelIdentity
{
    public const int MaxLength = 63;

    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");

    /// <summary>Returns <paramref name="value"/> if valid; otherwise throws naming <paramref name="setting"/>.</summary>
    public static string Validate(string? value, string setting)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new StorageConfigurationException($"{setting} is required (1-{MaxLength} characters of A-Z, a-z, 0-9, '.', '_', '-').");
        }

        if (value.Length > MaxLength || value.AsSpan().ContainsAnyExcept(Allowed) || value is "." or "..")
        {
            throw new StorageConfigurationException(
                $"{setting} '{Printable(value)}' is not a valid name: use 1-{MaxLength} characters of A-Z, a-z, 0-9, '.', '_', '-', and not '.' or '..'.");
        }

        return value;
    }

    public static bool IsValid(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= MaxLength && !value.AsSpan().ContainsAnyExcept(Allowed) && value is not ("." or "..");

    private static string Printable(string value)
    {
        var shown = value.Length > 80 ? value[..80] + "…" : value;
        return string.Concat(shown.Select(c => char.IsControl(c) ? '?' : c));
    }
}
