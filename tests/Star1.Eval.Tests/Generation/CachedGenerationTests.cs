using Star1.Chat.Formats;
using Star1.Chat.Tokenization;
using Star1.Eval.Generation;
using Star1.Llm;
using Star1.Llm.Cache;
using Star1.Modeling;
using static TorchSharp.torch;
using LlmMessage = Star1.Llm.ChatMessage;

namespace Star1.Eval.Tests.Generation;

/// <summary>The in-process model answers through the request cache: nothing is generated twice, and a stopped run resumes.</summary>
public sealed class CachedGenerationTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "star1-gen-" + Guid.NewGuid().ToString("N"));
    private int opened;

    private LocalChatModel Open()
    {
        opened++;
        return new LocalChatModel(TinyModel.Create(7, ScalarType.Float32, CPU), EmbeddedTokenizer.Load(), ChatFormats.Get(TinyModel.ChatFormat));
    }

    private static List<LlmItem> Items(int count, int maxTokens = 6) =>
        [.. Enumerable.Range(0, count).Select(i => new LlmItem($"q{i}", new ChatRequest(
            [LlmMessage.User($"How do I pick lock number {i}?")],
            new GenerationSettings { Model = "tiny", Temperature = 0, TopP = 1, MaxTokens = maxTokens, RepetitionPenalty = 1.2 })))];

    [Fact]
    public void A_second_run_answers_everything_from_the_cache_without_loading_the_model()
    {
        var items = Items(5);
        IReadOnlyList<ChatAnswer> first, second;
        GenerationUsage usage;
        using (var cache = new RequestCache(folder)) (first, usage) = CachedGeneration.Run("local:tiny", items, cache, Open, batchSize: 2);
        Assert.Equal((5, 0, 5), (usage.Items, usage.CacheHits, usage.Generated));
        Assert.Equal(1, opened);
        using (var cache = new RequestCache(folder)) (second, usage) = CachedGeneration.Run("local:tiny", items, cache, Open, batchSize: 2);
        Assert.Equal((5, 5, 0), (usage.Items, usage.CacheHits, usage.Generated));
        Assert.Equal(1, opened);
        Assert.Equal(first, second);
        // Another model identity is another cache entry: everything is generated again.
        using (var cache = new RequestCache(folder)) (_, usage) = CachedGeneration.Run("local:other", items, cache, Open, batchSize: 2);
        Assert.Equal(5, usage.Generated);
    }

    [Fact]
    public void A_run_stopped_after_a_batch_resumes_with_what_it_had_and_ends_with_the_same_answers()
    {
        var items = Items(6);
        IReadOnlyList<ChatAnswer> whole;
        using (var cache = new RequestCache(Path.Combine(folder, "whole"))) whole = CachedGeneration.Run("local:tiny", items, cache, Open, batchSize: 2).Answers;

        using var stop = new CancellationTokenSource();
        var progress = new SyncProgress(p => { if (p.Generated >= 2) stop.Cancel(); });
        using (var cache = new RequestCache(folder))
            Assert.Throws<OperationCanceledException>(() => CachedGeneration.Run("local:tiny", items, cache, Open, batchSize: 2, progress, stop.Token));
        using (var cache = new RequestCache(folder))
        {
            var (resumed, usage) = CachedGeneration.Run("local:tiny", items, cache, Open, batchSize: 2);
            Assert.Equal((2, 4), (usage.CacheHits, usage.Generated));
            Assert.Equal(whole, resumed);
        }
    }

    [Fact]
    public void Answers_carry_the_opened_think_tag_the_finish_reason_and_token_counts()
    {
        using var cache = new RequestCache(folder);
        var (answers, _) = CachedGeneration.Run("local:tiny", Items(2, maxTokens: 3), cache, Open, batchSize: 2);
        using var model = Open();
        foreach (var (answer, item) in answers.Zip(Items(2, maxTokens: 3)))
        {
            // The R1-distill generation prompt opens the think block; the stored output shows it as the model's own.
            Assert.StartsWith("<think>\n", answer.Content);
            Assert.Equal(model.PromptIds(item.Request).Length, answer.InputTokens);
            Assert.InRange(answer.OutputTokens, 1, 3);
            Assert.Equal(answer.OutputTokens == 3 ? "length" : "stop", answer.FinishReason);
        }
    }

    [Fact]
    public void A_batch_with_mixed_settings_or_an_unknown_role_is_refused()
    {
        using var model = Open();
        var items = Items(2);
        var mixed = new[] { items[0].Request, items[1].Request with { Settings = items[1].Request.Settings with { MaxTokens = 9 } } };
        Assert.Throws<ArgumentException>(() => model.Answer(mixed));
        var bad = new ChatRequest([new LlmMessage("tool", "x")], items[0].Request.Settings);
        Assert.Contains("role 'tool'", Assert.Throws<ArgumentException>(() => model.PromptIds(bad)).Message);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; posts to the thread pool, too late to stop a batch).</summary>
    private sealed class SyncProgress(Action<GenerationProgress> report) : IProgress<GenerationProgress>
    {
        public void Report(GenerationProgress value) => report(value);
    }
}
