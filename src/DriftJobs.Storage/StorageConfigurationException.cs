namespace DriftJobs.Storage;

/// <summary>
/// A storage setting is missing or malformed. The message names the setting; it never quotes a secret value.
/// </summary>
internal sealed class StorageConfigurationException : Exception
{
    public StorageConfigurationException()
    {
    }

    public StorageConfigurationException(string message)
        : base(message)
    {
    }

    public StorageConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
