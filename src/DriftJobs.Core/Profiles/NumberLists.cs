using System.Runtime.InteropServices;

namespace DriftJobs.Core.Profiles;

internal static class NumberLists
{
    /// <summary>
    /// A baseline's list of numbers as a span (without a copy for the arrays and lists deserialization makes): the
    /// detector reads its 10,000-odd KS points per feature value by value at every start, and each access through
    /// the list interface was a dispatched call.
    /// </summary>
    public static ReadOnlySpan<double> AsSpan(this IReadOnlyList<double> values) => values switch
    {
        double[] array => array,
        List<double> list => CollectionsMarshal.AsSpan(list),
        _ => values.ToArray(),
    };
}
