namespace DriftJobs.Testing;

/// <summary>
/// A new, empty folder under the system's temp folder, deleted with everything in it on dispose:
/// <c>using var spill = TempDirectory.Create("logger-spill-");</c> instead of a try/finally around each test.
/// Declare it before what writes into it, so that is disposed (and done writing) first.
/// </summary>
public sealed class TempDirectory : IDisposable
{
    private TempDirectory(DirectoryInfo directory) => Info = directory;

    public DirectoryInfo Info { get; }

    public string FullName => Info.FullName;

    public static TempDirectory Create(string prefix) => new(Directory.CreateTempSubdirectory(prefix));

    public void Dispose()
    {
        if (Directory.Exists(FullName))
        {
            Directory.Delete(FullName, recursive: true);
        }
    }
}
