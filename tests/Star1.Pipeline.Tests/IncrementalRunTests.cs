using Star1.Pipeline.Engine;
using Star1.Pipeline.Tests.Support;

namespace Star1.Pipeline.Tests;

/// <summary>The promises of the build graph, on real files: only what a change touches re-runs.</summary>
public sealed class IncrementalRunTests : IDisposable
{
    private readonly TestRepo repo = new();
    public void Dispose() => repo.Dispose();

    [Fact]
    public async Task FirstRunExecutesAllAndSecondRunExecutesNothing()
    {
        Assert.Equal(["A", "B", "C", "D"], await repo.Executed(repo.Engine()));
        Assert.Equal("B hello <- A 1 first prompt", File.ReadAllText(repo.Output("B")));

        var engine = repo.Engine();
        Assert.Empty(await repo.Executed(engine));
        Assert.All(engine.Outcomes, o => Assert.Equal(StageResult.UpToDate, o.Result));
    }

    [Fact]
    public async Task NoOpRunDoesNotReReadUnchangedOutputs()
    {
        await repo.RunAll(repo.Engine());
        var engine = repo.Engine();
        await repo.RunAll(engine);
        Assert.Equal(0, engine.Hashes.FullHashes);
    }

    [Fact]
    public async Task ChangingADeclaredKeyRerunsThatStageAndItsDependentsOnly()
    {
        await repo.RunAll(repo.Engine());
        Assert.Equal(["B", "C"], await repo.Executed(repo.Engine(null, "b.y=world")));
        Assert.StartsWith("C 0.5 second prompt <- B world", File.ReadAllText(repo.Output("C")));

        await repo.RunAll(repo.Engine());
        Assert.Equal(["A", "B", "C"], await repo.Executed(repo.Engine("other")));
    }

    [Fact]
    public async Task ChangingAnUndeclaredKeyRerunsNothing()
    {
        await repo.RunAll(repo.Engine());
        repo.EditParams(("key: 7", "key: 8"));
        Assert.Empty(await repo.Executed(repo.Engine()));
    }

    [Fact]
    public async Task ReformattingAValueWithoutChangingItRerunsNothing()
    {
        await repo.RunAll(repo.Engine());
        repo.EditParams(("z: 0.5", "z: 0.50"), ("w: [1, 2]", "w:\n    - 1\n    - 2"));
        Assert.Empty(await repo.Executed(repo.Engine()));
    }

    [Fact]
    public async Task EditingAPromptRerunsExactlyItsReadersAndTheirDependents()
    {
        await repo.RunAll(repo.Engine());
        File.WriteAllText(Path.Combine(repo.Root, "prompts", "p1.txt"), "first prompt, edited");
        Assert.Equal(["A", "B", "C", "D"], await repo.Executed(repo.Engine()));

        File.WriteAllText(Path.Combine(repo.Root, "prompts", "p2.txt"), "second prompt, edited");
        Assert.Equal(["C"], await repo.Executed(repo.Engine()));
    }

    [Fact]
    public async Task EditingADataFileRerunsItsReaderAndSaysWhich()
    {
        await repo.RunAll(repo.Engine());
        File.WriteAllText(Path.Combine(repo.Root, "data", "d-input.txt"), "new data for D");
        Assert.Equal(["data file data/d-input.txt changed"], repo.Engine().Inspect("D").Reasons);
        Assert.Equal(["D"], await repo.Executed(repo.Engine()));
    }

    [Fact]
    public async Task UpstreamThatRerunsWithIdenticalOutputLeavesDependentsAlone()
    {
        await repo.RunAll(repo.Engine());
        var engine = repo.Engine();
        await engine.RunAsync("A", force: true);
        foreach (var stage in new[] { "B", "C" }) await engine.RunAsync(stage, force: false);
        Assert.Equal(StageResult.Executed, engine.Outcomes[0].Result);
        Assert.All(engine.Outcomes.Skip(1), o => Assert.Equal(StageResult.UpToDate, o.Result));
    }

    [Fact]
    public async Task SettingAValueBackRestoresFromTheRunCacheWithoutExecuting()
    {
        await repo.RunAll(repo.Engine());
        var original = File.ReadAllText(repo.Output("C"));
        await repo.RunAll(repo.Engine(null, "a.x=5"));
        Assert.NotEqual(original, File.ReadAllText(repo.Output("C")));

        var engine = repo.Engine();
        Assert.Empty(await repo.Executed(engine));
        Assert.Equal(original, File.ReadAllText(repo.Output("C")));
        Assert.Equal(["A", "B", "C"], engine.Outcomes.Where(o => o.Result == StageResult.Restored).Select(o => o.Stage));
        Assert.Equal(StageResult.UpToDate, engine.Outcomes.Single(o => o.Stage == "D").Result);
        Assert.Empty(await repo.Executed(repo.Engine()));
    }

