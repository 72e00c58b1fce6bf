using Star1.Pipeline.Engine;
using Star1.Pipeline.Params;
using Star1.Pipeline.Stages;
using Star1.Pipeline.Storage;
using Star1.Pipeline.Tests.Support;

namespace Star1.Pipeline.Tests;

/// <summary>
/// Tests written against mutants that survived the Stryker run on src/Star1.Pipeline: each pins a reason's
/// wording, a null guard or a save that nothing else checked.
/// </summary>
public sealed class SurvivorTests : IDisposable
{
    private readonly TestRepo repo = new();
    public void Dispose() => repo.Dispose();

    private string RunEntryPath(string fingerprint) => Path.Combine(repo.Workspace.CacheDir, "runs", fingerprint + ".json");

    [Fact]
    public async Task ReasonsNameTheRunTheRestoreAndTheChangedUpstreamOutput()
    {
        await repo.RunAll(repo.Engine());
        await repo.RunAll(repo.Engine(null, "a.x=3"));
        var log = repo.Log.ToString();
        Assert.Contains("A: running (param a.x: 1 -> 3)", log);

        var engine = repo.Engine();
        var restored = await engine.RunAsync("A", false);
        Assert.Equal("param a.x: 3 -> 1; outputs restored from run-cache", restored.Reason);

        // B re-ran with a new value: C's own inputs now differ in exactly B's output.
        var changed = repo.Engine(null, "b.y=other");
        await changed.RunAsync("A", false);
        await changed.RunAsync("B", false);
        Assert.Equal(["upstream B/out.txt changed"], changed.Inspect("C").Reasons);
        Assert.False(changed.Inspect("C").Restorable);

        File.Delete(repo.Output("D"));
        Assert.Equal(["output out.txt is missing"], repo.Engine().Inspect("D").Reasons);
    }

    [Fact]
    public void AWaitingStageIsNeverRestorable()
    {
        var status = repo.Engine().Inspect("B");
        Assert.Equal(Freshness.Waiting, status.State);
        Assert.False(status.Restorable);
        Assert.Null(status.Fingerprint);
    }

    [Fact]
    public async Task ADeclaredGroupIsRecordedLeafByLeaf()
    {
        await repo.RunAll(repo.Engine());
        var before = new StageEngine(repo.Workspace, repo.Engine().Params, new TextStageReporter(repo.Log));
        var grouped = repo.Stages().Single(s => s.Name == "D") with { ParamKeys = ["d", "unused"] };
        before.Add(grouped);
        await before.RunAsync("D", false);

        var after = new StageEngine(repo.Workspace, repo.Engine(null, "unused.key=8").Params, new TextStageReporter(repo.Log));
        after.Add(grouped);
        Assert.Equal(["param unused.key: 7 -> 8"], after.Inspect("D").Reasons);
        Assert.Equal(["d.w", "unused.key"], LockFile.Load(repo.Workspace.LockPath).Get("D")!.Inputs.Params.Keys);
    }

    [Fact]
    public async Task EachStageSavesTheHashIndexSoAKilledBuildKeepsWhatItLearned()
    {
        await repo.RunAll(repo.Engine());
        await repo.RunAll(repo.Engine(null, "a.x=3"));
        // No RunAll here (it saves at the end): only the engine's own per-stage saves can persist hashes.
        var engine = repo.Engine();
        await engine.RunAsync("A", false);
        await engine.RunAsync("B", force: true);
        var next = repo.Engine();
        Assert.Equal(Freshness.Fresh, next.Inspect("A").State);
        Assert.Equal(Freshness.Fresh, next.Inspect("B").State);
        Assert.Equal(0, next.Hashes.FullHashes);
    }

    [Fact]
    public async Task NullStateFilesAreReadAsEmpty()
    {
        Directory.CreateDirectory(repo.Workspace.ArtifactsDir);
        File.WriteAllText(repo.Workspace.LockPath, "null");
        Assert.Equal(Freshness.NeverRun, repo.Engine().Inspect("A").State);

        await repo.RunAll(repo.Engine());
        var fingerprint = repo.Engine().Inspect("A").Fingerprint!;
        await repo.RunAll(repo.Engine(null, "a.x=9"));
        File.WriteAllText(RunEntryPath(fingerprint), "null");
        var engine = repo.Engine();
        var outcome = await engine.RunAsync("A", false);
        Assert.Equal(StageResult.Executed, outcome.Result);
        Assert.EndsWith("; run-cache entry lacks some declared outputs", outcome.Reason);
    }

