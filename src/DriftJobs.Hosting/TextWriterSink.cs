using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace DriftJobs.Hosting;

/// <summary>
/// Writes events to the job's output writer (stdout in production, a captured writer in tests) — Serilog's
/// console sink only writes to the process console.
/// </summary>
internal sealed class TextWriterSink(ITextFormatter formatter, TextWriter output) : ILogEventSink
{
    private readonly Lock _gate = new();

    public void Emit(LogEvent logEvent)
    {
        lock (_gate)
        {
            formatter.Format(logEvent, output);
            output.Flush();
        }
    }
}
