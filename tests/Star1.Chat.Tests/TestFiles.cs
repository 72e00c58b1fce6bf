using System.Text.Json;
using System.Text.RegularExpressions;
using Star1.Chat.Tokenization;

namespace Star1.Chat.Tests;

/// <summary>The fixtures, and an independent way to look ids up in the tiny tokenizer's vocabulary.</summary>
internal static partial class TestFiles
{
    public static string TinyFolder => Path.Combine(AppContext.BaseDirectory, "Fixtures", "tiny");
    public static string TinyJson => Path.Combine(TinyFolder, "tokenizer.json");

    public static HfTokenizer Tiny() => HfTokenizer.Load(TinyFolder);

    private static readonly Lazy<Dictionary<string, int>> TinyVocab = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(TinyJson));
        var vocab = doc.RootElement.GetProperty("model").GetProperty("vocab").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        foreach (var a in doc.RootElement.GetProperty("added_tokens").EnumerateArray()) vocab[a.GetProperty("content").GetString()!] = a.GetProperty("id").GetInt32();
        return vocab;
    });

    /// <summary>Ids of hand-written tokens, looked up in the fixture's JSON (not through the tokenizer).</summary>
    public static int[] Ids(params string[] tokens) => [.. tokens.Select(t => TinyVocab.Value.TryGetValue(t, out var id) ? id : throw new KeyNotFoundException($"'{t}' is not in the tiny vocabulary"))];

    [GeneratedRegex(@"<｜[^｜]+｜>|<\|[a-z_]+\|>|</?think>|\s+|\w+|[^\w\s]")]
    private static partial Regex Pieces();

    /// <summary>The tiny tokenizer's rule done by hand on a hand-rendered text: special tokens first, then
    /// whitespace runs, word runs and single marks, each looked up in the vocabulary.</summary>
    public static int[] IdsOfText(string text) => Ids([.. Pieces().Matches(text).Select(m => m.Value)]);

    /// <summary>The repository root (the folder with STAR1.sln), for tests about files the repository ships.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "STAR1.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("no STAR1.sln above the test's folder");
    }

    public static string TempFolder()
    {
        var dir = Path.Combine(Path.GetTempPath(), "star1-chat-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
