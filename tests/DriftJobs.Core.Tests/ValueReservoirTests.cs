using DriftJobs.Core.Profiles;

namespace DriftJobs.Core.Tests;

public class ValueReservoirTests
{
    /// <summary>The reservoir as it was before values were taken a span at a time: one value, one step.</summary>
    private sealed class OneAtATime(int capacity, SampleRandom random)
    {
        private readonly double[] _values = new double[capacity];
        private int _count;
        private long _seen;
        private SampleRandom _random = random;
        private double _w;
        private long _nextReplacement;

        public void Add(double value)
        {
            _seen++;
            if (_count < capacity)
            {
                _values[_count++] = value;
                if (_count == capacity)
                {
                    _w = Math.Exp(Math.Log(_random.NextOpenUnit()) / capacity);
                    _nextReplacement = _seen + Skip();
                }

                return;
            }

            if (_seen == _nextReplacement)
            {
                _values[_random.NextInt(capacity)] = value;
                _w *= Math.Exp(Math.Log(_random.NextOpenUnit()) / capacity);
                _nextReplacement = _seen + Skip();
            }
        }

        public double[] ToSortedArray()
        {
            var sorted = _values.AsSpan(0, _count).ToArray();
            Array.Sort(sorted);
            return sorted;
        }

        private long Skip()
        {
            var skip = Math.Floor(Math.Log(_random.NextOpenUnit()) / Math.Log(1 - _w)) + 1;
            return skip >= long.MaxValue / 2 || double.IsNaN(skip) ? long.MaxValue / 2 : (long)skip;
        }
    }

    [Theory]
    [InlineData(10_000, 5_000)]
    [InlineData(10_000, 10_000)]
    [InlineData(10_000, 250_000)]
    [InlineData(70_000, 65_536)]
    [InlineData(70_000, 400_000)]
    [InlineData(200_000, 1_000_000)]
    public void Spans_of_any_length_give_the_sample_of_one_value_at_a_time(int capacity, int count)
    {
        var random = new Random(capacity + count);
        var values = TestData.Normal(random, count);
        var reference = new OneAtATime(capacity, SampleRandom.ForFeature("x"));
        foreach (var value in values)
        {
            reference.Add(value);
        }

        var spans = new ValueReservoir(capacity, SampleRandom.ForFeature("x"));
        for (var offset = 0; offset < values.Length;)
        {
            // Lengths from 0 (an empty run between two missing values) to longer than a storage chunk.
            var length = Math.Min(random.Next(4) == 0 ? random.Next(0, 3) : random.Next(1, 100_000), values.Length - offset);
            spans.Add(values.AsSpan(offset, length));
            offset += length;
        }

        Assert.Equal(reference.ToSortedArray(), spans.ToSortedArray());
        Assert.Equal(count, spans.Seen);
        Assert.Equal(count <= capacity, spans.IsComplete);
    }
}
