using System.Text.Json;
using Star1.Llm.Cache;
using Star1.Llm.Calling;
using Star1.Llm.Providers;
using Star1.Llm.Testing;

namespace Star1.Llm.Tests;

/// <summary>A fake server, a temporary cache folder and a planted API key in a uniquely named environment variable.</summary>
internal sealed class Harness : IAsyncDisposable
{
    public FakeOpenAiServer Server { get; private set; } = null!;
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "star1-llm-" + Guid.NewGuid().ToString("N"));
    public string KeyVariable { get; } = "STAR1_TEST_KEY_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
    public string Key { get; } = "sk-planted-" + Guid.NewGuid().ToString("N");
    public List<string> Warnings { get; } = [];

    public static async Task<Harness> StartAsync(bool serverChecksKey = false)
    {
        var h = new Harness();
        Environment.SetEnvironmentVariable(h.KeyVariable, h.Key);
        h.Server = await FakeOpenAiServer.StartAsync(serverChecksKey ? h.Key : null);
        return h;
    }

    public OpenAiChatProvider Provider() => new(Server.BaseUrl, KeyVariable);

    public RequestCache Cache(long memoryBytes = 1 << 20) => new(Folder, m => { lock (Warnings) Warnings.Add(m); }, memoryBytes);

    /// <summary>Options that keep tests quick: short backoff and timeout.</summary>
    public static LlmRunOptions Fast(Func<LlmRunOptions, LlmRunOptions>? change = null)
    {
        var o = new LlmRunOptions
        {
            StageName = "Test",
            Concurrency = 4,
            TransportRetries = 3,
            RetryBaseDelay = TimeSpan.FromMilliseconds(5),
            MaxRetryDelay = TimeSpan.FromSeconds(2),
            RequestTimeout = TimeSpan.FromSeconds(10),
            Batch = new LlmBatchOptions { PollInterval = TimeSpan.FromMilliseconds(20) },
        };
        return change is null ? o : change(o);
    }

    public static List<LlmItem> Items(int n, string prefix = "q", GenerationSettings? settings = null) =>
        Enumerable.Range(0, n).Select(i => new LlmItem($"{prefix}{i}", new ChatRequest(
            [ChatMessage.System("classify"), ChatMessage.User($"question {prefix}{i}")],
            settings ?? new GenerationSettings { Model = "gpt-test", MaxCompletionTokens = 100 }))).ToList();

    public static ParseResult<string> Text(ChatAnswer a) => ParseResult<string>.Success(a.Content);

    /// <summary>A strict parser like Classify's: the answer must be a JSON list of strings.</summary>
    public static ParseResult<List<string>> JsonList(ChatAnswer a)
    {
        try
        {
            var list = JsonSerializer.Deserialize<List<string>>(a.Content);
            return list is null ? ParseResult<List<string>>.Failure("null") : ParseResult<List<string>>.Success(list);
        }
        catch (JsonException) { return ParseResult<List<string>>.Failure($"not a JSON list: {a.Content}"); }
    }

    /// <summary>Every byte under the cache folder (the SQLite file, its WAL and shared-memory files).</summary>
    public byte[] FolderBytes() =>
        Directory.Exists(Folder) ? Directory.GetFiles(Folder, "*", SearchOption.AllDirectories).SelectMany(f =>
        {
            using var s = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var m = new MemoryStream();
            s.CopyTo(m);
            return m.ToArray();
        }).ToArray() : [];

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Environment.SetEnvironmentVariable(KeyVariable, null);
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>Progress reported synchronously (Progress&lt;T&gt; posts to the thread pool, too late for assertions).</summary>
internal sealed class ListProgress : IProgress<LlmProgress>
{
    public List<LlmProgress> Reports { get; } = [];
    public void Report(LlmProgress value) { lock (Reports) Reports.Add(value); }
}
