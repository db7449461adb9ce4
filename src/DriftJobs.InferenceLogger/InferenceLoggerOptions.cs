namespace DriftJobs.InferenceLogger;

/// <summary>
/// Settings of the inference logger, bound from the configuration section <see cref="SectionName"/> and validated
/// when the host (or <see cref="InferenceLoggerBuilder.Build"/>) starts.
/// </summary>
public sealed class InferenceLoggerOptions
{
    /// <summary>The configuration section the options are bound from: <c>InferenceLogger</c>.</summary>
    public const string SectionName = "InferenceLogger";

    /// <summary>The default <see cref="LogsRoot"/>: <c>inference-logs</c>.</summary>
    public const string DefaultLogsRoot = "inference-logs";

    /// <summary>
    /// The blob prefix every file goes under, e.g. <c>inference-logs</c>: files are named
    /// <c>{LogsRoot}/year=YYYY/month=MM/day=DD/hour=HH/{model}-{version}-{instance}-{yyyyMMddTHHmmss}-{seq}.parquet</c>.
    /// One or more <c>/</c>-separated segments of <c>[A-Za-z0-9._=-]</c>.
    /// </summary>
    public string LogsRoot { get; set; } = DefaultLogsRoot;

    /// <summary>The default <see cref="GroundTruthRoot"/>: <c>ground-truth</c>.</summary>
    public const string DefaultGroundTruthRoot = "ground-truth";

    /// <summary>
    /// The blob prefix of the ground-truth files <see cref="IInferenceLogger.TryLogOutcome"/> writes, e.g.
    /// <c>ground-truth</c>: named like the log files under it, partitioned by the hour each outcome was logged. The
    /// same rules as <see cref="LogsRoot"/>, and neither may lie inside the other.
    /// </summary>
    public string GroundTruthRoot { get; set; } = DefaultGroundTruthRoot;

    /// <summary>
    /// This process's name in file names, so replicas never write the same file. Defaults to the machine name
    /// (the pod name on Kubernetes) with characters outside <c>[A-Za-z0-9._-]</c> replaced by <c>-</c>;
    /// when set, it must be 1–63 characters from <c>[A-Za-z0-9._-]</c>, not <c>.</c> or <c>..</c>.
    /// </summary>
    public string? InstanceId { get; set; }

    /// <summary>
    /// The feature schema, feature name to kind, declared once: one Parquet column per feature, in ordinal order
    /// of the names. Record features are matched by exact (ordinal, case-sensitive) name and conformed to the
    /// schema when written, in the background; nothing is thrown at the caller:
    /// <list type="bullet">
    /// <item><description>a feature the schema does not declare is ignored (counted in <c>features.unknown</c>, and
    /// logged once per name);</description></item>
    /// <item><description>a declared feature the record lacks is written as null (counted in
    /// <c>values.missing</c>);</description></item>
    /// <item><description>a number for a string feature is written as its invariant round-trip text; a string for a
    /// number feature is parsed as an invariant number (both counted in <c>values.coerced</c>);</description></item>
    /// <item><description>a string that does not parse as a number, NaN and infinities are written as null (counted
    /// in <c>values.nulled</c>).</description></item>
    /// </list>
    /// The same rules apply to the prediction and its <see cref="PredictionKind"/>. Names must not repeat ignoring
    /// case, nor be one of the fixed columns (<c>timestamp</c>, <c>request_id</c>, <c>model_name</c>,
    /// <c>model_version</c>, <c>prediction</c>, <c>prediction_score</c>).
    /// </summary>
    public IDictionary<string, ValueKind> Features { get; } = new Dictionary<string, ValueKind>(StringComparer.Ordinal);

    /// <summary>The kind of the <c>prediction</c> column, and of the ground-truth files' <c>label</c> column (default <see cref="ValueKind.Number"/>).</summary>
    public ValueKind PredictionKind { get; set; } = ValueKind.Number;

    /// <summary>
    /// The most records held in memory, queued or being written, predictions and outcomes together (default
    /// 100,000). When it is reached, <see cref="IInferenceLogger.TryLog"/> and
    /// <see cref="IInferenceLogger.TryLogOutcome"/> drop new records and return <see langword="false"/>: the
    /// gateway's latency is worth more than one record.
    /// </summary>
    public int BufferCapacity { get; set; } = 100_000;

    /// <summary>
    /// Records per write, predictions and outcomes together: a batch is written as soon as it has this many (default
    /// 10,000; at most <see cref="BufferCapacity"/>).
    /// </summary>
    public int BatchSize { get; set; } = 10_000;

    /// <summary>The longest time between writes while records are waiting (default 30 seconds).</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long stopping may take to write what is buffered (default 20 seconds, inside Kubernetes' 30-second
    /// termination grace period). Records still unwritten then are spilled (with <see cref="SpillDirectory"/>) or
    /// lost, and counted in <c>records.lost</c>.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Optional local folder for files that cannot be uploaded: they are written there and uploaded when storage
    /// returns, also by the next process that uses the same folder (mount a volume that outlives the pod). Use
    /// one folder per logger.
    /// </summary>
    public string? SpillDirectory { get; set; }

    /// <summary>
    /// The most bytes kept in <see cref="SpillDirectory"/> (default 1 GiB). Beyond it, files wait in memory
    /// (within <see cref="BufferCapacity"/>) instead.
    /// </summary>
    public long SpillDirectoryMaxBytes { get; set; } = 1L << 30;

    /// <summary>
    /// The longest one upload may take, the Azure SDK's own retries inside it included (default 10 seconds). An
    /// upload that has not finished by then is cancelled and counts as a failure: storage is taken to be down, the
    /// file is spilled (with <see cref="SpillDirectory"/>) and the logger backs off. It bounds how late an outage is
    /// noticed whatever retry policy the container client has (the SDK's default retries a refused connection for
    /// ~25 seconds). Keep it well above the time one file takes to upload (a 10,000-record file is ~1 MB).
    /// </summary>
    public TimeSpan UploadTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The logger's first wait after a failed upload (default 1 second); each further failure doubles it, up to
    /// <see cref="MaxRetryDelay"/>, with ±20 % jitter.
    /// </summary>
    public TimeSpan MinRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest wait between upload attempts while storage is down (default 30 seconds). Recovery does not wait
    /// for it: while storage is down a cheap probe (the container's properties) runs every 2 seconds, and the first
    /// answer starts uploads again at once.
    /// </summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    // How often storage is probed while down. Not a setting: 2 s notices a return quickly at the price of one
    // small request; tests shorten it.
    internal TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(2);
}
