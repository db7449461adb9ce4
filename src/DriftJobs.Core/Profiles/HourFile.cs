namespace DriftJobs.Core.Profiles;

/// <summary>A log file of an hour as listed: a late, deleted or rewritten file changes an hour's list of these.</summary>
internal sealed record HourFile(string Name, long Size, string ETag);
