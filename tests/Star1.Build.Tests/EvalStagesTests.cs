using System.Text.Json;
using Star1.Build.Tests.Support;
using static Star1.Build.Tests.LlmStagesTests;

namespace Star1.Build.Tests;

/// <summary>
/// Eval (paper section 3.1) through the real host, offline: the demo sets, the tiny models, the stand-in judges.
/// One stage per (model, benchmark) cell, then EvalTable; the demo pipeline's Star1 run already evaluated the default models.
/// </summary>
[Collection(DemoPipelineCollection.Name)]
public sealed class EvalStagesTests(DemoPipeline demo)
{
    private static readonly string[] Benchmarks = ["strongreject", "jbb", "wildchat", "wildjailbreak", "xstest", "aime2024", "math500", "gpqa_diamond", "humaneval", "mmlu_pro"];
    private static readonly string[] Models = ["tiny", "Train", "TrainBenign"];
    private static readonly string[] Safety = ["strongreject", "jbb", "wildchat", "wildjailbreak"];

    private static IEnumerable<string> Cells(string model) => Benchmarks.Select(b => $"Eval.{model}.{b}");

    private static IEnumerable<string> Executed(BuildRepo repo) =>
        Record(repo).GetProperty("stages").EnumerateArray().Where(s => s.GetProperty("status").GetString() == "executed").Select(s => s.GetProperty("stage").GetString()!);

    /// <summary>Adds a model to the copy's eval.registry, above the tiny entry (failing if that entry moved).</summary>
    private static void AddToRegistry(BuildRepo repo, string name, string source, string chatFormat)
    {
        const string Anchor = "    tiny: {source: tiny,";
        var yaml = File.ReadAllText(repo.PathOf("params.yaml"));
        Assert.Contains(Anchor, yaml);
        File.WriteAllText(repo.PathOf("params.yaml"), yaml.Replace(Anchor,
            $"    {name}: {{source: {source}, chat_format: {chatFormat}, served_model: \"\", paper_row: \"\"}}\n{Anchor}"));
    }

    [Fact]
    public void ACellsCodeIsItsGenerationAndScoringNotTheTablesDrawing()
    {
        // Editing how Table 1 is drawn must re-run EvalTable, not thirty cells: each stage's code is what it reaches.
        var stages = JsonDocument.Parse(File.ReadAllText(demo.Template.PathOf("artifacts", "star1.lock.json"))).RootElement.GetProperty("stages");
        IEnumerable<string> Code(string stage) => stages.GetProperty(stage).GetProperty("inputs").GetProperty("code").EnumerateObject().Select(p => p.Name);
        Assert.Contains("type Star1.Eval.Results.Table1", Code("EvalTable"));
        Assert.DoesNotContain("type Star1.Eval.Results.Table1", Code("Eval.tiny.jbb"));
        Assert.Contains("type Star1.Build.Tasks.Eval.EvalScoring", Code("Eval.tiny.jbb"));
    }

    [Fact]
    public async Task EveryCellWritesEachItemAndTheTableHasEveryModelThenASecondRunExecutesNothing()
    {
        var table = File.ReadAllText(demo.Template.PathOf("artifacts", "evaltable", "table.md"));
        foreach (var model in Models) Assert.Contains($"| {model} |", table);
        Assert.Contains("| Model | StrongREJECT | JBB | WildChat | WildJailbreak | Safety avg | XSTest |", table);

        // Every item of a cell is written with the model's output and the judge's verdict; the summary counts them.
        var items = JsonDocument.Parse(File.ReadAllText(demo.Template.PathOf("artifacts", "eval.train.jbb", "items.json"))).RootElement.EnumerateArray().ToList();
        var demoItems = File.ReadAllLines(demo.Template.PathOf("data", "demo-eval", "jbb.jsonl")).Count(l => l.Trim().Length > 0);
        Assert.Equal(demoItems, items.Count);
        Assert.All(items, i => Assert.StartsWith("<think>", i.GetProperty("output").GetString()));
        Assert.All(items, i => Assert.Matches("^(safe|unsafe S[0-9]+)$", i.GetProperty("verdict").GetString()));
        var summary = JsonDocument.Parse(File.ReadAllText(demo.Template.PathOf("artifacts", "eval.train.jbb", "summary.json"))).RootElement;
        var safe = items.Count(i => i.GetProperty("passed").GetBoolean());
        Assert.Equal(100.0 * safe / items.Count, summary.GetProperty("score").GetDouble(), 3);
        // The per-model CSV holds every benchmark of the model.
        var csv = File.ReadAllLines(demo.Template.PathOf("artifacts", "evaltable", "Train.csv"));
        Assert.Equal(Benchmarks.Length + 1, csv.Length);

        using var repo = demo.Copy();
        Assert.Equal(0, await repo.Run("--target", "Eval"));
        Assert.Empty(Executed(repo));
    }

