using System.Globalization;
using Star1.Llm.Calling;
using Star1.Pipeline.Stages;

namespace Star1.Build.Tasks.Llm;

/// <summary>Request progress as step lines with tokens and cost; the reporter adds rate and ETA.</summary>
internal sealed class LlmProgressLines(StageContext stage) : IProgress<LlmProgress>
{
    private readonly Lock gate = new();
    private LlmProgress? last;

    /// <summary>The latest counts, for a run that stops before it returns its own.</summary>
    public LlmProgress? Last { get { lock (gate) return last; } }

    public void Report(LlmProgress p)
    {
        lock (gate)
        {
            // Reports can arrive out of order from parallel items: keep the furthest.
            if (last is null || p.Done >= last.Value.Done) last = p;
        }
        stage.Reporter.Progress(stage.StageName, "requests", p.Done, p.Total,
            $"{p.CacheHits} cached, {p.RequestsSent} sent, {p.InputTokens + p.OutputTokens} tokens, ${p.Cost.ToString("0.####", CultureInfo.InvariantCulture)}");
    }
}
