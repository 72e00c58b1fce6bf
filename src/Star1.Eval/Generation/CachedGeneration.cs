using Star1.Llm;
using Star1.Llm.Cache;

namespace Star1.Eval.Generation;

/// <summary>How far a cached generation run is: items done of all, how many came from the cache.</summary>
public readonly record struct GenerationProgress(int Done, int Total, int CacheHits, int Generated, long OutputTokens);

/// <summary>The counts of a finished run.</summary>
public sealed record GenerationUsage(int Items, int CacheHits, int Generated, long InputTokens, long OutputTokens);

/// <summary>
/// Answers items with an in-process model through the same request cache the LLM stages and endpoint generation
/// use (same key: the model's identity, the messages, every setting), so a killed evaluation resumes with what it
/// had, a re-judge or a re-grade generates nothing, and an added item generates only itself. Items not in the
/// cache are answered in batches in item order, and each batch is stored as soon as it is done.
/// </summary>
public static class CachedGeneration
{
    public static (IReadOnlyList<ChatAnswer> Answers, GenerationUsage Usage) Run(
        string modelIdentity, IReadOnlyList<LlmItem> items, RequestCache cache, Func<LocalChatModel> open, int batchSize,
        IProgress<GenerationProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var keys = items.Select(i => RequestKey.Compute(modelIdentity, i.Request, 0)).ToList();
        var answers = new ChatAnswer?[items.Count];
        var misses = new List<int>();
        for (var i = 0; i < items.Count; i++)
        {
            if (cache.TryGet(keys[i], out var cached)) answers[i] = cached;
            else misses.Add(i);
        }
        int hits = items.Count - misses.Count, generated = 0;
        long inputTokens = 0, outputTokens = 0;
        progress?.Report(new(hits, items.Count, hits, 0, 0));
        if (misses.Count > 0)
        {
            // Loaded only when something is missing: a fully cached cell never touches the weights.
            using var model = open();
            // A batch shares its settings (the generator takes one set); items keep their order within a group.
            foreach (var group in misses.GroupBy(i => items[i].Request.Settings))
                foreach (var batch in group.Chunk(batchSize))
                {
                    ct.ThrowIfCancellationRequested();
                    var replies = model.Answer([.. batch.Select(i => items[i].Request)]);
                    for (var b = 0; b < batch.Length; b++)
                    {
                        cache.Put(keys[batch[b]], replies[b]);
                        answers[batch[b]] = replies[b];
                        inputTokens += replies[b].InputTokens;
                        outputTokens += replies[b].OutputTokens;
                    }
                    generated += batch.Length;
                    progress?.Report(new(hits + generated, items.Count, hits, generated, outputTokens));
                }
        }
        return ([.. answers.Select(a => a!)], new GenerationUsage(items.Count, hits, generated, inputTokens, outputTokens));
    }
}
