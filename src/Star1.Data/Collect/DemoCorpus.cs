using Star1.Data.Collect.Sources;

namespace Star1.Data.Collect;

/// <summary>
/// The demo corpus shipped in data/demo for the offline default run: five small hand-written sources in
/// different file formats and two test sets, declared like user sources so they go through the same loaders
/// as everything else. See data/demo/README.md for what each planted case exercises.
/// </summary>
public static class DemoCorpus
{
    public const string Folder = "data/demo";

    // Processing order matters (each source is filtered against the ones before it), as in the paper.
    private static readonly CustomSourceSpec[] TrainingSpecs =
    [
        new("DemoForum", "DemoForum/questions.jsonl", "jsonl", "question", "category"),
        new("DemoRedTeam", "DemoRedTeam/prompts.csv", "csv", "question", "category"),
        new("DemoInstructions", "DemoInstructions/instructions.txt", "txt", SelfNgramN: 7),
        new("DemoChatLogs", "DemoChatLogs/chats.jsonl", "jsonl", "question", "category", SelfNgramN: 6),
        new("DemoSurvey", "DemoSurvey/survey.jsonl", "jsonl", "question", "category", SelfNgramN: 5),
    ];

    private static readonly CustomSourceSpec[] TestSpecs =
    [
        new("DemoBenchA", "tests/DemoBenchA.jsonl", "jsonl", "question", Role: "test"),
        new("DemoBenchB", "tests/DemoBenchB.jsonl", "jsonl", "question", Role: "test"),
    ];

    public static IReadOnlyList<SourceSpec> Training(string repoRoot) => [.. TrainingSpecs.Select(s => s.ToSourceSpec(Path.Combine(repoRoot, Folder)))];
    public static IReadOnlyList<SourceSpec> Tests(string repoRoot) => [.. TestSpecs.Select(s => s.ToSourceSpec(Path.Combine(repoRoot, Folder)))];
}
