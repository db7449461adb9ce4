namespace DriftJobs.Hosting;

/// <summary>A setting with a bad value: the job exits 2 (configuration error) and names it.</summary>
internal sealed class SettingException(string setting, string message) : Exception(message)
{
    public string Setting { get; } = setting;
}
