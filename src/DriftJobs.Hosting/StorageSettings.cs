using DriftJobs.Storage;

namespace DriftJobs.Hosting;

/// <summary>The storage settings every job shares (bound to <see cref="StorageOptions"/>).</summary>
internal static class StorageSettings
{
    public static JobSetting Container { get; } = new(StorageOptions.ContainerSetting, "blob container") { Default = StorageOptions.DefaultContainer };

    public static JobSetting LogsPrefix { get; } = new(StorageOptions.LogsPrefixSetting, "root of the hour-partitioned logs") { Default = StorageOptions.DefaultLogsPrefix };

    public static JobSetting GroundTruthPrefix { get; } =
        new(StorageOptions.GroundTruthPrefixSetting, "root of the hour-partitioned ground truth (labels, by arrival hour)") { Default = StorageOptions.DefaultGroundTruthPrefix };

    public static JobSetting ConnectionString { get; } =
        new(StorageOptions.ConnectionStringSetting, "storage connection string (development; prefer the account URL)") { IsSecret = true };

    public static JobSetting AccountUrl { get; } = new(StorageOptions.AccountUrlSetting, "storage account URL, authenticated with DefaultAzureCredential");
}
