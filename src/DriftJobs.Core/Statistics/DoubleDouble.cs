using System.Runtime.CompilerServices;

namespace DriftJobs.Core.Statistics;

/// <summary>Unevaluated sum hi + lo of two doubles (QD library's double-double, as used by SciPy's cephes).</summary>
internal readonly record struct DoubleDouble(double Hi, double Lo)
{
    public static DoubleDouble Zero => new(0.0, 0.0);

    public static DoubleDouble One => new(1.0, 0.0);

    public bool IsZero => Hi == 0.0;

    public bool IsFinite => double.IsFinite(Hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double QuickTwoSum(double a, double b, out double err)
    {
        var s = a + b;
        var c = s - a;
        err = b - c;
        return s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double TwoSum(double a, double b, out double err)
    {
        var s = a + b;
        var c = s - a;
        var d = b - c;
        var e = s - c;
        err = (a - e) + d;
        return s;
    }

    // The error term of a product is exact whether found by Dekker splitting (as cephes does) or by a fused
    // multiply-add.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double TwoProd(double a, double b, out double err)
    {
        var p = a * b;
        err = Math.FusedMultiplyAdd(a, b, -p);
        return p;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleDouble Add(double a, double b)
    {
        var s = TwoSum(a, b, out var e);
        return new DoubleDouble(s, e);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleDouble Add(DoubleDouble a, double b)
    {
        var s1 = TwoSum(a.Hi, b, out var s2);
        s2 += a.Lo;
        s1 = QuickTwoSum(s1, s2, out s2);
        return new DoubleDouble(s1, s2);
    }

    // IEEE-style error bound (Briggs and Kahan), which cephes always uses.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleDouble Add(DoubleDouble a, DoubleDouble b)
    {
        var s1 = TwoSum(a.Hi, b.Hi, out var s2);
        var t1 = TwoSum(a.Lo, b.Lo, out var t2);
        s2 += t1;
        s1 = QuickTwoSum(s1, s2, out s2);
        s2 += t2;
        s1 = QuickTwoSum(s1, s2, out s2);
        return new DoubleDouble(s1, s2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleDouble Subtract(DoubleDouble a, DoubleDouble b) => Add(a, new DoubleDouble(-b.Hi, -b.Lo));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleDouble Subtract(DoubleDouble a, double b)
    {
        var s1 = TwoSum(a.Hi, -b, out var s2);
        s2 += a.Lo;
        s1 = QuickTwoSum(s1, s2, out s2);
        return new DoubleDouble(s1, s2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleDouble Multiply(double a, double b)
    {
        var p = TwoProd(a, b, out var e);
        return new DoubleDouble(p, e);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleDouble Multiply(DoubleDouble a, DoubleDouble b)
    {
        var p1 = TwoProd(a.Hi, b.Hi, out var p2);
        p2 += (a.Hi * b.Lo) + (a.Lo * b.Hi);
        p1 = QuickTwoSum(p1, p2, out p2);
        return new DoubleDouble(p1, p2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleDouble Multiply(DoubleDouble a, double b)
    {
        var p1 = TwoProd(a.Hi, b, out var e1);
        var p2 = TwoProd(a.Lo, b, out var e2);
        p1 = QuickTwoSum(p1, e2 + p2 + e1, out e1);
        return new DoubleDouble(p1, e1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleDouble Multiply(double a, DoubleDouble b)
    {
        var p1 = TwoProd(a, b.Hi, out var e1);
        var p2 = TwoProd(a, b.Lo, out var e2);
        p1 = QuickTwoSum(p1, e2 + p2 + e1, out e1);
        return new DoubleDouble(p1, e1);
    }

    // dd_accurate_div
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleDouble Divide(DoubleDouble a, DoubleDouble b)
    {
        var q1 = a.Hi / b.Hi;
        var r = Subtract(a, Multiply(b, q1));
        var q2 = r.Hi / b.Hi;
        r = Subtract(r, Multiply(b, q2));
        var q3 = r.Hi / b.Hi;
        q1 = QuickTwoSum(q1, q2, out q2);
        return Add(new DoubleDouble(q1, q2), q3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleDouble Divide(double a, double b) => Divide(new DoubleDouble(a, 0.0), new DoubleDouble(b, 0.0));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleDouble Divide(DoubleDouble a, double b) => Divide(a, new DoubleDouble(b, 0.0));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleDouble Inverse(DoubleDouble a) => Divide(One, a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleDouble Floor(DoubleDouble a)
    {
        var hi = Math.Floor(a.Hi);
        var lo = 0.0;
        if (hi == a.Hi)
        {
            // The high word is already an integer, so the low word decides.
            lo = Math.Floor(a.Lo);
            hi = QuickTwoSum(hi, lo, out lo);
        }

        return new DoubleDouble(hi, lo);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleDouble ScaleB(DoubleDouble a, long exponent)
    {
        var e = (int)Math.Clamp(exponent, int.MinValue, int.MaxValue);
        return new DoubleDouble(Math.ScaleB(a.Hi, e), Math.ScaleB(a.Lo, e));
    }

    // Returns b with 0.5 <= |b.Hi| < 1 (or |b.Hi| == 1 with b.Lo of opposite sign) and a = b * 2^exponent.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleDouble Frexp(DoubleDouble a, out long exponent)
    {
        var man = FrexpDouble(a.Hi, out var e);
        var b1 = Math.ScaleB(a.Lo, -e);
        if (Math.Abs(man) == 0.5 && man * b1 < 0)
        {
            man *= 2;
            b1 *= 2;
            e -= 1;
        }

        exponent = e;
        return new DoubleDouble(man, b1);
    }

    private static double FrexpDouble(double x, out int exponent)
    {
        if (x == 0 || !double.IsFinite(x))
        {
            exponent = 0;
            return x;
        }

        var bits = BitConverter.DoubleToInt64Bits(x);
        var biased = (int)((bits >> 52) & 0x7FF);
        var adjust = 0;
        if (biased == 0)
        {
            // Subnormal: normalise first.
            x *= 18014398509481984.0; // 2^54
            bits = BitConverter.DoubleToInt64Bits(x);
            biased = (int)((bits >> 52) & 0x7FF);
            adjust = -54;
        }

        exponent = biased - 1022 + adjust;
        bits = (bits & ~(0x7FFL << 52)) | (1022L << 52);
        return BitConverter.Int64BitsToDouble(bits);
    }
}
