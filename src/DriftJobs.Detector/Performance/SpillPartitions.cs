using System.Text;

namespace DriftJobs.Detector.Performance;

/// <summary>
/// <see cref="GroundTruthJoin.FanOut"/> pairs of files (labels, predictions) that rows are written to by a hash of their
/// request id, salted with the split's level so that a partition split again spreads over new partitions.
/// </summary>
internal sealed class SpillPartitions : IDisposable
{
    private readonly BinaryWriter[] _labels;
    private readonly BinaryWriter[] _predictions;
    private readonly int _level;

    public SpillPartitions(string directory, int level)
    {
        Directory.CreateDirectory(directory);
        _level = level;
        Partitions = Enumerable.Range(0, GroundTruthJoin.FanOut).Select(i => new Partition(Path.Combine(directory, i.ToString("D2", System.Globalization.CultureInfo.InvariantCulture)), level)).ToArray();
        _labels = Partitions.Select(p => Writer(p.LabelsFile)).ToArray();
        _predictions = Partitions.Select(p => Writer(p.PredictionsFile)).ToArray();
    }

    public IReadOnlyList<Partition> Partitions { get; }

    public void WriteLabel(Label label, long order)
    {
        var w = _labels[Index(label.RequestId)];
        w.Write(label.RequestId);
        w.Write(order);
        WriteValue(w, label.Text, label.Number);
    }

    public void WritePrediction(Prediction prediction)
    {
        // Predictions without a request id match nothing: they are counted where they are read, never spilled.
        var w = _predictions[Index(prediction.RequestId!)];
        w.Write(prediction.RequestId!);
        w.Write(prediction.Hour);
        WriteValue(w, prediction.Text, prediction.Number);
        w.Write(prediction.Score);
    }

    /// <summary>Closes the files so the partitions can be read.</summary>
    public void Complete()
    {
        foreach (var w in _labels.Concat(_predictions))
        {
            w.Dispose();
        }
    }

    public void Dispose() => Complete();

    private int Index(string requestId) => (int)((uint)HashCode.Combine(_level, StringComparer.Ordinal.GetHashCode(requestId)) % GroundTruthJoin.FanOut);

    private static BinaryWriter Writer(string path) =>
        new(new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16), Encoding.UTF8, leaveOpen: false);

    private static void WriteValue(BinaryWriter w, string? text, double number)
    {
        w.Write(text is not null);
        if (text is not null)
        {
            w.Write(text);
        }
        else
        {
            w.Write(number);
        }
    }

    private static (string? Text, double Number) ReadValue(BinaryReader r) => r.ReadBoolean() ? (r.ReadString(), double.NaN) : (null, r.ReadDouble());

    /// <summary>One partition's two files, read back in the order written.</summary>
    internal sealed class Partition(string path, int level)
    {
        public string Path { get; } = path;

        public int Level { get; } = level;

        public string LabelsFile => Path + ".labels";

        public string PredictionsFile => Path + ".predictions";

        public IEnumerable<(Label Label, long Order)> ReadLabels()
        {
            using var r = Reader(LabelsFile);
            while (r.BaseStream.Position < r.BaseStream.Length)
            {
                var id = r.ReadString();
                var order = r.ReadInt64();
                var (text, number) = ReadValue(r);
                yield return (new Label(id, text, number), order);
            }
        }

        public IEnumerable<Prediction> ReadPredictions()
        {
            using var r = Reader(PredictionsFile);
            while (r.BaseStream.Position < r.BaseStream.Length)
            {
                var id = r.ReadString();
                var hour = r.ReadInt32();
                var (text, number) = ReadValue(r);
                var score = r.ReadDouble();
                yield return new Prediction(id, hour, text, number, score);
            }
        }

        public void Delete()
        {
            File.Delete(LabelsFile);
            File.Delete(PredictionsFile);
        }

        private static BinaryReader Reader(string path) =>
            new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), Encoding.UTF8, leaveOpen: false);
    }
}