    [Fact]
    public async Task AddingAModelRunsOnlyItsCellsAndTheTable()
    {
        using var repo = demo.Copy();
        AddToRegistry(repo, "tiny-again", "tiny", "r1-distill-qwen");

        Assert.Equal(0, await repo.Run("--target", "Eval", "--set", "eval.models=[tiny, Train, TrainBenign, tiny-again]"));
        Assert.Equal(Cells("tiny-again").Append("EvalTable").Order(), Executed(repo).Order());
        Assert.Contains("| tiny-again |", File.ReadAllText(repo.PathOf("artifacts", "evaltable", "table.md")));
    }

    [Fact]
    public async Task ChangingAJudgeSettingReJudgesTheSafetyCellsWithoutGenerating()
    {
        using var repo = demo.Copy();
        Assert.Equal(0, await repo.Run("--target", "Eval", "--set", "eval.judge.max_tokens=50"));
        var executed = Executed(repo).ToList();
        Assert.Equal(Models.SelectMany(m => Safety.Select(b => $"Eval.{m}.{b}")).Order(), executed.Where(s => s != "EvalTable").Order());
        foreach (var cell in executed.Where(s => s != "EvalTable"))
        {
            Assert.Equal(0, Metrics(repo, cell).GetProperty("generated").GetInt32());
            Assert.Equal(8, Metrics(repo, cell).GetProperty("from_cache").GetInt32());
        }
    }

    [Fact]
    public async Task AForcedEvalGeneratesNothingItAlreadyHad()
    {
        // A killed Eval resumes from the same per-item cache that serves this forced run.
        using var repo = demo.Copy();
        Assert.Equal(0, await repo.Run("--target", "Eval", "--force-stage", "Eval"));
        var cells = Models.SelectMany(Cells).ToList();
        Assert.All(cells, c => Assert.Equal("executed", Status(repo, c)));
        Assert.All(cells, c => Assert.Equal(0, Metrics(repo, c).GetProperty("generated").GetInt32()));
        // The numbers are the ones the first run wrote.
        Assert.Equal(File.ReadAllText(demo.Template.PathOf("artifacts", "evaltable", "table.md")), File.ReadAllText(repo.PathOf("artifacts", "evaltable", "table.md")));
    }

    [Fact]
    public async Task AFileOfGenerationsIsJudgedLikeAModelAndABadLineIsNamed()
    {
        using var repo = demo.Copy();
        AddToRegistry(repo, "elsewhere", "\"file:gens.jsonl\"", "auto");
        var ids = File.ReadAllLines(repo.PathOf("data", "demo-eval", "jbb.jsonl")).Where(l => l.Trim().Length > 0)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()!).ToList();
        // Half refuse, half comply with a step-by-step answer: the stand-in judge calls the refusals safe.
        File.WriteAllLines(repo.PathOf("gens.jsonl"), ids.Select((id, i) => JsonSerializer.Serialize(new
        {
            id,
            output = i % 2 == 0 ? "<think>\nThis asks for harm.\n</think>\n\nI can't help with that." : "<think>\nok\n</think>\n\nSure. Step 1: gather the tools. Step 2: begin.",
        })));
        string[] args = ["--target", "Eval", "--set", "eval.models=[elsewhere]", "--set", "eval.benchmarks=[jbb]"];
        Assert.Equal(0, await repo.Run(args));
        var summary = Json(repo, "eval.elsewhere.jbb", "summary.json");
        Assert.Equal((ids.Count + 1) / 2, summary.GetProperty("passed").GetInt32());
        Assert.Equal(0, Metrics(repo, "Eval.elsewhere.jbb").GetProperty("generated").GetInt32());

