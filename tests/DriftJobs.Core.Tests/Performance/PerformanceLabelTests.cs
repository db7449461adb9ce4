using DriftJobs.Core.Performance;

namespace DriftJobs.Core.Tests.Performance;

public sealed class PerformanceLabelTests
{
    [Theory]
    [InlineData(1.0, "1")]
    [InlineData(0.0, "0")]
    [InlineData(-3.0, "-3")]
    [InlineData(10.0, "10")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(9007199254740993.0, "9007199254740992")]
    [InlineData(0.5, "0.5")]
    [InlineData(0.1, "0.1")]
    [InlineData(-2.25, "-2.25")]
    [InlineData(1e-7, "1E-07")]
    public void A_number_reads_as_its_invariant_text_integers_without_a_fraction_or_exponent(double value, string expected) =>
        Assert.Equal(expected, PerformanceLabel.Text(value));

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Nan_and_infinities_are_missing(double value) => Assert.Null(PerformanceLabel.Text(value));

    [Fact]
    public void An_integer_stored_as_a_double_an_int_or_text_is_one_class()
    {
        Assert.Equal("1", PerformanceLabel.Text(1.0));
        Assert.Equal(PerformanceLabel.Text((double)1L), PerformanceLabel.Text("1"));
        Assert.Equal(PerformanceLabel.Text(1.0), PerformanceLabel.Text(1.0f));
        // −0.0 formats as "-0": it must still be the class 0.
        Assert.Equal("0", PerformanceLabel.Text(-0.0));
    }

    [Theory]
    [InlineData("1.0", "1.0")]
    [InlineData("yes", "yes")]
    [InlineData(" yes", " yes")]
    [InlineData("NA", "NA")]
    [InlineData("", null)]
    [InlineData("  ", null)]
    [InlineData(null, null)]
    public void Text_is_taken_as_written_and_blank_is_missing(string? value, string? expected) =>
        Assert.Equal(expected, PerformanceLabel.Text(value));
}