    [Fact]
    public async Task DeletingOrEditingAnOutputRerunsItsStage()
    {
        await repo.RunAll(repo.Engine());
        File.Delete(repo.Output("D"));
        Assert.Equal(StageResult.Restored, (await repo.Engine().RunAsync("D", false)).Result);
        Assert.Equal("D [1,2]", File.ReadAllText(repo.Output("D")));

        File.WriteAllText(repo.Output("C", "extra/summary.json"), "{\"ok\": false}");
        var engine = repo.Engine();
        Assert.Contains("output extra/summary.json was modified", engine.Inspect("C").Reasons);
        await repo.RunAll(engine);
        Assert.Equal("{\"ok\": true}", File.ReadAllText(repo.Output("C", "extra/summary.json")));
    }

    [Fact]
    public async Task DeletedOutputWithNoCacheExecutesAgain()
    {
        await repo.RunAll(repo.Engine());
        Directory.Delete(Path.Combine(repo.Workspace.CacheDir), recursive: true);
        File.Delete(repo.Output("A"));
        Assert.Equal(["A"], await repo.Executed(repo.Engine()));
    }

    [Fact]
    public async Task CorruptedCacheEntryIsRefusedAndTheStageRuns()
    {
        await repo.RunAll(repo.Engine());
        var original = File.ReadAllText(repo.Output("A"));
        var objects = Directory.GetFiles(Path.Combine(repo.Workspace.CacheDir, "objects"), "*", SearchOption.AllDirectories);
        foreach (var obj in objects.Where(o => File.ReadAllText(o) == original)) File.WriteAllText(obj, "tampered");
        await repo.RunAll(repo.Engine(null, "a.x=9"));

        var engine = repo.Engine();
        repo.Executions.Clear();
        await engine.RunAsync("A", false);
        Assert.Equal(StageResult.Executed, engine.Outcomes.Single().Result);
        Assert.Contains("corrupted", engine.Outcomes.Single().Reason);
        Assert.Equal(original, File.ReadAllText(repo.Output("A")));
        Assert.Contains("corrupted", repo.Log.ToString());
    }

    [Fact]
    public async Task FailedStageLeavesPreviousOutputsAndLockUntouched()
    {
        await repo.RunAll(repo.Engine());
        var before = File.ReadAllText(repo.Output("A"));
        repo.FailIn = "A";
        var engine = repo.Engine(null, "a.x=3");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => engine.RunAsync("A", false));
        Assert.Equal("stage A failed on purpose", error.Message);
        Assert.Equal("stage A failed on purpose", engine.Outcomes.Single().Reason);
        Assert.Equal(StageResult.Failed, engine.Outcomes.Single().Result);
        Assert.Equal(before, File.ReadAllText(repo.Output("A")));
        Assert.Empty(Directory.GetDirectories(Path.Combine(repo.Workspace.StateDir, "staging")));
        Assert.Equal(Freshness.Fresh, repo.Engine().Inspect("A").State);
    }

    [Fact]
    public async Task ForceRerunsEvenWhenFresh()
    {
        await repo.RunAll(repo.Engine());
        var engine = repo.Engine();
        await repo.RunAll(engine, force: true);
        Assert.All(engine.Outcomes, o => Assert.Equal(StageResult.Executed, o.Result));
    }

    [Fact]
    public async Task UndeclaredReadsAreErrors()
    {
        var engine = repo.Engine();
        engine.Add(new Stages.StageDefinition
        {
            Name = "Sneaky",
            ParamKeys = ["a.x"],
            Outputs = ["o.txt"],
            Execute = (ctx, _) => Task.FromResult(ctx.Param("b.y")),
        });
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => engine.RunAsync("Sneaky", false));
        Assert.Contains("without declaring it", error.Message);
    }

    [Fact]
    public void StageDeclaringAMissingKeyIsRejectedBeforeRunning()
    {
        var engine = repo.Engine();
        var error = Assert.Throws<Params.ParamsException>(() => engine.Add(new Stages.StageDefinition
        {
            Name = "Typo",
            ParamKeys = ["a.xx"],
            Prompts = ["prompts/nope.txt"],
            Outputs = ["o.txt"],
            Execute = (_, _) => Task.CompletedTask,
        }));
        Assert.Contains("'a.xx'", error.Message);
        // A missing prompt file is not a registration error: it stops only that stage, when it would run (PreflightTests).
        Assert.DoesNotContain("prompts/nope.txt", error.Message);
    }
}
