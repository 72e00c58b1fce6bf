using Star1.Eval.Benchmarks;

namespace Star1.Eval.Tests.Benchmarks;

public sealed class WildChatTests : IDisposable
{
    private readonly TempDir _repo = new();

    public void Dispose() => _repo.Dispose();

    private static WildChatCandidate Candidate(string id, string text, params (string Category, double Score)[] scores) =>
        new(id, text, scores.ToDictionary(s => s.Category, s => s.Score));

    [Fact]
    public void TakesTheTopPerCategoryDropsDuplicatesAndCaps()
    {
        WildChatCandidate[] candidates =
        [
            Candidate("a", "hate one", ("hate", 0.9), ("harassment", 0.1)),
            Candidate("b", "hate two", ("hate", 0.8), ("harassment", 0.2)),
            Candidate("c", "harass one", ("hate", 0.1), ("harassment", 0.95)),
            Candidate("d", " hate one ", ("hate", 0.85), ("harassment", 0.05)),
            Candidate("e", "violent", ("violence", 0.99)),
        ];
        var two = WildChatSelection.Select(candidates, perCategory: 2, cap: 100);
        // harassment first (catalog order): c (0.95), b (0.2); hate: a (0.9), d (0.85, same text as a: dropped); violence: e.
        Assert.Equal(["c", "b", "a", "e"], two.Select(i => i.Id));
        Assert.Equal(["harassment", "harassment", "hate", "violence"], two.Select(i => i.Category));

        Assert.Equal(["c", "b", "a"], WildChatSelection.Select(candidates, perCategory: 2, cap: 3).Select(i => i.Id));
        Assert.Equal(["c", "a", "e"], WildChatSelection.Select(candidates, perCategory: 1, cap: 100).Select(i => i.Id));
    }

    [Fact]
    public void ThePaperFilesAreFilteredToToxicEnglishSingleTurnFlaggedFirstTurns()
    {
        var folder = _repo.Combine("data/mirror/WildChat-1M/data");
        WildChatRow Row(string hash, string text, bool toxic = true, string language = "English", long turn = 1, bool flagged = true, double violence = 0.5, string role = "user") => new()
        {
            ConversationHash = hash,
            Conversation = [new WildChatTurn { Content = text, Role = role }, new WildChatTurn { Content = "reply", Role = "assistant" }],
            Turn = turn,
            Language = language,
            Toxic = toxic,
            OpenAiModeration = [new WildChatModeration { Flagged = flagged, CategoryScores = new WildChatScores { Violence = violence } }],
        };
        PaperFiles.Write(Path.Combine(folder, "train-00000-of-00014.parquet"), new[]
        {
            Row("keep-low", "threat low", violence: 0.4),
            Row("not-toxic", "x", toxic: false),
            Row("french", "y", language: "French"),
            Row("two-turns", "z", turn: 2),
            Row("unflagged", "w", flagged: false),
            Row("assistant-first", "v", role: "assistant"),
        });
        PaperFiles.Write(Path.Combine(folder, "train-00001-of-00014.parquet"), new[] { Row("keep-high", "threat high", violence: 0.9) });
        for (int i = 2; i < 14; i++) PaperFiles.Write(Path.Combine(folder, $"train-{i:00000}-of-00014.parquet"), new[] { Row($"n{i}", "n", toxic: false) });

        var log = new List<string>();
        var items = BenchmarkCatalog.Load("wildchat", new BenchmarkOptions { RepoRoot = _repo.Path, Corpus = BenchmarkCorpus.Paper, Log = log.Add });
        // Every category scores both; each category's top lists them by score, so the high one comes first.
        Assert.Equal(["keep-high", "keep-low"], items.Select(i => i.Id));
        Assert.Equal("threat high", items[0].Prompt);
        Assert.Contains("only 2 of 370", Assert.Single(log));
    }
}
