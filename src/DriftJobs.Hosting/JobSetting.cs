namespace DriftJobs.Hosting;

/// <summary>
/// One job setting: an environment variable (the Kubernetes way) and the same as a command-line option,
/// its name lowercased with dashes (MODEL_NAME ↔ --model-name).
/// </summary>
internal sealed record JobSetting(string Name, string Description, bool IsFlag = false)
{
    public string Option => "--" + Name.ToLowerInvariant().Replace('_', '-');
}
