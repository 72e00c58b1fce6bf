using System.Text.Json;
using Star1.Build.Tests.Support;
using Star1.Data.Deliberation;

namespace Star1.Build.Tests;

/// <summary>
/// The LLM stages of sections 2.2-2.3 and 4.3 through the real host, offline on the demo corpus with the
/// stand-ins: the released schemas, nothing re-run when nothing changed, and exactly the readers of an edited
/// prompt re-run (the per-request cache serving what did not change).
/// </summary>
[Collection(DemoPipelineCollection.Name)]
public sealed class LlmStagesTests(DemoPipeline demo)
{
    private static readonly string[] Stages = ["Collect", "Classify", "Reason", "Score", "Select", "Rewrite", "BenignReason", "BenignScore", "BenignSelect"];

    [Fact]
    public void TheDefaultRunWritesTheReleasedSchemas()
    {
        var starOne = Json(demo.Template, "select", "star1.json");
        Assert.Equal(40, starOne.GetArrayLength());
        foreach (var item in starOne.EnumerateArray())
        {
            // The released STAR-1 record: these keys in this order, a category list, the three criteria at 10.
            Assert.Equal(["id", "question", "response", "category", "source", "score"], item.EnumerateObject().Select(p => p.Name));
            Assert.StartsWith("<think>\n", item.GetProperty("response").GetString());
            Assert.Contains("\n</think>\n\n", item.GetProperty("response").GetString());
            Assert.All(item.GetProperty("category").EnumerateArray(), c => Assert.True(SafetyCategories.IsCategory(c.GetString()!), c.GetString()));
            Assert.Equal(SafetyScores.Criteria, item.GetProperty("score").EnumerateObject().Select(p => p.Name));
            Assert.All(item.GetProperty("score").EnumerateObject(), s => Assert.Equal(10, s.Value.GetInt32()));
        }
        // The strict readers accept every output, so the next stages (and users) can read them back.
        Assert.Equal(40, DatasetJson.ReadStarOne(demo.Template.PathOf("artifacts", "select", "star1.json")).Count);
        var scored = DatasetJson.ReadScored(demo.Template.PathOf("artifacts", "score", "scored.json"));
        Assert.Equal(DatasetJson.ReadCollected(demo.Template.PathOf("artifacts", "collect", "data_collection.json")).Count, scored.Count);
        Assert.Contains(scored, s => !s.Score.AllEqual(10));
        Assert.Contains(scored, s => SafetyCategories.IsOtherOnly(s.Category));

        var benign = DatasetJson.ReadBenignScored(demo.Template.PathOf("artifacts", "benignselect", "benign.json"));
        Assert.NotEmpty(benign);
        Assert.All(benign, b => Assert.True(b.Score.AllEqual(5)));
        Assert.True(benign.Count < 40, "the benign scorer should turn some items away");
        var combined = Json(demo.Template, "benignselect", "combined.json");
        Assert.Equal(40 + benign.Count, combined.GetArrayLength());
        Assert.Equal(["id", "origin", "question", "response"], combined[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal("[]", File.ReadAllText(demo.Template.PathOf("artifacts", "reason", "errors.json")).Trim());

        var distribution = Json(demo.Template, "select", "distribution.json");
        Assert.Equal(40, distribution.GetProperty("items").GetInt32());
        Assert.Contains("Select: 188 scored", demo.FirstRunOutput);
    }

    [Fact]
    public async Task ASecondRunExecutesNothing()
    {
        using var repo = demo.Copy();
        Assert.Equal(0, await repo.Run("--target", "Star1"));
        Assert.All(Stages, s => Assert.Equal("up-to-date", Status(repo, s)));
    }

    [Fact]
    public async Task EditingTheReasoningPromptReRunsExactlyReasonAndWhatDependsOnItThroughToTheReport()
    {
        using var repo = demo.Copy();
        Edit(repo, "prompts/reason.md", "\nBe brief in the final answer.\n");
        Assert.Equal(0, await repo.Run("--target", "Star1"));
        Assert.Equal("up-to-date", Status(repo, "Collect"));
        Assert.Equal("up-to-date", Status(repo, "Classify"));
        // Train re-trains on the new traces; under the tests' short training its weights come out the same, so
        // the Eval cells reading them stay fresh (content, not timestamps, decides), while the report, which
        // shows the scores, is rebuilt.
        foreach (var stage in new[] { "Reason", "Score", "Select", "Rewrite", "BenignSelect", "Train", "TrainBenign", "Report" })
            Assert.Equal("executed", Status(repo, stage));

        // What depends on Reason, from the lock's own record of who read whom: nothing outside it ran, and
        // every stage of the graph is in the run record (executed or found fresh).
        var lockStages = JsonDocument.Parse(File.ReadAllText(repo.PathOf("artifacts", "star1.lock.json"))).RootElement.GetProperty("stages");
        var readers = lockStages.EnumerateObject().ToDictionary(s => s.Name, s => s.Value.GetProperty("inputs").GetProperty("upstream")
            .EnumerateObject().Select(u => u.Name[..u.Name.IndexOf('/')]).ToHashSet());
        var downstream = new HashSet<string> { "Reason" };
        for (var grew = true; grew;)
            grew = readers.Where(r => !downstream.Contains(r.Key) && r.Value.Overlaps(downstream)).Select(r => downstream.Add(r.Key)).ToList().Count > 0;
        var record = Record(repo).GetProperty("stages").EnumerateArray()
            .ToDictionary(l => l.GetProperty("stage").GetString()!, l => l.GetProperty("status").GetString()!);
        Assert.Equal(readers.Keys.Order(), record.Keys.Order());
        Assert.All(record.Where(r => r.Value == "executed"), r => Assert.Contains(r.Key, downstream));
        Assert.All(record.Where(r => !downstream.Contains(r.Key)), r => Assert.Equal("up-to-date", r.Value));
        Assert.Contains(record.Keys, k => k.StartsWith("Eval.tiny.", StringComparison.Ordinal) && record[k] == "up-to-date");
        var reason = Metrics(repo, "Reason");
        Assert.Equal(188, reason.GetProperty("requests").GetInt32());
        Assert.Equal(0, reason.GetProperty("cache_hits").GetInt32());
    }

    [Fact]
    public async Task EditingOnlyTheScoringPromptSendsNoReasoningRequest()
    {
        using var repo = demo.Copy();
        Edit(repo, "prompts/score.md", "\nJudge strictly.\n");
        Assert.Equal(0, await repo.Run("--target", "Score", "--dryrun"));
        Assert.Contains("would send 188 of 188 requests (0 cached)", repo.Output);

        Assert.Equal(0, await repo.Run("--target", "Star1"));
        Assert.Equal("up-to-date", Status(repo, "Reason"));
        Assert.Equal("executed", Status(repo, "Score"));
        Assert.Equal(188, Metrics(repo, "Score").GetProperty("requests").GetInt32());

        // Back to the original prompt: restored from the run-cache, not a single request.
        File.Copy(demo.Template.PathOf("prompts", "score.md"), repo.PathOf("prompts", "score.md"), overwrite: true);
        Assert.Equal(0, await repo.Run("--target", "Star1"));
        Assert.Equal("restored", Status(repo, "Score"));
    }

    [Fact]
    public async Task StatusNamesTheEditedPromptAndWhatEachStaleLlmStageWouldSend()
    {
        using var repo = demo.Copy();
        Edit(repo, "prompts/classify.md", "\nAnswer with the list only.\n");
        Assert.Equal(0, await repo.Run("--target", "Status"));
        // What a person reads: reviewed like code when it changes (tests/Star1.Build.Tests/__snapshots__). The
        // table only: Cake's own summary after it carries timings.
        var lines = repo.Output.Split('\n');
        var start = Array.FindIndex(lines, l => l.Contains("Stage status"));
        var end = Array.FindIndex(lines, start, l => l.StartsWith('└'));
        Snapshooter.Xunit.Snapshot.Match(string.Join('\n', lines[start..(end + 1)].Select(l => l.TrimEnd())));
    }

    [Fact]
    public async Task ABrokenTemplateIsSaidByStatusAndStopsItsStageNamingTheFile()
    {
        using var repo = demo.Copy();
        Edit(repo, "prompts/score.md", "\n{{no_such_value}}\n");
        Assert.Equal(0, await repo.Run("--target", "Status"));
        Assert.Contains("requests: cannot be counted", repo.Output);
        Assert.NotEqual(0, await repo.Run("--target", "Score"));
        Assert.Contains("prompts/score.md", repo.Output);
        Assert.Contains("no_such_value", repo.Output);
    }

    [Fact]
    public async Task AStageWhoseRequestsAreAllCachedSendsNone()
    {
        using var repo = demo.Copy();
        Assert.Equal(0, await repo.Run("--target", "Reason", "--force-stage", "Reason"));
        var metrics = Metrics(repo, "Reason");
        Assert.Equal(0, metrics.GetProperty("requests").GetInt32());
        Assert.Equal(188, metrics.GetProperty("cache_hits").GetInt32());
    }

    [Fact]
    public async Task GcDropsTheRequestsOfRunsItDropsAndTheLockedRunStillNeedsNoRequest()
    {
        using var repo = demo.Copy();
        Edit(repo, "prompts/classify.md", "\nAnswer with the list only.\n");
        Assert.Equal(0, await repo.Run("--target", "Classify"));
        var folder = repo.PathOf("artifacts", "cache", "stages", "Classify", "requests");
        Assert.Equal(2 * 188, Count(folder));

        Assert.Equal(0, await repo.Run("--target", "Gc"));
        Assert.Equal(188, Count(folder));
        // What the lock's run used is still there: forcing the stage sends nothing.
        Assert.Equal(0, await repo.Run("--target", "Classify", "--force-stage", "Classify"));
        Assert.Equal(188, Metrics(repo, "Classify").GetProperty("cache_hits").GetInt32());

        static long Count(string folder)
        {
            using var cache = new Star1.Llm.Cache.RequestCache(folder);
            return cache.Count();
        }
    }

    [Fact]
    public async Task SelectCanStartFromAReleasedScoredFileWithoutRunningAnythingBeforeIt()
    {
        using var repo = new BuildRepo().WithRepoFolder("prompts");
        var released = DatasetJson.ReadScored(demo.Template.PathOf("artifacts", "score", "scored.json"));
        File.WriteAllBytes(repo.PathOf("star41k.json"), DatasetJson.Write(released));
        Assert.Equal(0, await repo.Run("--target", "Select", "--set", "select.from=star41k.json"));
        var record = Record(repo);
        Assert.Equal(["Select"], record.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("stage").GetString()));
        Assert.Equal(File.ReadAllText(demo.Template.PathOf("artifacts", "select", "star1.json")), File.ReadAllText(repo.PathOf("artifacts", "select", "star1.json")));

        // The released file is a data input: editing it re-runs Select.
        File.WriteAllBytes(repo.PathOf("star41k.json"), DatasetJson.Write(released.Take(100).ToList()));
        Assert.Equal(0, await repo.Run("--target", "Select", "--set", "select.from=star41k.json", "--dryrun"));
        Assert.Contains("star41k.json changed", repo.Output);
    }

    [Fact]
    public async Task AMissingReleasedFileStopsSelectBeforeAnyWork()
    {
        using var repo = new BuildRepo().WithRepoFolder("prompts");
        Assert.NotEqual(0, await repo.Run("--target", "Select", "--set", "select.from=nowhere.json"));
        Assert.Contains("select.from names 'nowhere.json', which does not exist", repo.Output);
    }

    [Fact]
    public async Task AnUnknownProviderIsNamedBeforeAnyWork()
    {
        using var repo = demo.Copy();
        Assert.NotEqual(0, await repo.Run("--target", "Classify", "--set", "classify.provider=nope", "--force-stage", "Classify"));
        Assert.Contains("classify.provider is 'nope'", repo.Output);
        Assert.Contains("known: offline, openai, deepseek", repo.Output);

        // The paper's model on the offline provider: named once, before any work.
        Assert.NotEqual(0, await repo.Run("--target", "Classify", "--set", "classify.model=gpt-4o-2024-11-20", "--force-stage", "Classify"));
        Assert.Contains("classify.model is 'gpt-4o-2024-11-20'", repo.Output);
        Assert.Contains("which answer only as standin-classifier", repo.Output);
    }

    private static void Edit(BuildRepo repo, string relative, string append)
    {
        var path = repo.PathOf(relative);
        var before = File.ReadAllText(path);
        File.AppendAllText(path, append);
        Assert.NotEqual(before, File.ReadAllText(path));
    }

    internal static JsonElement Json(BuildRepo repo, params string[] path) =>
        JsonDocument.Parse(File.ReadAllText(repo.PathOf(["artifacts", .. path]))).RootElement;

    internal static JsonElement Record(BuildRepo repo) => Json(repo, "runs", "latest.json");

    internal static string Status(BuildRepo repo, string stage) =>
        Record(repo).GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("stage").GetString() == stage).GetProperty("status").GetString()!;

    internal static JsonElement Metrics(BuildRepo repo, string stage) =>
        Record(repo).GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("stage").GetString() == stage).GetProperty("metrics");
}