    [Fact]
    public async Task UnreadableEntryIsForgottenByTheFetchItself()
    {
        await repo.RunAll(repo.Engine());
        var fingerprint = repo.Engine().Inspect("A").Fingerprint!;
        File.WriteAllText(RunEntryPath(fingerprint), "{");
        var cache = new RunCache(repo.Workspace.CacheDir);
        var (files, problem) = cache.Fetch(fingerprint, n => repo.Output("A", n));
        Assert.Null(files);
        Assert.StartsWith($"run-cache entry {fingerprint[..12]} is unreadable (", problem);
        Assert.False(cache.Has(fingerprint));
    }

    [Fact]
    public async Task StateFilesAreIndentedForReadableDiffs()
    {
        await repo.RunAll(repo.Engine());
        Assert.Contains("\n  \"stages\": {", File.ReadAllText(repo.Workspace.LockPath));
        var record = RunRecord.From("All", repo.Engine(), DateTimeOffset.Now, null).Write(repo.Workspace);
        Assert.Contains("\n  \"target\": \"All\"", File.ReadAllText(record));
    }

    [Fact]
    public void AFailedAtomicWriteLeavesNoTemporary()
    {
        var dir = Path.Combine(repo.Root, "atomic");
        var target = Path.Combine(dir, "taken");
        Directory.CreateDirectory(target);
        // The target is a folder, so the final rename fails after the temporary was written.
        Assert.ThrowsAny<IOException>(() => AtomicFile.WriteAllBytes(target, "x"u8));
        Assert.Empty(Directory.GetFiles(dir));
    }

    [Fact]
    public async Task ReadingOneOfTwoDeclaredGroupsIsAllowed()
    {
        long value = 0;
        var engine = repo.Engine();
        engine.Add(new StageDefinition
        {
            Name = "Two",
            ParamKeys = ["a", "b"],
            Outputs = ["o.txt"],
            Execute = async (ctx, _) =>
            {
                value = ctx.Param("a.x").AsInt();
                await File.WriteAllTextAsync(ctx.Output("o.txt"), "ok");
            },
        });
        await engine.RunAsync("Two", false);
        Assert.Equal(1, value);
    }
}

/// <summary>Params cases the Stryker run found unpinned.</summary>
public sealed class ParamsSurvivorTests
{
    private static EffectiveParams Load(string yaml, params string[] sets) => ParamsLoader.Parse(yaml, "params.yaml", null, sets);

    [Theory]
    [InlineData("Null")]
    [InlineData("null")]
    [InlineData("true")]
    [InlineData("TRUE")]
    [InlineData("false")]
    [InlineData("False")]
    public void EverySpellingOfNullAndBooleansIsTyped(string text) =>
        Assert.Equal(text.StartsWith('n') || text.StartsWith('N') ? ParamKind.Null : ParamKind.Bool, Load($"v: {text}\n").Get("v").Kind);

    [Fact]
    public void QuotesCountOnlyWhenTheyMatch()
    {
        const string yaml = "s: text\n";
        Assert.Equal("", Load(yaml, "s=\"\"").Get("s").AsString());
        Assert.Equal("\"x'", Load(yaml, "s=\"x'").Get("s").AsString());
        Assert.Equal("'x\"", Load(yaml, "s='x\"").Get("s").AsString());
        Assert.Equal("\"x", Load(yaml, "s=\"x").Get("s").AsString());
        Assert.Equal("x'", Load(yaml, "s=x'").Get("s").AsString());
    }

    [Fact]
    public void UnknownKeyMessagesListTheKeysThereAreIfAny()
    {
        Assert.Equal("--set a.nope=1: unknown key 'a.nope' (not in params.yaml); keys here are: x, y", Assert.Throws<ParamsException>(() => Load("a:\n  x: 1\n  y: 2\n", "a.nope=1")).Message);
        Assert.Equal("--set e.nope=1: unknown key 'e.nope' (not in params.yaml)", Assert.Throws<ParamsException>(() => Load("e: {}\n", "e.nope=1")).Message);
    }

    [Fact]
    public void ABadKeyInsideASetValueNamesTheSetNotALine() =>
        Assert.Equal("--set m={bad key: 1}: key 'bad key' must be letters, digits, '_' or '-'",
            Assert.Throws<ParamsException>(() => Load("m:\n  a: 1\n", "m={bad key: 1}")).Message);
}
