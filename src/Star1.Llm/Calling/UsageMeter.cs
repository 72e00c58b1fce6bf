using System.Diagnostics;

namespace Star1.Llm.Calling;

/// <summary>Thread-safe running totals of a run, for the result and the progress reports.</summary>
internal sealed class UsageMeter(int total, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly long _started = time.GetTimestamp();
    private int _done, _hits, _batchSent;
    private long _input, _output;
    private decimal _cost;

    public void CacheHit() { lock (_gate) _hits++; }

    /// <summary>Requests handed to a Batch API (each line of an input file is one request).</summary>
    public void BatchSent(int requests) { lock (_gate) _batchSent += requests; }

    public void Answered(ChatAnswer answer, decimal cost)
    {
        lock (_gate)
        {
            _input += answer.InputTokens;
            _output += answer.OutputTokens;
            _cost += cost;
        }
    }

    public LlmProgress ItemDone(int attempts)
    {
        lock (_gate)
        {
            _done++;
            return new LlmProgress(_done, total, _hits, attempts + _batchSent, _input, _output, _cost);
        }
    }

    public LlmUsage Usage(int attempts)
    {
        lock (_gate) return new LlmUsage(total, attempts + _batchSent, _hits, _input, _output, _cost, time.GetElapsedTime(_started));
    }

    public decimal Cost { get { lock (_gate) return _cost; } }
}
