using System.Globalization;
using DriftJobs.Core;

namespace DriftJobs.Hosting;

/// <summary>
/// One job setting, declared once: an environment variable (the Kubernetes way) and the same as a command-line option,
/// its name lowercased with dashes (MODEL_NAME ↔ --model-name), what it means, its default and the range of its value.
/// The command line, <c>--help</c>, the range checks and the settings tables in docs/operations.md all come from the
/// declaration (the docs by a test); the options class binds the same names (also held by a test).
/// </summary>
internal sealed record JobSetting(string Name, string Help)
{
    public string Option => "--" + Name.ToLowerInvariant().Replace('_', '-');

    /// <summary>The default as people read it ("24", "bh"); null when there is none (required, or off when unset).</summary>
    public string? Default { get; init; }

    public bool IsRequired { get; init; }

    /// <summary>Given without a value on the command line (<c>--force</c>).</summary>
    public bool IsFlag { get; init; }

    /// <summary>A credential: never echoed in messages.</summary>
    public bool IsSecret { get; init; }

    /// <summary>For a number: the values it may take.</summary>
    public ValueRange? Range { get; init; }

    /// <summary>What <c>--help</c> prints after the names: the meaning, then the range and the default.</summary>
    public string Description =>
        Help
        + (Range is { } range ? $"; {range}" : "")
        + (IsRequired ? " (required)" : Default is { } value ? $" ({value})" : "");

    /// <summary>A number with a default and a range: most settings.</summary>
    public static JobSetting Number(string name, string help, double defaultValue, ValueRange range) =>
        new(name, help) { Default = Show(defaultValue), Range = range };

    /// <summary>The default of a number, as <see cref="Default"/> shows it.</summary>
    public static string Show(double value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The message for a value outside <see cref="Range"/>; null when it is inside (or there is no range).</summary>
    public string? Check(double value) =>
        Range is { } range && !range.Contains(value)
            ? $"{Name} = {Show(value)} is out of range: it must be {range}."
            : null;
}
