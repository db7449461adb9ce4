using System.Text;

namespace DriftJobs.Cli.Tests.Fakes;

/// <summary>
/// A thread-safe TextWriter for a command's output: tests read what was written so far while the command still
/// runs, and can wait for a given line to appear.
/// </summary>
internal sealed class LineWriter : TextWriter
{
    private readonly object gate = new();
    private readonly StringBuilder text = new();
    private readonly List<(string Fragment, TaskCompletionSource Seen)> waiters = [];

    public override Encoding Encoding => Encoding.UTF8;

    public string Text
    {
        get
        {
            lock (gate)
            {
                return text.ToString();
            }
        }
    }

    public string[] Lines => Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override void Write(char value)
    {
        lock (gate)
        {
            text.Append(value);
            if (value == '\n')
            {
                var current = text.ToString();
                foreach (var waiter in waiters.Where(w => current.Contains(w.Fragment, StringComparison.Ordinal)).ToList())
                {
                    waiter.Seen.TrySetResult();
                    waiters.Remove(waiter);
                }
            }
        }
    }

    public override void Write(string? value)
    {
        foreach (var c in value ?? string.Empty)
        {
            Write(c);
        }
    }

    /// <summary>Completes once a written line contains the fragment.</summary>
    public Task WaitForAsync(string fragment)
    {
        lock (gate)
        {
            if (text.ToString().Contains(fragment, StringComparison.Ordinal))
            {
                return Task.CompletedTask;
            }

            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            waiters.Add((fragment, seen));
            return seen.Task;
        }
    }

    public override string ToString() => Text;
}
