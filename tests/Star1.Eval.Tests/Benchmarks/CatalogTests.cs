using Star1.Eval.Benchmarks;

namespace Star1.Eval.Tests.Benchmarks;

public class CatalogTests
{
    [Theory]
    [InlineData("strongreject", "StrongREJECT", BenchmarkKind.Safety, 8000, 1.0, 313)]
    [InlineData("jbb", "JBB", BenchmarkKind.Safety, 8000, 1.0, 100)]
    [InlineData("wildchat", "WildChat", BenchmarkKind.Safety, 8000, 1.0, 370)]
    [InlineData("wildjailbreak", "WildJailbreak", BenchmarkKind.Safety, 8000, 1.0, 250)]
    [InlineData("xstest", "XSTest", BenchmarkKind.OverRefusal, 8000, 1.0, 250)]
    [InlineData("aime2024", "AIME", BenchmarkKind.Reasoning, 16384, 0.95, 30)]
    [InlineData("math500", "MATH-500", BenchmarkKind.Reasoning, 16384, 0.95, 500)]
    [InlineData("gpqa_diamond", "GPQA", BenchmarkKind.Reasoning, 32768, 0.95, 198)]
    [InlineData("humaneval", "HumanEval", BenchmarkKind.Reasoning, 16384, 0.95, 164)]
    [InlineData("mmlu_pro", "MMLU-Pro", BenchmarkKind.Reasoning, 4096, 0.95, 12032)]
    public void SpecsCarryThePapersSettings(string name, string title, BenchmarkKind kind, int maxTokens, double topP, int count)
    {
        var spec = BenchmarkCatalog.Get(name);
        Assert.Equal((title, kind, maxTokens, 0.0, topP, count), (spec.Title, spec.Kind, spec.MaxTokens, spec.Temperature, spec.TopP, spec.PaperCount));
    }

    [Fact]
    public void TheCatalogHasTheTenBenchmarksInTableOrder() =>
        Assert.Equal(["strongreject", "jbb", "wildchat", "wildjailbreak", "xstest", "aime2024", "math500", "gpqa_diamond", "humaneval", "mmlu_pro"],
            BenchmarkCatalog.All.Select(s => s.Name));

    [Fact]
    public void AnUnknownNameListsTheKnownOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => BenchmarkCatalog.Get("gpqa"));
        Assert.Contains("unknown benchmark 'gpqa'", e.Message);
        Assert.Contains("gpqa_diamond", e.Message);
        Assert.Contains("strongreject", e.Message);
        Assert.Throws<ArgumentException>(() => BenchmarkCatalog.Load("nope", new BenchmarkOptions { RepoRoot = Repo.Root }));
    }

    [Fact]
    public void CorpusNamesParse()
    {
        Assert.Equal(BenchmarkCorpus.Demo, BenchmarkOptions.ParseCorpus("demo"));
        Assert.Equal(BenchmarkCorpus.Paper, BenchmarkOptions.ParseCorpus("paper"));
        Assert.Throws<ArgumentException>(() => BenchmarkOptions.ParseCorpus("Paper"));
    }

    [Fact]
    public void TheMirrorIsResolvedAgainstTheRepoRoot()
    {
        var options = new BenchmarkOptions { RepoRoot = "/repo", Mirror = "data/mirror" };
        Assert.Equal(Path.GetFullPath("/repo/data/mirror"), options.MirrorDir);
        Assert.Equal("/abs/m", (options with { Mirror = "/abs/m" }).MirrorDir);
    }

    [Fact]
    public void MultipleChoicePromptsListLettersAndAskForTheAnswerLine()
    {
        var prompt = BenchmarkPrompts.MultipleChoice("Which?", ["one", "two", "three"]);
        Assert.StartsWith("Which?\n\nA) one\nB) two\nC) three\n", prompt);
        Assert.Contains("\"Answer: X\"", prompt);
        Assert.Contains("from A to C", prompt);
        Assert.Contains("\\boxed{}", BenchmarkPrompts.Math("What is 1+1?"));
        Assert.Contains("def f():\n    pass", BenchmarkPrompts.CodeCompletion("def f():\n    pass\n"));
    }
}
