using System.Text;
using DriftJobs.Storage.Csv;

namespace DriftJobs.Storage.Tests;

public sealed class CsvFeatureReaderTests
{
    [Fact]
    public async Task Quoted_fields_keep_commas_quotes_and_line_breaks()
    {
        const string csv = "id,comment,score\n1,\"hello, world\",0.5\n2,\"she said \"\"hi\"\"\",1\n3,\"two\r\nlines\",2\n4,\"\",3\n";
        var sink = new RecordingSink();

        var result = await new CsvFeatureReader([RequestedColumn.Categorical("comment"), RequestedColumn.Numeric("score")]).ReadAsync(csv, sink);

        Assert.Equal(4, result.RowsRead);
        Assert.Equal(["hello, world", "she said \"hi\"", "two\nlines", null], sink.Categorical["comment"]);
        Assert.Equal([0.5, 1, 2, 3], sink.Numeric["score"]);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public async Task Any_line_ending_separates_records(string newline)
    {
        var csv = string.Join(newline, "a,b", "1,x", "2,y", "3,z");
        var sink = new RecordingSink();

        await new CsvFeatureReader([RequestedColumn.Numeric("a"), RequestedColumn.Categorical("b")]).ReadAsync(csv, sink);

        Assert.Equal([1, 2, 3], sink.Numeric["a"]);
        Assert.Equal(["x", "y", "z"], sink.Categorical["b"]);
    }

    [Fact]
    public async Task A_byte_order_mark_is_not_part_of_the_first_column_name()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("age,city\n30,Zürich\n")).ToArray();
        using var stream = new MemoryStream(bytes);
        var sink = new RecordingSink();

        var probed = await CsvFeatureReader.ProbeAsync(new MemoryStream(bytes), "bom.csv");
        var result = await new CsvFeatureReader([RequestedColumn.Numeric("age"), RequestedColumn.Categorical("city")]).ReadAsync(stream, "bom.csv", sink);

