using System.Globalization;
using System.Runtime.InteropServices;

namespace DriftJobs.InferenceLogger;

/// <summary>
/// A value a model consumes or produces: a number, a string, or nothing (<see cref="Null"/>). Numbers and strings
/// convert implicitly, so a feature dictionary reads <c>{ ["age"] = 42, ["country"] = "DE" }</c>.
/// </summary>
[StructLayout(LayoutKind.Auto)]
public readonly struct ModelValue : IEquatable<ModelValue>
{
    private readonly double _number;
    private readonly string? _text;
    private readonly byte _kind;

    private ModelValue(double number)
    {
        _number = number;
        _text = null;
        _kind = (byte)ValueKind.Number;
    }

    private ModelValue(string text)
    {
        _number = 0;
        _text = text;
        _kind = (byte)ValueKind.String;
    }

    // Raw access for the encoder's per-value loop, without the nullable wrappers of the public properties.
    internal byte RawKind => _kind;

    internal double RawNumber => _number;

    /// <summary>No value: written as a null cell.</summary>
    public static ModelValue Null => default;

    /// <summary>The kind of the value, or <see langword="null"/> for <see cref="Null"/>.</summary>
    public ValueKind? Kind => _kind == 0 ? null : (ValueKind)_kind;

    /// <summary>Whether this is <see cref="Null"/>.</summary>
    public bool IsNull => _kind == 0;

    /// <summary>The number, or <see langword="null"/> when the value is not a number.</summary>
    public double? Number => _kind == (byte)ValueKind.Number ? _number : null;

    /// <summary>The string, or <see langword="null"/> when the value is not a string.</summary>
    public string? Text => _text;

    /// <summary>A number value.</summary>
    /// <param name="value">The number; NaN and infinities are logged as null.</param>
    public static ModelValue FromDouble(double value) => new(value);

    /// <summary>A number value.</summary>
    /// <param name="value">The number.</param>
    public static ModelValue FromSingle(float value) => new(value);

    /// <summary>A number value.</summary>
    /// <param name="value">The number.</param>
    public static ModelValue FromInt32(int value) => new(value);

    /// <summary>A number value.</summary>
    /// <param name="value">The number (beyond 2^53 it loses precision as a double).</param>
    public static ModelValue FromInt64(long value) => new(value);

    /// <summary>A number value, or <see cref="Null"/> when <paramref name="value"/> is null.</summary>
    /// <param name="value">The number or null.</param>
    public static ModelValue FromNullableDouble(double? value) => value is { } number ? new(number) : default;

    /// <summary>A string value, or <see cref="Null"/> when <paramref name="value"/> is null.</summary>
    /// <param name="value">The string or null.</param>
    public static ModelValue FromString(string? value) => value is null ? default : new(value);

    /// <summary>Converts a number.</summary>
    /// <param name="value">The number.</param>
    public static implicit operator ModelValue(double value) => FromDouble(value);

    /// <summary>Converts a number.</summary>
    /// <param name="value">The number.</param>
    public static implicit operator ModelValue(float value) => FromSingle(value);

    /// <summary>Converts a number.</summary>
    /// <param name="value">The number.</param>
    public static implicit operator ModelValue(int value) => FromInt32(value);

    /// <summary>Converts a number.</summary>
    /// <param name="value">The number.</param>
    public static implicit operator ModelValue(long value) => FromInt64(value);

    /// <summary>Converts a number or null.</summary>
    /// <param name="value">The number or null.</param>
    public static implicit operator ModelValue(double? value) => FromNullableDouble(value);

    /// <summary>Converts a string or null.</summary>
    /// <param name="value">The string or null.</param>
    public static implicit operator ModelValue(string? value) => FromString(value);

    /// <summary>Whether two values are of the same kind and equal (numbers by <see cref="double.Equals(double)"/>, strings ordinally).</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    public static bool operator ==(ModelValue left, ModelValue right) => left.Equals(right);

    /// <summary>Whether two values differ in kind or value.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    public static bool operator !=(ModelValue left, ModelValue right) => !left.Equals(right);

    /// <inheritdoc/>
    public bool Equals(ModelValue other) =>
        _kind == other._kind && _number.Equals(other._number) && string.Equals(_text, other._text, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ModelValue other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_kind, _number, _text);

    /// <summary>The value as invariant text: the number round-trippable, the string as is, or "null".</summary>
    public override string ToString() => (ValueKind?)Kind switch
    {
        ValueKind.Number => _number.ToString("R", CultureInfo.InvariantCulture),
        ValueKind.String => _text!,
        _ => "null",
    };
}
