using DriftJobs.Core.Profiles;

namespace DriftJobs.Detector.Profiles;

/// <summary>
/// What reading one stored hour profile needs, reused from hour to hour: its download, its decompressed bytes and the
/// profile its counts go into (with fine grids, megabytes each; new ones per hour left large-object garbage that made
/// the merge's memory grow with the window's hours). Used by one hour at a time.
/// </summary>
internal sealed class ProfileBuffers(BaselineProfile baseline, bool segmented = false)
{
    public WindowProfile Window { get; } = new(baseline, segmented);

    public MemoryStream Download { get; } = new();

    public MemoryStream Decompressed { get; } = new();

    /// <summary>The downloaded blob's bytes.</summary>
    public ReadOnlyMemory<byte> Downloaded => Download.GetBuffer().AsMemory(0, (int)Download.Length);
}
