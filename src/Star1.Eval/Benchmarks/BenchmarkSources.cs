using Star1.Data.Collect.Sources;

namespace Star1.Eval.Benchmarks;

/// <summary>
/// Where each benchmark's paper files live, as Collect's <see cref="SourceSpec"/>s: the same mirror
/// layout (<c>&lt;mirror&gt;/&lt;Folder&gt;/&lt;upstream file name&gt;</c>), the same downloader and the same
/// missing-file report. The four sets Collect already decontaminates against (StrongREJECT, JBB,
/// WildJailbreak, XSTest) are Collect's own specs, so one download serves both stages and the
/// WildJailbreak sample is the very same 250 rows. File layouts: DATA_SOURCES.md.
/// </summary>
public static class BenchmarkSources
{
    private static SourceSpec Collect(string name) =>
        PaperSources.TestSets.Single(s => s.Name == name);

    /// <summary>The files of benchmark <paramref name="name"/> (a <see cref="BenchmarkSpec.Name"/>).</summary>
    public static SourceSpec For(string name) => name switch
    {
        "strongreject" => Collect("StrongREJECT"),
        // The header is documented (Index,Goal,Target,Behavior,Category,Source): the category comes along.
        "jbb" => Collect("JBB-Behaviors") with { Mapping = new RecordMapping { Question = "Goal", CategoryFields = ["Category"] } },
        "wildjailbreak" => Collect("WildJailbreak"),
        "xstest" => Collect("XSTest"),
        "wildchat" => WildChat,
        "aime2024" => HuggingFace("AIME 2024", "Maxwell-Jia/AIME_2024", "AIME_2024", SourceFormat.Parquet, "aime_2024_problems.parquet", "Problem"),
        "math500" => HuggingFace("MATH-500", "HuggingFaceH4/MATH-500", "MATH-500", SourceFormat.JsonLines, "test.jsonl", "problem"),
        "gpqa_diamond" => HuggingFace("GPQA Diamond", "Idavidrein/gpqa", "GPQA", SourceFormat.Csv, "gpqa_diamond.csv", "Question") with { Gated = true },
        "humaneval" => HuggingFace("HumanEval", "openai/openai_humaneval", "HumanEval", SourceFormat.Parquet, "openai_humaneval/test-00000-of-00001.parquet", "prompt"),
        "mmlu_pro" => HuggingFace("MMLU-Pro", "TIGER-Lab/MMLU-Pro", "MMLU-Pro", SourceFormat.Parquet, "data/test-00000-of-00001.parquet", "question"),
        _ => throw new ArgumentException(BenchmarkCatalog.UnknownName(name), nameof(name)),
    };

    /// <summary>
    /// WildChat-1M's 14 parquet files. The public repository dropped its toxic conversations in July 2024
    /// (the paper used a full copy), so these files yield far fewer than 370 questions unless the mirror
    /// holds a copy from before that; the loader says so when it comes up short.
    /// </summary>
    private static SourceSpec WildChat { get; } = new()
    {
        Name = "WildChat",
        Role = SourceRole.Test,
        Format = SourceFormat.Parquet,
        Files = [.. Enumerable.Range(0, 14).Select(i =>
        {
            var path = $"data/train-{i:00000}-of-00014.parquet";
            return new SourceFile(path, Upstream.HuggingFaceFile("allenai/WildChat-1M", path));
        })],
        Mapping = new RecordMapping { Question = "conversation" },
        Page = Upstream.HuggingFacePage("allenai/WildChat-1M"),
        Folder = "WildChat-1M",
    };

    private static SourceSpec HuggingFace(string name, string repo, string folder, SourceFormat format, string path, string question) => new()
    {
        Name = name,
        Role = SourceRole.Test,
        Format = format,
        Files = [new SourceFile(path, Upstream.HuggingFaceFile(repo, path))],
        Mapping = new RecordMapping { Question = question },
        Page = Upstream.HuggingFacePage(repo),
        Folder = folder,
    };
}
