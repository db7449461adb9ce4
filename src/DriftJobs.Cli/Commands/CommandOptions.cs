using System.CommandLine;
using DriftJobs.Cli.Cluster;

namespace DriftJobs.Cli.Commands;

/// <summary>Options several commands share, built fresh for each command.</summary>
internal static class CommandOptions
{
    /// <summary>The detector CronJob's name when the chart is installed as release "drift-jobs".</summary>
    public const string DefaultCronJob = "drift-jobs-detector";

    public static Option<string> CronJob() => new("--cronjob")
    {
        Description = "Name of the drift detector CronJob (the chart names it <release>-detector)",
        DefaultValueFactory = _ => DefaultCronJob,
        HelpName = "name",
    };

    /// <summary>How long a followed Job may take before driftctl gives up waiting.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromHours(1);

    /// <summary>A duration option ("90s", "30m", "1h30m"); null when not given, so help shows the default readably.</summary>
    public static Option<TimeSpan?> Timeout(string description) => new("--timeout")
    {
        Description = $"{description} (e.g. 90s, 30m, 1h30m) [default: {Durations.Format(DefaultTimeout)}]",
        HelpName = "duration",
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            if (Durations.TryParse(text, out var value))
            {
                return value;
            }

            result.AddError($"--timeout: '{text}' is not a duration such as 90s, 30m or 1h30m");
            return default;
        },
    };
}