        Assert.Equal("age", probed[0].Name);
        Assert.Empty(result.AbsentColumns);
        Assert.Equal([30], sink.Numeric["age"]);
        Assert.Equal(["Zürich"], sink.Categorical["city"]);
    }

    [Fact]
    public async Task Empty_and_blank_fields_are_missing()
    {
        const string csv = "n,c\n1,a\n,\n  , \n4,\"\"\n";
        var sink = new RecordingSink();

        await new CsvFeatureReader([RequestedColumn.Numeric("n"), RequestedColumn.Categorical("c")]).ReadAsync(csv, sink);

        Assert.Equal([1, double.NaN, double.NaN, 4], sink.Numeric["n"]);
        Assert.Equal(["a", null, null, null], sink.Categorical["c"]);
    }

    [Fact]
    public async Task Blank_lines_are_skipped_and_the_last_line_needs_no_newline()
    {
        const string csv = "n\n\n1\n\r\n2\n\n3";
        var sink = new RecordingSink();

        var result = await new CsvFeatureReader([RequestedColumn.Numeric("n")]).ReadAsync(csv, sink);

        Assert.Equal(3, result.RowsRead);
        Assert.Equal([1, 2, 3], sink.Numeric["n"]);
    }

    [Fact]
    public async Task Probe_calls_a_column_numeric_only_if_every_value_parses_invariantly()
    {
        const string csv = "int,float,sci,gaps,comma_decimal,text,empty,mixed\n" +
                           "1,1.5,1e3,,\"1,5\",a,,1\n" +
                           "-2,-0.25,2.5E-3,7,\"2,0\",b,,x\n" +
                           "3,.5,-1e+2,,\"3,5\",c,,2\n";

        var columns = await CsvFeatureReader.ProbeAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)), "kinds.csv");

        Assert.Equal(
            [ColumnKind.Numeric, ColumnKind.Numeric, ColumnKind.Numeric, ColumnKind.Numeric, ColumnKind.Categorical, ColumnKind.Categorical, ColumnKind.Numeric, ColumnKind.Categorical],
            columns.Select(c => c.Kind));
        Assert.Equal(["int", "float", "sci", "gaps", "comma_decimal", "text", "empty", "mixed"], columns.Select(c => c.Name));
    }

    [Fact]
    public async Task A_record_with_the_wrong_field_count_names_file_and_line()
    {
        // The bad record starts on line 5: the quoted field of record 2 spans lines 3-4.
        const string csv = "a,b\n1,x\n2,\"multi\nline\"\n3,y,extra\n4,z\n";

        var error = await Assert.ThrowsAsync<InvalidDataException>(
            () => new CsvFeatureReader([RequestedColumn.Numeric("a")]).ReadAsync(csv, new RecordingSink(), "data/train.csv"));

        Assert.Contains("data/train.csv", error.Message, StringComparison.Ordinal);
        Assert.Contains("line 5", error.Message, StringComparison.Ordinal);
        Assert.Contains("expected 2 fields", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_probe_also_rejects_a_short_record()
    {
        const string csv = "a,b\n1,x\n2\n";

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => CsvFeatureReader.ProbeAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)), "short.csv"));

        Assert.Contains("short.csv: line 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unterminated_quote_names_the_line_it_opens_on()
    {
        const string csv = "a,b\n1,x\n2,\"never closed\n3,y\n4,z\n";

        var error = await Assert.ThrowsAsync<InvalidDataException>(
            () => new CsvFeatureReader([RequestedColumn.Numeric("a")]).ReadAsync(csv, new RecordingSink(), "open.csv"));

        Assert.Contains("open.csv", error.Message, StringComparison.Ordinal);
        Assert.Contains("line 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("unterminated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_after_a_closing_quote_is_an_error()
    {
        const string csv = "a,b\n1,\"x\"y\n";

        var error = await Assert.ThrowsAsync<InvalidDataException>(
            () => new CsvFeatureReader([RequestedColumn.Categorical("b")]).ReadAsync(csv, new RecordingSink(), "q.csv"));

        Assert.Contains("q.csv: line 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_non_number_in_a_numeric_column_names_file_line_column_and_value()
    {
        // "n/a" was the non-number here until pandas' NA spellings became missing values.
        const string csv = "a,b\n1,x\n2,y\n n.a. ,z\n";

        var error = await Assert.ThrowsAsync<InvalidDataException>(
            () => new CsvFeatureReader([RequestedColumn.Numeric("a")]).ReadAsync(csv, new RecordingSink(), "n.csv"));

        Assert.Contains("n.csv: line 4", error.Message, StringComparison.Ordinal);
        Assert.Contains("column 'a'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'n.a.' is not a number", error.Message, StringComparison.Ordinal);
    }

    /// <summary>How numpy, pandas, DuckDB, R, .NET and old MSVC runtimes write NaN, ±∞ and missing values.</summary>
    public static TheoryData<string, double> Spellings => new()
    {
        { "nan", double.NaN }, { "NaN", double.NaN }, { "NAN", double.NaN }, { "-nan", double.NaN }, { "-NaN", double.NaN }, { "+nan", double.NaN },
        { "inf", double.PositiveInfinity }, { "+inf", double.PositiveInfinity }, { "-inf", double.NegativeInfinity },
        { "Inf", double.PositiveInfinity }, { "-Inf", double.NegativeInfinity }, { "INF", double.PositiveInfinity },
        { "Infinity", double.PositiveInfinity }, { "-Infinity", double.NegativeInfinity }, { "+Infinity", double.PositiveInfinity },
        { "infinity", double.PositiveInfinity }, { "-INFINITY", double.NegativeInfinity },
        { "1.#INF", double.PositiveInfinity }, { "-1.#INF", double.NegativeInfinity },
        { "1.#IND", double.NaN }, { "-1.#IND", double.NaN }, { "1.#QNAN", double.NaN }, { "-1.#QNAN", double.NaN },
        { "NA", double.NaN }, { "N/A", double.NaN }, { "n/a", double.NaN }, { "#N/A", double.NaN }, { "#N/A N/A", double.NaN },
        { "#NA", double.NaN }, { "<NA>", double.NaN }, { "NULL", double.NaN }, { "null", double.NaN }, { "None", double.NaN },
        { "  nan ", double.NaN }, { "\t-inf ", double.NegativeInfinity }, { "\"inf\"", double.PositiveInfinity },
        // Too large for a double: ±∞, as numpy and pandas read it (and so counted invalid, not a huge number).
        { "1e400", double.PositiveInfinity }, { "-1e400", double.NegativeInfinity },
    };

    [Theory]
    [MemberData(nameof(Spellings))]
    public async Task Every_common_spelling_of_nan_inf_and_missing_keeps_a_column_numeric(string spelling, double expected)
    {
        var csv = $"x,y\n1.5,a\n{spelling},b\n-2,c\n";
        var sink = new RecordingSink();

        var probed = await CsvFeatureReader.ProbeAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)), "spell.csv");
        await new CsvFeatureReader([RequestedColumn.Numeric("x")]).ReadAsync(csv, sink);

        Assert.Equal(ColumnKind.Numeric, probed[0].Kind);
        Assert.Equal([1.5, expected, -2], sink.Numeric["x"]);
    }

    [Fact]
    public async Task In_a_text_column_NA_and_nan_are_categories_and_only_an_empty_field_is_missing()
    {
        // NA is Namibia here: the words are missing values only in a column of numbers.
        const string csv = "amount,country,word\n1,DE,x\nNA,NA,nan\n3,,\nnan,FR,null\n";
        var sink = new RecordingSink();

        var probed = await CsvFeatureReader.ProbeAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)), "na.csv");
        await new CsvFeatureReader([RequestedColumn.Numeric("amount"), RequestedColumn.Categorical("country"), RequestedColumn.Categorical("word")]).ReadAsync(csv, sink);

        Assert.Equal([ColumnKind.Numeric, ColumnKind.Categorical, ColumnKind.Categorical], probed.Select(c => c.Kind));
        Assert.Equal([1, double.NaN, 3, double.NaN], sink.Numeric["amount"]);
        Assert.Equal(["DE", "NA", null, "FR"], sink.Categorical["country"]);
        Assert.Equal(["x", "nan", null, "null"], sink.Categorical["word"]);
    }

    [Fact]
    public async Task The_probe_counts_numbers_and_keeps_the_first_distinct_non_numbers_with_their_lines()
    {
        // Line 1 is the header; data line k holds row k-2. Text at rows 10, 20 (twice "?"), 30… of 200.
        var text = new StringBuilder("amount,city\n");
        var junk = new[] { "?", "n.a.", "?", "unknown", "-", "x", "y" };
        for (var i = 0; i < 200; i++)
        {
            text.Append(i > 0 && i % 10 == 0 && i / 10 <= junk.Length ? junk[(i / 10) - 1] : i % 7 == 0 ? "nan" : (i * 0.5).ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Append(",c").Append(i).Append('\n');
        }

        var probed = await CsvFeatureReader.ProbeAsync(new MemoryStream(Encoding.UTF8.GetBytes(text.ToString())), "mostly.csv");

        var amount = probed[0];
        Assert.Equal(ColumnKind.Categorical, amount.Kind);
        var values = amount.Values!;
        Assert.Equal(7, values.NonNumbers);
        // 200 rows, 7 of them text; the multiples of 7 (0, 7, …, 196: 29) but 70 (text) are "nan", missing.
        Assert.Equal(200 - 7 - 28, values.Numbers);
        Assert.True(values.Complete);
        Assert.Equal(["'?' (mostly.csv:12)", "'n.a.' (mostly.csv:22)", "'unknown' (mostly.csv:42)", "'-' (mostly.csv:52)", "'x' (mostly.csv:62)"],
            values.FirstNonNumbers.Select(v => v.ToString()));
        Assert.Equal(0, probed[1].Values!.Numbers);
    }

    [Fact]
    public async Task The_probe_stops_counting_a_column_once_it_is_clearly_text()
    {
        var text = new StringBuilder("id,n\n");
        for (var i = 0; i < CsvFeatureReader.ClearlyTextAfter + 500; i++)
        {
            text.Append("user-").Append(i).Append(',').Append(i).Append('\n');
        }

        var probed = await CsvFeatureReader.ProbeAsync(new MemoryStream(Encoding.UTF8.GetBytes(text.ToString())), "ids.csv");

        Assert.Equal(ColumnKind.Categorical, probed[0].Kind);
        Assert.False(probed[0].Values!.Complete);
        Assert.Equal(CsvFeatureReader.ClearlyTextAfter, probed[0].Values!.NonNumbers);
        Assert.Equal(CsvFeatureReader.ClearlyTextAfter + 500, probed[1].Values!.Numbers);
    }

    [Fact]
    public async Task Invalid_utf8_is_an_error_naming_the_file()
    {
        var bytes = Encoding.UTF8.GetBytes("a\nok\n").Concat(new byte[] { 0xC3, 0x28, (byte)'\n' }).ToArray();

        var error = await Assert.ThrowsAsync<InvalidDataException>(
            () => new CsvFeatureReader([RequestedColumn.Categorical("a")]).ReadAsync(new MemoryStream(bytes), "latin1.csv", new RecordingSink()));

        Assert.Contains("latin1.csv", error.Message, StringComparison.Ordinal);
        Assert.Contains("UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("a,,c\n1,2,3\n", "no name")]
    [InlineData("a,b,a\n1,2,3\n", "twice")]
    public async Task A_bad_header_is_an_error(string csv, string expected)
    {
        var error = await Assert.ThrowsAsync<InvalidDataException>(
            () => new CsvFeatureReader([RequestedColumn.Categorical("a")]).ReadAsync(csv, new RecordingSink(), "h.csv"));

        Assert.Contains("h.csv", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Absent_columns_are_reported()
    {
        var sink = new RecordingSink();
        var result = await new CsvFeatureReader([RequestedColumn.Numeric("a"), RequestedColumn.Numeric("zzz")]).ReadAsync("a\n1\n2\n", sink);

        Assert.Equal(["zzz"], result.AbsentColumns);
        Assert.Equal(2, result.RowsKept);
        Assert.Equal([1, 2], sink.Numeric["a"]);
    }

    [Fact]
    public async Task Rows_arrive_in_batches_of_the_configured_size_with_all_columns_aligned()
    {
        var csv = "n,c\n" + string.Concat(Enumerable.Range(0, 7).Select(i => $"{i},c{i % 2}\n"));
        var sink = new RecordingSink();

        await new CsvFeatureReader([RequestedColumn.Numeric("n"), RequestedColumn.Categorical("c")], batchSize: 3).ReadAsync(csv, sink);

        Assert.Equal([("n", 3), ("c", 3), ("n", 3), ("c", 3), ("n", 1), ("c", 1)], sink.Batches);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6], sink.Numeric["n"]);
        Assert.Equal(["c0", "c1", "c0", "c1", "c0", "c1", "c0"], sink.Categorical["c"]);
        Assert.Same(sink.Categorical["c"][0], sink.Categorical["c"][2]);
    }

    [Fact]
    public async Task Records_split_across_reads_at_every_byte_parse_the_same()
    {
        // One byte per read: BOM, CRLF pairs, doubled quotes and multi-byte characters all straddle buffer edges.
        var text = "\uFEFFid,note\r\n1,\"a,\"\"b\"\"\r\nc\"\r\n2,é€😀\r\n3,\"\"\r\n";
        var bytes = Encoding.UTF8.GetBytes(text);
        var sink = new RecordingSink();

        await new CsvFeatureReader([RequestedColumn.Numeric("id"), RequestedColumn.Categorical("note")]).ReadAsync(new TrickleStream(bytes), "trickle.csv", sink);

        Assert.Equal([1, 2, 3], sink.Numeric["id"]);
        Assert.Equal(["a,\"b\"\nc", "é€😀", null], sink.Categorical["note"]);
    }

    [Fact]
    public async Task A_large_file_is_streamed_through_in_batches()
    {
        const int rows = 50_000;
        var builder = new StringBuilder("x,label\n");
        for (var i = 0; i < rows; i++)
        {
            builder.Append(i).Append(",\"l").Append(i % 4).Append("\"\n");
        }

        var sink = new RecordingSink();
        var result = await new CsvFeatureReader([RequestedColumn.Numeric("x"), RequestedColumn.Categorical("label")]).ReadAsync(builder.ToString(), sink);

        Assert.Equal(rows, result.RowsRead);
        Assert.Equal((double)rows * (rows - 1) / 2, sink.Numeric["x"].Sum());
        Assert.Equal(4, sink.Categorical["label"].Distinct().Count());
        Assert.All(sink.Batches, b => Assert.True(b.Rows <= CsvFeatureReader.DefaultBatchSize));
    }

    private sealed class TrickleStream(byte[] data) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, 1)]);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 1)], cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            base.ReadAsync(buffer, offset, Math.Min(count, 1), cancellationToken);
    }
}
