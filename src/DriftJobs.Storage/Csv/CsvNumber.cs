using System.Globalization;

namespace DriftJobs.Storage.Csv;

/// <summary>
/// How a CSV field of a numeric column is read: the one rule both the probe and the reader apply, so a column is never
/// probed as numbers and then refused by the reader (or the other way round). Documented in docs/formats.md.
/// <list type="bullet">
/// <item>Surrounding whitespace is ignored.</item>
/// <item>Missing (NaN): an empty field; <c>nan</c>, <c>1.#IND</c>, <c>1.#QNAN</c>, optionally signed; and the rest of
/// pandas' default <c>read_csv</c> NA spellings: <c>NA</c>, <c>N/A</c>, <c>#N/A</c>, <c>#N/A N/A</c>, <c>#NA</c>,
/// <c>&lt;NA&gt;</c>, <c>NULL</c>, <c>None</c>.</item>
/// <item>+∞ / −∞ (counted invalid by the baseline, like Parquet's infinities): <c>inf</c>, <c>infinity</c> and
/// <c>1.#INF</c>, optionally signed — numpy, pandas and DuckDB write <c>inf</c>/<c>-inf</c>, R <c>Inf</c>, .NET
/// <c>Infinity</c>, old MSVC runtimes <c>1.#INF</c> (their padded <c>printf</c> forms such as <c>1.#INF00</c> are not
/// recognised).</item>
/// <item>Anything else is a number when it parses as an invariant double (<c>1.5</c>, <c>-3</c>, <c>2e-3</c>; no
/// thousands separators). A number too large for a double (<c>1e400</c>) is ±∞, as numpy and pandas read it.</item>
/// </list>
/// Every word is matched in any case: in a column of numbers none of them can be anything but a marker. A column of
/// text keeps every value as written (there <c>NA</c> may be Namibia), so this rule is not applied to it.
/// </summary>
internal static class CsvNumber
{
    private const NumberStyles Style = NumberStyles.Float;

    // pandas' default na_values (pandas/_libs/parsers.pyx, STR_NA_VALUES) other than '' and the NaN/IND/QNAN forms,
    // which are matched with their signs below.
    private static readonly string[] MissingWords = ["NA", "N/A", "#N/A", "#N/A N/A", "#NA", "<NA>", "NULL", "None"];

    /// <summary>
    /// Reads <paramref name="field"/> as a number of a numeric column: NaN when it spells a missing value, ±∞ when it
    /// spells an infinity (or overflows); false when it is none of these (text).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> field, out double value)
    {
        // The common case first: a plain number (NumberStyles.Float skips the surrounding whitespace itself).
        if (double.TryParse(field, Style, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        var text = field.Trim();
        if (text.IsEmpty)
        {
            value = double.NaN;
            return true;
        }

        var negative = text[0] == '-';
        var body = text[0] is '-' or '+' ? text[1..] : text;
        if (Is(body, "inf") || Is(body, "infinity") || Is(body, "1.#INF"))
        {
            value = negative ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }

        if (Is(body, "nan") || Is(body, "1.#IND") || Is(body, "1.#QNAN"))
        {
            value = double.NaN;
            return true;
        }

        foreach (var word in MissingWords)
        {
            if (Is(text, word))
            {
                value = double.NaN;
                return true;
            }
        }

        value = 0;
        return false;
    }

    private static bool Is(ReadOnlySpan<char> text, string word) => text.Equals(word, StringComparison.OrdinalIgnoreCase);
}
