
namespace DriftJobs.Hosting;

/// <summary>
/// Turns <c>--model-name x</c>, <c>--model-name=x</c> and flags such as <c>--force</c> into configuration keys
/// named like the environment variables, so both spellings bind to the same options. An unknown option is a
/// configuration error: a typo must not silently run with a default.
/// </summary>
internal static class JobCommandLine
{
    public static Dictionary<string, string?> Parse(IReadOnlyList<string> args, IReadOnlyList<JobSetting> settings)
    {
        var byOption = settings.ToDictionary(s => s.Option, StringComparer.Ordinal);
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var option = equals > 0 ? arg[..equals] : arg;
            if (!byOption.TryGetValue(option, out var setting))
            {
                throw new SettingException(arg, $"Unknown option '{arg}'. Options: {string.Join(", ", settings.Select(s => s.Option))}.");
            }

            if (setting.IsFlag)
            {
                values[setting.Name] = equals > 0 ? arg[(equals + 1)..] : "true";
            }
            else if (equals > 0)
            {
                values[setting.Name] = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                values[setting.Name] = args[++i];
            }
            else
            {
                throw new SettingException(setting.Name, $"Option {setting.Option} needs a value.");
            }
        }

        return values;
    }

    public static string Help(string job, string summary, IReadOnlyList<JobSetting> settings)
    {
        var lines = settings.Select(s => $"  {(s.Option + (s.IsFlag ? "" : " <value>")),-28} {s.Name,-32} {s.Description}");
        return $"{job}: {summary}\n\nEvery setting is an environment variable or the matching option:\n{string.Join('\n', lines)}\n\n" +
            "Exit codes: 0 ran, 1 failure worth retrying, 2 configuration or input error.\n";
    }
}