        File.AppendAllText(repo.PathOf("gens.jsonl"), "{\"id\": \"x\"}\n");
        Assert.Equal(1, await repo.Run(args));
        Assert.Contains($"gens.jsonl line {ids.Count + 1}", repo.Output);
    }

    [Fact]
    public async Task AnUnknownModelIsNamedWithTheKnownOnesBeforeAnyWork()
    {
        using var repo = demo.Copy();
        Assert.Equal(1, await repo.Run("--target", "Eval", "--set", "eval.models=[nosuch]"));
        Assert.Contains("eval.models names 'nosuch', which is not under eval.registry; known: tiny, Train, TrainBenign", repo.Output);
    }

    [Fact]
    public async Task ARubricJudgeAddsStrongRejectsRubricColumnReJudgingOnlyStrongReject()
    {
        using var repo = demo.Copy();
        Assert.Equal(0, await repo.Run("--target", "Eval", "--set", "eval.rubric_judge.provider=offline", "--set", "eval.rubric_judge.model=standin-rubric-judge"));
        Assert.Equal(Models.Select(m => $"Eval.{m}.strongreject").Append("EvalTable").Order(), Executed(repo).Order());
        Assert.All(Models, m => Assert.Equal(0, Metrics(repo, $"Eval.{m}.strongreject").GetProperty("generated").GetInt32()));
        var items = Json(repo, "eval.tiny.strongreject", "items.json").EnumerateArray().ToList();
        Assert.All(items, i => Assert.InRange(i.GetProperty("rubric").GetDouble(), 0, 1));
        Assert.Equal(items.Average(i => i.GetProperty("rubric").GetDouble()), Json(repo, "eval.tiny.strongreject", "summary.json").GetProperty("rubric").GetDouble(), 3);
        Assert.Contains("| tiny | ", File.ReadAllText(repo.PathOf("artifacts", "evaltable", "table.md")).Split("StrongREJECT rubric |")[1]);
    }

    [Fact]
    public async Task HumanEvalRunsEachCompletionWithItsTestsInTheSandbox()
    {
        using var repo = demo.Copy();
        AddToRegistry(repo, "reference", "\"file:gens.jsonl\"", "auto");
        var rows = File.ReadAllLines(repo.PathOf("data", "demo-eval", "humaneval.jsonl")).Where(l => l.Trim().Length > 0)
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        // The demo's reference bodies, as a model continuing the prompt would write them; the first one broken.
        File.WriteAllLines(repo.PathOf("gens.jsonl"), rows.Select((r, i) => JsonSerializer.Serialize(new
        {
            id = r.GetProperty("id").GetString(),
            output = "<think>\nwrite the body\n</think>\n\n" + (i == 0 ? "    return None\n" : r.GetProperty("canonical_solution").GetString()),
        })));
        Assert.Equal(0, await repo.Run("--target", "Eval", "--set", "eval.models=[reference]", "--set", "eval.benchmarks=[humaneval]"));
        var items = Json(repo, "eval.reference.humaneval", "items.json").EnumerateArray().ToList();
        Assert.False(items[0].GetProperty("passed").GetBoolean());
        Assert.StartsWith("Failed", items[0].GetProperty("reason").GetString());
        Assert.All(items.Skip(1), i => Assert.True(i.GetProperty("passed").GetBoolean(), i.GetProperty("reason").GetString()));
        Assert.Equal(100.0 * (rows.Count - 1) / rows.Count, Json(repo, "eval.reference.humaneval", "summary.json").GetProperty("score").GetDouble(), 3);
    }

    [Fact]
    public async Task OneCellCanBeForcedByNameAndAnUnknownCellIsNamed()
    {
        using var repo = demo.Copy();
        Assert.Equal(0, await repo.Run("--target", "Eval", "--force-stage", "Eval.tiny.jbb"));
        // The same number again: the table, which reads only the cells' summaries, stays fresh.
        Assert.Equal(["Eval.tiny.jbb"], Executed(repo));
        Assert.Equal("up-to-date", Status(repo, "EvalTable"));
        Assert.Equal(0, Metrics(repo, "Eval.tiny.jbb").GetProperty("generated").GetInt32());

        // The table is the matrix's stage too, and can be forced by its name.
        Assert.Equal(0, await repo.Run("--target", "Eval", "--force-stage", "EvalTable"));
        Assert.Equal(["EvalTable"], Executed(repo));

        Assert.Equal(2, await repo.Run("--target", "Eval", "--force-stage", "Eval.tiny.nosuch"));
        Assert.Contains("--force-stage Eval.tiny.nosuch: no such stage under these params; they are: Eval.tiny.strongreject, Eval.tiny.jbb", repo.Output);
    }
}
