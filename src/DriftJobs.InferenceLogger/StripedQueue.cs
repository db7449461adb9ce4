using System.Collections.Concurrent;

namespace DriftJobs.InferenceLogger;

/// <summary>
/// A multi-producer queue with one <see cref="ConcurrentQueue{T}"/> per processor: threads on different cores
/// enqueue without fighting over one tail (with two threads logging flat out, one shared queue made TryLog cost
/// three times what it costs on one thread). Order is kept per processor only; the writer does not need more,
/// since every record carries its own timestamp.
/// </summary>
internal sealed class StripedQueue<T>
{
    private readonly ConcurrentQueue<T>[] _stripes;
    private readonly int _mask;

    // Owned by the single consumer: where the next TryDequeue starts looking.
    private int _next;

    public StripedQueue()
    {
        var stripes = (int)Math.Min(64, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Environment.ProcessorCount));
        _stripes = new ConcurrentQueue<T>[stripes];
        for (var i = 0; i < stripes; i++)
        {
            _stripes[i] = new ConcurrentQueue<T>();
        }

        _mask = stripes - 1;
    }

    /// <summary>True when every stripe was empty as it was looked at.</summary>
    public bool IsEmpty
    {
        get
        {
            foreach (var stripe in _stripes)
            {
                if (!stripe.IsEmpty)
                {
                    return false;
                }
            }

            return true;
        }
    }

    public void Enqueue(T item) => _stripes[Thread.GetCurrentProcessorId() & _mask].Enqueue(item);

    /// <summary>Takes from the stripe it last took from, moving on when that one is empty (single consumer only).</summary>
    public bool TryDequeue(out T item)
    {
        for (var tried = 0; tried <= _mask; tried++)
        {
            if (_stripes[_next].TryDequeue(out item!))
            {
                return true;
            }

            _next = (_next + 1) & _mask;
        }

        item = default!;
        return false;
    }
}
