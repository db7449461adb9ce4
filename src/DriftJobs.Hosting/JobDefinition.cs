namespace DriftJobs.Hosting;

/// <summary>A job's name, one-line summary and settings: what <c>--help</c> prints and the command line accepts.</summary>
internal sealed record JobDefinition(string Name, string Summary, IReadOnlyList<JobSetting> Settings);

/// <summary>The work of a job; returns its exit code. Failures are thrown and mapped by <see cref="JobHost"/>.</summary>
internal interface IJob
{
    Task<int> RunAsync(CancellationToken cancellationToken = default);
}

/// <summary>Where a job prints what people read (the summary) and its JSON log events; tests capture it.</summary>
internal sealed record JobOutput(TextWriter Writer);
