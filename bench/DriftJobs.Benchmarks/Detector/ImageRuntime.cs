namespace DriftJobs.Benchmarks.Detector;

/// <summary>
/// The runtime settings a job's image gives it: the <c>ENV DOTNET_…</c> lines of its Dockerfile's last stage. The
/// suite runs the published job with them, so what it times is what the CronJob runs, and cannot drift from it.
/// </summary>
internal static class ImageRuntime
{
    public static IReadOnlyDictionary<string, string> Settings(string dockerfile)
    {
        var lines = File.ReadAllText(dockerfile).Replace("\\\n", " ", StringComparison.Ordinal).Split('\n').Select(l => l.Trim()).ToList();
        var lastStage = lines.FindLastIndex(l => l.StartsWith("FROM ", StringComparison.Ordinal));
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(lastStage + 1).Where(l => l.StartsWith("ENV DOTNET_", StringComparison.Ordinal)))
        {
            // Only the KEY=value form; the legacy `ENV KEY value` form would be read wrongly, so it is refused.
            var assignment = line[4..].Trim();
            var equals = assignment.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || assignment.Contains(' ', StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{dockerfile}: '{line}' is not one ENV KEY=value; the benchmark reads only that form.");
            }

            settings[assignment[..equals]] = assignment[(equals + 1)..];
        }

        return settings;
    }
}
