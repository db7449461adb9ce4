namespace DriftJobs.Cli;

/// <summary>
/// What a command writes to and what time it reads. Tests pass StringWriters, a fake clock and a short poll
/// interval; the real program passes the console.
/// </summary>
internal sealed record CliRuntime(TextWriter Output, TextWriter Error, TimeProvider Time)
{
    /// <summary>How often a followed Job and its pods are polled.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    public static CliRuntime FromConsole() => new(Console.Out, Console.Error, TimeProvider.System);
}
