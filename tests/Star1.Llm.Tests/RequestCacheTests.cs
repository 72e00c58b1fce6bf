using Microsoft.Data.Sqlite;
using Star1.Llm.Cache;

namespace Star1.Llm.Tests;

public class RequestCacheTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "star1-cache-" + Guid.NewGuid().ToString("N"));
    private readonly List<string> _warnings = [];

    private RequestCache Open(long memory = 0) => new(_folder, _warnings.Add, memory);

    private static ChatRequest Request(string user = "hi", GenerationSettings? settings = null) =>
        new([ChatMessage.System("sys"), ChatMessage.User(user)], settings ?? new GenerationSettings { Model = "m", Temperature = 0.6 });

    private static readonly ChatAnswer Answer = new() { Content = "fine", Reasoning = "think", FinishReason = "stop", InputTokens = 3, OutputTokens = 4 };

    [Fact]
    public void The_key_changes_with_everything_that_decides_an_answer()
    {
        var baseKey = RequestKey.Compute("p", Request(), 0);
        var variants = new[]
        {
            RequestKey.Compute("q", Request(), 0),
            RequestKey.Compute("p", Request(), 1),
            RequestKey.Compute("p", Request("hi "), 0),
            RequestKey.Compute("p", new ChatRequest([ChatMessage.User("sys"), ChatMessage.User("hi")], Request().Settings), 0),
            RequestKey.Compute("p", new ChatRequest([ChatMessage.User("hi")], Request().Settings), 0),
            RequestKey.Compute("p", Request(settings: new GenerationSettings { Model = "m2", Temperature = 0.6 }), 0),
            RequestKey.Compute("p", Request(settings: new GenerationSettings { Model = "m", Temperature = 0.61 }), 0),
            RequestKey.Compute("p", Request(settings: new GenerationSettings { Model = "m" }), 0),
            RequestKey.Compute("p", Request(settings: new GenerationSettings { Model = "m", Temperature = 0.6, TopP = 1 }), 0),
            RequestKey.Compute("p", Request(settings: new GenerationSettings { Model = "m", Temperature = 0.6, MaxTokens = 10 }), 0),
            RequestKey.Compute("p", Request(settings: new GenerationSettings { Model = "m", Temperature = 0.6, MaxCompletionTokens = 10 }), 0),
            RequestKey.Compute("p", Request(settings: new GenerationSettings { Model = "m", Temperature = 0.6, Seed = 0 }), 0),
            RequestKey.Compute("p", Request(settings: new GenerationSettings { Model = "m", Temperature = 0.6, RepetitionPenalty = 1.2 }), 0),
            RequestKey.Compute("p", Request(settings: new GenerationSettings { Model = "m", Temperature = 0.6, RepetitionPenalty = 1.0 }), 0),
        };
        Assert.Equal(variants.Length + 1, variants.Append(baseKey).Distinct().Count());
        Assert.Equal(baseKey, RequestKey.Compute("p", Request(), 0));
        Assert.Matches("^[0-9a-f]{64}$", baseKey);
        // Moving text across a message boundary cannot produce the same key.
        Assert.NotEqual(
            RequestKey.Compute("p", new ChatRequest([ChatMessage.User("a;content:1:b"), ChatMessage.User("c")], Request().Settings), 0),
            RequestKey.Compute("p", new ChatRequest([ChatMessage.User("a"), ChatMessage.User("b;content:1:c")], Request().Settings), 0));
        // Pinned: a change of the key's text re-asks every cached request, so it must be deliberate (bump its format).
        // The value is SHA-256 of this text, computed independently (Python's hashlib):
        // format:19:star1-llm-request/1;provider:1:p;model:1:m;messages:1:2;role:6:system;content:3:sys;role:4:user;content:2:hi;
        // temperature:3:0.6;top_p=null;max_tokens=null;max_completion_tokens=null;seed=null;attempt:1:0;
        Assert.Equal("f1a92cf10a3de9f8576f1659a30df7ebbaf85310e1c89353c40de312520c2792", baseKey);
    }

    [Fact]
    public void Answers_round_trip_and_survive_reopening()
    {
        using (var cache = Open())
        {
            cache.Put("k1", Answer);
            cache.Put("k2", Answer with { Reasoning = null, FinishReason = "length" });
        }
        using var again = Open(memory: 1 << 20);
        Assert.True(again.TryGet("k1", out var a1));
        Assert.Equal(Answer, a1);
        Assert.Equal(Answer with { Reasoning = null, FinishReason = "length" }, again.Peek("k2"));
        Assert.Null(again.Peek("k3"));
        Assert.Equal(["k1"], again.UsedKeys);
    }

    [Fact]
    public void A_malformed_row_is_a_miss_with_a_warning_and_is_replaced()
    {
        using (var cache = Open()) cache.Put("k", Answer);
        using (var db = new SqliteConnection($"Data Source={Path.Combine(_folder, RequestCache.FileName)};Pooling=False"))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "UPDATE answers SET answer = '{\"content\": 5}'";
            cmd.ExecuteNonQuery();
        }
        using var reopened = Open();
        Assert.False(reopened.TryGet("k", out _));
        Assert.Contains(_warnings, w => w.Contains("entry k is malformed (no 'content' string)") && w.Contains(RequestCache.FileName));
        reopened.Put("k", Answer);
        Assert.Equal(Answer, reopened.Peek("k"));
    }

    [Fact]
    public void A_corrupt_file_is_refused_naming_it()
    {
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, RequestCache.FileName);
        File.WriteAllText(path, "this is not a database, just some text that is long enough to have a header page...".PadRight(4096, 'x'));
        var ex = Assert.Throws<InvalidDataException>(() => Open());
        Assert.Contains(path, ex.Message);
        Assert.Contains("corrupt or not a SQLite file", ex.Message);
    }

    [Fact]
    public void A_foreign_sqlite_database_is_refused_naming_it()
    {
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, RequestCache.FileName);
        using (var db = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "CREATE TABLE answers(key TEXT, answer TEXT)";
            cmd.ExecuteNonQuery();
        }
        var ex = Assert.Throws<InvalidDataException>(() => Open());
        Assert.Contains(path, ex.Message);
        Assert.Contains("not a STAR1 request cache (no format mark)", ex.Message);
    }

    [Fact]
    public async Task Two_open_caches_on_one_file_see_each_others_writes()
    {
        using var writer = Open();
        using var reader = Open();
        writer.Put("shared", Answer);
        Assert.Equal(Answer, reader.Peek("shared"));
        var tasks = Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (int i = 0; i < 50; i++)
            {
                (t % 2 == 0 ? writer : reader).Put($"k{t}-{i}", Answer with { OutputTokens = i });
                Assert.NotNull((t % 2 == 0 ? reader : writer).Peek("shared"));
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        Assert.Equal(201, reader.Count());
        Assert.Equal(Answer with { OutputTokens = 49 }, writer.Peek("k1-49"));
    }

    [Fact]
    public void Prune_removes_what_no_kept_run_used_and_a_dry_run_only_counts()
    {
        using (var cache = Open())
            foreach (var k in new[] { "a", "b", "c", "d" }) cache.Put(k, Answer);
        var keep = new HashSet<string> { "a", "c" };
        var dry = RequestCache.Prune(_folder, keep, dryRun: true);
        Assert.Equal(2, dry.Entries);
        Assert.True(dry.Bytes > 2 * 40);
        using (var cache = Open()) Assert.Equal(4, cache.Count());
        Assert.Equal(dry, RequestCache.Prune(_folder, keep, dryRun: false));
        using (var cache = Open())
        {
            Assert.Equal(2, cache.Count());
            Assert.NotNull(cache.Peek("a"));
            Assert.Null(cache.Peek("b"));
        }
        Assert.Equal((0, 0L), RequestCache.Prune(_folder, keep, dryRun: false));
        Assert.Equal((0, 0L), RequestCache.Prune(Path.Combine(_folder, "none"), keep, dryRun: false));
    }

    [Fact]
    public void Prune_matches_the_engines_stage_cache_delegate()
    {
        // Star1.Pipeline.Stages.StageCache takes exactly this delegate type; the method group must convert to it.
        Func<string, IReadOnlySet<string>, bool, (int Entries, long Bytes)> prune = RequestCache.Prune;
        Assert.Equal((0, 0L), prune(_folder, new HashSet<string>(), true));
    }

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
