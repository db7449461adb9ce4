using System.Text.Json;

namespace DriftJobs.Core.Tests;

/// <summary>
/// Loads the SciPy/NumPy reference files in Reference/ (written by tools/reference/make_reference.py) and expands the
/// sample generators they use in place of stored values.
/// </summary>
public static class ReferenceData
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        PropertyNameCaseInsensitive = true,
    };

    /// <summary>Deserializes Reference/<paramref name="fileName"/>; JSON keys are snake_case.</summary>
    public static T Load<T>(string fileName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Reference", fileName);
        using var stream = File.OpenRead(path);
        return JsonSerializer.Deserialize<T>(stream, Options)
            ?? throw new InvalidDataException($"Reference file '{path}' is empty.");
    }

    /// <summary>
    /// The sample a <see cref="ReferenceSample"/> describes: its explicit values, or
    /// values[i] = ((i * mul + add) % mod) / scale + offset for i in 0..n-1, with the integer part in 64-bit integers
    /// and the rest in doubles — the same operations the Python generator performs, so the values match bit for bit.
    /// </summary>
    public static double[] Expand(ReferenceSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (sample.Values is not null)
        {
            return sample.Values;
        }

        var g = sample.Generator
            ?? throw new InvalidDataException("A reference sample needs either 'values' or 'generator'.");
        var values = new double[g.N];
        for (long i = 0; i < g.N; i++)
        {
            var r = checked((i * g.Mul) + g.Add) % g.Mod;
            values[i] = (r / g.Scale) + g.Offset;
        }

        if (sample.Check is { } check)
        {
            for (var k = 0; k < check.Indices.Length; k++)
            {
                if (values[check.Indices[k]] != check.Values[k])
                {
                    throw new InvalidDataException(
                        $"Generator expansion differs from Python at index {check.Indices[k]}: "
                        + $"{values[check.Indices[k]]:R} vs {check.Values[k]:R}.");
                }
            }
        }

        return values;
    }
}

/// <summary>
/// Either explicit values or a generator (see <see cref="ReferenceData.Expand"/>); generators carry a few values
/// Python produced, which <see cref="ReferenceData.Expand"/> verifies.
/// </summary>
public sealed record ReferenceSample(double[]? Values, SampleGenerator? Generator, SampleCheck? Check = null);

public sealed record SampleCheck(long[] Indices, double[] Values);

public sealed record SampleGenerator(long N, long Mul, long Add, long Mod, double Scale, double Offset);
