using System.Text.Json.Serialization;

namespace DriftJobs.Core.Statistics;

[JsonConverter(typeof(JsonStringEnumConverter<MultipleTestingMethod>))]
internal enum MultipleTestingMethod
{
    [JsonStringEnumMemberName("bh")]
    BenjaminiHochberg,

    [JsonStringEnumMemberName("bonferroni")]
    Bonferroni,

    [JsonStringEnumMemberName("none")]
    None,
}

internal static class MultipleTesting
{
    /// <summary>
    /// Adjusts the p-values of one report's features. NaN entries (no test) are left NaN and do not count
    /// towards the number of tests.
    /// </summary>
    public static double[] Adjust(ReadOnlySpan<double> pValues, MultipleTestingMethod method)
    {
        var adjusted = pValues.ToArray();
        var tested = Enumerable.Range(0, adjusted.Length).Where(i => !double.IsNaN(adjusted[i])).ToArray();
        var m = tested.Length;
        switch (method)
        {
            case MultipleTestingMethod.None:
                break;
            case MultipleTestingMethod.Bonferroni:
                foreach (var i in tested)
                {
                    adjusted[i] = Math.Min(1, adjusted[i] * m);
                }

                break;
            case MultipleTestingMethod.BenjaminiHochberg:
                // Step-up: the k-th smallest p becomes min over j ≥ k of p(j)·m/j.
                var order = tested.OrderBy(i => adjusted[i]).ThenBy(i => i).ToArray();
                var running = 1.0;
                for (var rank = m; rank >= 1; rank--)
                {
                    var index = order[rank - 1];
                    running = Math.Min(running, pValues[index] * m / rank);
                    adjusted[index] = running;
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(method), method, null);
        }

        return adjusted;
    }
}
