using System.Text;
using System.Text.Json;
using Star1.Data.Collect;

namespace Star1.Data.Tests.Funnel;

/// <summary>
/// A tiny reader for the shipped demo corpus (data/demo, layout in its README). The real loaders live
/// elsewhere; this one only has to read the five demo files and two test sets for the funnel tests.
/// </summary>
internal static class DemoCorpus
{
    public static string Root { get; } = FindRoot();

    public static IReadOnlyList<LoadedSource> Sources() =>
    [
        Source("DemoForum", 8, Jsonl("DemoForum/questions.jsonl")),
        Source("DemoRedTeam", 8, CsvFirstColumn("DemoRedTeam/prompts.csv")),
        Source("DemoInstructions", 7, File.ReadAllLines(Path.Combine(Root, "DemoInstructions/instructions.txt")).Where(l => l.Trim().Length > 0).ToList()),
        Source("DemoChatLogs", 6, Jsonl("DemoChatLogs/chats.jsonl")),
        Source("DemoSurvey", 5, Jsonl("DemoSurvey/survey.jsonl")),
    ];

    public static IReadOnlyList<LoadedTestSet> TestSets() =>
    [
        new("DemoBenchA", Jsonl("tests/DemoBenchA.jsonl")),
        new("DemoBenchB", Jsonl("tests/DemoBenchB.jsonl")),
    ];

    private static LoadedSource Source(string name, int n, List<string> questions) =>
        new(name, n, questions.Select(q => new RawQuestion(q, name)).ToArray());

    private static List<string> Jsonl(string relative) =>
        File.ReadAllLines(Path.Combine(Root, relative))
            .Where(l => l.Trim().Length > 0)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("question").GetString()
                ?? throw new InvalidDataException($"{relative}: null question"))
            .ToList();

    /// <summary>RFC 4180: fields may be quoted; a quote inside a quoted field is doubled. Skips the header.</summary>
    private static List<string> CsvFirstColumn(string relative)
    {
        string text = File.ReadAllText(Path.Combine(Root, relative));
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c != '"') field.Append(c);
                else if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else quoted = false;
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (c == '\n') { row.Add(field.ToString()); field.Clear(); rows.Add(row); row = new List<string>(); }
            else if (c != '\r') field.Append(c);
        }
        if (field.Length > 0 || row.Count > 0) { row.Add(field.ToString()); rows.Add(row); }
        if (rows.Count == 0 || rows[0][0] != "question") throw new InvalidDataException($"{relative}: expected a 'question' header");
        return rows.Skip(1).Select(r => r[0]).ToList();
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "STAR1.sln")))
                return Path.Combine(dir.FullName, "data", "demo");
        throw new DirectoryNotFoundException("Could not find STAR1.sln above the test binaries, so data/demo is unknown.");
    }
}
