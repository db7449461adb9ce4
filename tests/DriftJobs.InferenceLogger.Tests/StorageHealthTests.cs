using Microsoft.Extensions.Time.Testing;

namespace DriftJobs.InferenceLogger.Tests;

/// <summary>The backoff and probe schedule of <see cref="StorageHealth"/>, on a fake clock.</summary>
public sealed class StorageHealthTests
{
    private static readonly DateTimeOffset Start = new(2025, 5, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Failures_double_the_wait_up_to_the_maximum_within_the_jitter()
    {
        var time = new FakeTimeProvider(Start);
        var jitter = 0.0;
        var health = new StorageHealth(time, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(2), () => jitter);

        var waits = new List<double>();
        for (var i = 0; i < 7; i++)
        {
            health.RecordFailure();
            waits.Add((health.RetryAt - time.GetUtcNow()).TotalSeconds);
        }

        // The lowest jitter (0.8×) of 1, 2, 4, 8, 16, 30, 30 seconds.
        Assert.Equal([0.8, 1.6, 3.2, 6.4, 12.8, 24.0, 24.0], waits.Select(w => Math.Round(w, 6)));

        jitter = 1.0;
        health.RecordFailure();
        Assert.Equal(36.0, Math.Round((health.RetryAt - time.GetUtcNow()).TotalSeconds, 6));
    }

    [Fact]
    public void While_down_a_probe_is_due_every_probe_interval_and_an_answer_makes_the_retry_due_at_once()
    {
        var time = new FakeTimeProvider(Start);
        var health = new StorageHealth(time, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(2), () => 0.5);
        Assert.False(health.ProbeDue);
        Assert.Equal(DateTimeOffset.MaxValue, health.ProbeAt);

        Assert.True(health.RecordFailure());
        Assert.Equal(Start, health.DownSince);
        Assert.Equal(Start.AddSeconds(2), health.NextAttemptAt);
        Assert.False(health.ProbeDue);

        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(health.ProbeDue);
        Assert.False(health.RetryDue);
        health.RecordProbeFailed();
        Assert.False(health.ProbeDue);
        Assert.Equal(Start.AddSeconds(4), health.ProbeAt);

        time.Advance(TimeSpan.FromSeconds(2));
        health.RecordProbeAnswered();
        Assert.True(health.RetryDue);
        Assert.False(health.ProbeDue);

        // Still down until an upload works; the next failure starts over from the minimum, not 60 s.
        Assert.True(health.IsDown);
        Assert.False(health.RecordFailure());
        Assert.Equal(Start.AddSeconds(4 + 30), health.RetryAt);
        Assert.Equal(2, health.Failures);
    }

    [Fact]
    public void A_success_ends_the_outage_with_its_duration_and_resets_the_backoff()
    {
        var time = new FakeTimeProvider(Start);
        var health = new StorageHealth(time, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(2), () => 0.5);
        Assert.Null(health.RecordSuccess());

        health.RecordFailure();
        health.RecordFailure();
        health.RecordFailure();
        time.Advance(TimeSpan.FromSeconds(42));

        Assert.Equal(TimeSpan.FromSeconds(42), health.RecordSuccess());
        Assert.False(health.IsDown);
        Assert.Null(health.DownSince);
        Assert.True(health.RetryDue);

        Assert.True(health.RecordFailure());
        Assert.Equal(1, health.Failures);
        Assert.Equal(time.GetUtcNow().AddSeconds(1), health.RetryAt);
    }
}
