using Azure.Storage.Blobs;
using DriftJobs.Storage;

namespace DriftJobs.Cli.Simulation;

/// <summary>
/// Decides which predictions get a label and when it arrives (<see cref="LabelArrival"/>), holds the labels until
/// their arrival hour can receive no more, then writes that hour's file. Only labels that arrived before the
/// simulation's end are written: the last hours' labels are still on their way, which is what the delay means.
/// Holding hours rather than the whole run keeps memory at about delay + spread hours of labels.
/// </summary>
internal sealed class GroundTruthDelivery(BlobContainerClient container, StorageLayout layout, SimulationRequest request, Random random)
{
    private readonly LabelArrival _arrival = request.LabelArrival;
    private readonly SortedDictionary<DateTimeOffset, List<GroundTruthLabel>> _pending = [];

    public long Labels { get; private set; }

    public long Files { get; private set; }

    public void Add(string requestId, string label, DateTimeOffset predictedAt)
    {
        // Both draws are made for every prediction, so the share does not change which predictions are duplicated.
        var labelled = random.NextDouble() < _arrival.Share;
        var arrivesAt = predictedAt + _arrival.Delay + (TimeSpan.FromHours(_arrival.SpreadHours) * random.NextDouble());
        var duplicated = random.NextDouble() < _arrival.DuplicateShare;
        if (!labelled)
        {
            return;
        }

        Hold(new GroundTruthLabel(requestId, label, predictedAt, arrivesAt));
        if (duplicated)
        {
            // A source retrying a delivery it thought lost: the same label again, in a later file.
            Hold(new GroundTruthLabel(requestId, label, predictedAt, arrivesAt.AddHours(1)));
        }
    }

    /// <summary>Writes every held arrival hour that starts before <paramref name="time"/>; nothing can arrive in those any more.</summary>
    public async Task FlushBeforeAsync(DateTimeOffset time, CancellationToken cancellationToken = default)
    {
        while (_pending.Count > 0 && _pending.First() is var (hour, labels) && hour < time)
        {
            _pending.Remove(hour);
            using var file = new MemoryStream();
            await GroundTruthWriter.WriteAsync(file, request.ModelName, request.ModelVersion, labels, cancellationToken).ConfigureAwait(false);
            file.Position = 0;
            var blob = layout.SimulatedGroundTruthBlobName(hour, request.ModelName, request.ModelVersion);
            await container.GetBlobClient(blob).UploadAsync(file, overwrite: true, cancellationToken).ConfigureAwait(false);
            Labels += labels.Count;
            Files++;
        }
    }

    private void Hold(GroundTruthLabel label)
    {
        if (label.ArrivesAt >= request.End)
        {
            return;
        }

        var hour = new DateTimeOffset(label.ArrivesAt.UtcTicks - (label.ArrivesAt.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);
        if (!_pending.TryGetValue(hour, out var labels))
        {
            _pending[hour] = labels = [];
        }

        labels.Add(label);
    }
}
