using DriftJobs.Core.Performance;

namespace DriftJobs.Core.Tests.Performance;

public sealed class WelchTTestTests
{
    [Fact]
    public void Matches_scipy_ttest_ind_from_stats_greater()
    {
        var cases = SignificanceReference.Value.Welch.Where(c => c.T is not null).ToArray();
        Assert.Contains(cases, c => c.P is > 0 and < 1e-200);
        Assert.Contains(cases, c => c.Df > 1e9);
        Assert.Contains(cases, c => c.Df < 2);
        foreach (var c in cases)
        {
            var result = WelchTTest.Greater(c.WindowMean, c.WindowVariance, c.WindowCount, c.ReferenceMean, c.ReferenceVariance, c.ReferenceCount);
            // t and df repeat scipy's arithmetic, so a few roundings apart at most.
            Assert.True(Close(result.T, c.T!.Value, 1e-13), $"{c.Name}: t {result.T:R} vs {c.T:R}");
            Assert.True(Close(result.DegreesOfFreedom, c.Df!.Value, 1e-13), $"{c.Name}: df {result.DegreesOfFreedom:R} vs {c.Df:R}");
            // scipy's t.sf is itself good to about 1e-13 relative (see the mpmath test); p = 0 where both underflow.
            Assert.True(c.P == 0 ? result.PValue < 1e-300 : Close(result.PValue, c.P!.Value, TailTolerance(c.Df.Value)), $"{c.Name}: p {result.PValue:R} vs {c.P:R}");
        }
    }

    [Fact]
    public void Without_variance_on_either_side_differing_means_are_certain_and_equal_means_give_one_half()
    {
        var cases = SignificanceReference.Value.Welch.Where(c => c.T is null).ToDictionary(c => c.TLimit!);
        Assert.Equal(["-inf", "inf", "nan"], cases.Keys.Order());
        foreach (var (limit, c) in cases)
        {
            var result = WelchTTest.Greater(c.WindowMean, c.WindowVariance, c.WindowCount, c.ReferenceMean, c.ReferenceVariance, c.ReferenceCount);
            Assert.True(double.IsNaN(result.DegreesOfFreedom));
            if (limit == "nan")
            {
                // scipy: 0/0 = NaN; the engine defines equal means as no evidence either way.
                Assert.Null(c.P);
                Assert.Equal((0.0, 0.5), (result.T, result.PValue));
            }
            else
            {
                Assert.Equal(limit == "inf" ? double.PositiveInfinity : double.NegativeInfinity, result.T);
                Assert.Equal(c.P, result.PValue);
            }
        }
    }

    [Fact]
    public void Fewer_than_two_pairs_or_undefined_inputs_give_no_test()
    {
        WelchTTestResult[] results =
        [
            WelchTTest.Greater(1, 0.5, 1, 1, 0.5, 100),
            WelchTTest.Greater(1, 0.5, 100, 1, 0.5, 1),
            WelchTTest.Greater(1, double.NaN, 100, 1, 0.5, 100),
            WelchTTest.Greater(1, -0.1, 100, 1, 0.5, 100),
            WelchTTest.Greater(double.NaN, 0.5, 100, 1, 0.5, 100),
        ];
        Assert.All(results, r => Assert.True(double.IsNaN(r.T) && double.IsNaN(r.DegreesOfFreedom) && double.IsNaN(r.PValue)));
    }

    [Fact]
    public void Student_t_upper_tail_matches_mpmath()
    {
        var cases = SignificanceReference.Value.StudentTSf;
        Assert.Contains(cases, c => c.Sf < 1e-190 && c.Df >= 1e12);
        var failures = cases
            .Select(c => (c, sf: StudentT.UpperTail(c.T, c.Df)))
            .Where(x => !Close(x.sf, x.c.Sf, TailTolerance(x.c.Df)))
            .Select(x => $"t {x.c.T}, df {x.c.Df}: {x.sf:R} vs mpmath {x.c.Sf:R} (scipy {x.c.Scipy:R}), relative {(x.sf / x.c.Sf) - 1:G3}")
            .ToArray();
        Assert.True(failures.Length == 0, string.Join("\n", failures));
    }

    [Fact]
    public void Student_t_upper_tail_limits()
    {
        Assert.Equal(0, StudentT.UpperTail(double.PositiveInfinity, 5));
        Assert.Equal(1, StudentT.UpperTail(double.NegativeInfinity, 5));
        Assert.True(double.IsNaN(StudentT.UpperTail(1, 0)));
        Assert.True(double.IsNaN(StudentT.UpperTail(double.NaN, 3)));
        // df = ∞ is the normal: scipy's norm.sf(3).
        Assert.True(Close(StudentT.UpperTail(3, double.PositiveInfinity), 0.0013498980316300933, 1e-14));
    }

    /// <summary>
    /// 1e-12, or 5e-17·df: the continued fraction sees x = df/(df + t²) rounded to a double, and near x = 1 the
    /// incomplete beta's sensitivity to x grows with df (see <see cref="StudentT"/>).
    /// </summary>
    private static double TailTolerance(double degreesOfFreedom) => Math.Max(1e-12, 5e-17 * degreesOfFreedom);

    private static bool Close(double actual, double expected, double relative) =>
        actual == expected || Math.Abs(actual - expected) <= relative * Math.Abs(expected);
}
