using Parquet.Meta;

namespace DriftJobs.Storage.Parquet;

/// <summary>
/// Whether two Parquet files' schemas, as their footers give them, are the same in every field Parquet.Net builds its
/// schema model from (names, physical and logical types, repetition, nesting), so that what was planned for one file
/// holds for the other. Conservative: a logical type whose parameters are not compared here (geometry, geography,
/// variant) never counts as the same, and such files are planned each time.
/// </summary>
internal static class SchemaShape
{
    public static bool Same(IReadOnlyList<SchemaElement> a, IReadOnlyList<SchemaElement> b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (!Same(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Same(SchemaElement a, SchemaElement b) =>
        string.Equals(a.Name, b.Name, StringComparison.Ordinal)
        && a.Type == b.Type
        && a.TypeLength == b.TypeLength
        && a.RepetitionType == b.RepetitionType
        && a.NumChildren == b.NumChildren
        && a.ConvertedType == b.ConvertedType
        && a.Scale == b.Scale
        && a.Precision == b.Precision
        && a.FieldId == b.FieldId
        && Same(a.LogicalType, b.LogicalType);

    private static bool Same(LogicalType? a, LogicalType? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        if (a.GEOMETRY is not null || a.GEOGRAPHY is not null || a.VARIANT is not null
            || b.GEOMETRY is not null || b.GEOGRAPHY is not null || b.VARIANT is not null)
        {
            return false;
        }

        // The others carry no parameters, or only those compared below: which of them is set is what matters.
        return BothOrNeither(a.STRING, b.STRING) && BothOrNeither(a.MAP, b.MAP) && BothOrNeither(a.LIST, b.LIST)
            && BothOrNeither(a.ENUM, b.ENUM) && BothOrNeither(a.DATE, b.DATE) && BothOrNeither(a.UNKNOWN, b.UNKNOWN)
            && BothOrNeither(a.JSON, b.JSON) && BothOrNeither(a.BSON, b.BSON) && BothOrNeither(a.UUID, b.UUID)
            && BothOrNeither(a.FLOAT16, b.FLOAT16)
            && Same(a.DECIMAL, b.DECIMAL, (x, y) => x.Scale == y.Scale && x.Precision == y.Precision)
            && Same(a.INTEGER, b.INTEGER, (x, y) => x.BitWidth == y.BitWidth && x.IsSigned == y.IsSigned)
            && Same(a.TIME, b.TIME, (x, y) => x.IsAdjustedToUTC == y.IsAdjustedToUTC && Same(x.Unit, y.Unit))
            && Same(a.TIMESTAMP, b.TIMESTAMP, (x, y) => x.IsAdjustedToUTC == y.IsAdjustedToUTC && Same(x.Unit, y.Unit));
    }

    private static bool Same(TimeUnit? a, TimeUnit? b) =>
        Same(a, b, (x, y) => BothOrNeither(x.MILLIS, y.MILLIS) && BothOrNeither(x.MICROS, y.MICROS) && BothOrNeither(x.NANOS, y.NANOS));

    private static bool Same<T>(T? a, T? b, Func<T, T, bool> same)
        where T : class =>
        a is null || b is null ? a is null && b is null : same(a, b);

    private static bool BothOrNeither(object? a, object? b) => (a is null) == (b is null);
}
