using System.Text.Json;
using DriftJobs.Core.Performance;

namespace DriftJobs.Core.Tests.Performance;

public sealed class PageHinkleyTests
{
    private static readonly PageHinkleyParameters Parameters = new(Delta: 0.005, Lambda: 0.5, MinInstances: 24);

    [Fact]
    public void A_stationary_error_rate_raises_no_alarm()
    {
        var (alarms, _) = Run(Series(seed: 1, length: 5000, stepAt: int.MaxValue));
        Assert.Empty(alarms);
    }

    [Fact]
    public void A_step_up_raises_an_alarm_within_a_few_hours_and_not_before()
    {
        const int step = 700;
        var (alarms, _) = Run(Series(seed: 2, length: 1000, stepAt: step));
        Assert.NotEmpty(alarms);
        // A rise of 0.1 climbs ~0.09 a step above the minimum: λ = 0.5 is crossed in about 6 steps.
        Assert.InRange(alarms[0], step, step + 10);
    }

    [Fact]
    public void A_step_down_raises_no_alarm()
    {
        var series = Series(seed: 3, length: 1000, stepAt: 500).Select(x => 0.2 - x).ToArray();
        Assert.Empty(Run(series).Alarms);
    }

    [Fact]
    public void The_state_follows_the_non_incremental_definition()
    {
        var series = Series(seed: 4, length: 300, stepAt: 200);
        var (_, state) = Run(series);
        double sum = 0, minimum = double.PositiveInfinity, total = 0;
        for (var t = 0; t < series.Length; t++)
        {
            total += series[t];
            sum += series[t] - (total / (t + 1)) - Parameters.Delta;
            minimum = Math.Min(minimum, sum);
        }

        Assert.Equal(series.Length, state.Count);
        Assert.Equal(series.Average(), state.Mean, 1e-12);
        Assert.Equal(sum, state.Sum, 1e-9);
        Assert.Equal(minimum, state.Minimum, 1e-9);
    }

    [Fact]
    public void Resuming_from_serialized_state_equals_running_straight_through()
    {
        var series = Series(seed: 5, length: 800, stepAt: 600);
        var (straightAlarms, straightState) = Run(series);
        Assert.NotEmpty(straightAlarms);

        // One run an hour: each stores its state as JSON and the next starts from what it reads back.
        var json = JsonSerializer.Serialize(PageHinkleyState.Initial);
        var alarms = new List<int>();
        for (var t = 0; t < series.Length; t++)
        {
            var (state, alarm) = PageHinkley.Update(JsonSerializer.Deserialize<PageHinkleyState>(json)!, series[t], Parameters);
            if (alarm)
            {
                alarms.Add(t);
            }

            json = JsonSerializer.Serialize(state);
        }

        Assert.Equal(straightAlarms, alarms);
        Assert.Equal(straightState, JsonSerializer.Deserialize<PageHinkleyState>(json));
    }

    [Fact]
    public void Parameters_and_values_are_checked()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PageHinkleyParameters(-0.1, 1).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new PageHinkleyParameters(0.1, 0).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new PageHinkleyParameters(0.1, 1, 0).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => PageHinkley.Update(PageHinkleyState.Initial, double.NaN, Parameters));
    }

    // Hourly error rates around 5 % (±1 %), rising to 15 % from stepAt on.
    private static double[] Series(int seed, int length, int stepAt)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, length).Select(t => (t >= stepAt ? 0.15 : 0.05) + ((random.NextDouble() - 0.5) * 0.035))];
    }

    private static (List<int> Alarms, PageHinkleyState State) Run(double[] series)
    {
        var state = PageHinkleyState.Initial;
        var alarms = new List<int>();
        for (var t = 0; t < series.Length; t++)
        {
            (state, var alarm) = PageHinkley.Update(state, series[t], Parameters);
            if (alarm)
            {
                alarms.Add(t);
            }
        }

        return (alarms, state);
    }
}
