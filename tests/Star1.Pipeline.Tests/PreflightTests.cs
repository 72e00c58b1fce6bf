using Star1.Pipeline.Engine;
using Star1.Pipeline.Params;
using Star1.Pipeline.Stages;
using Star1.Pipeline.Tests.Support;

namespace Star1.Pipeline.Tests;

/// <summary>Missing data files are said once: counted in the reason, listed by the stage's preflight, shown by Status.</summary>
public sealed class PreflightTests : IDisposable
{
    private readonly TestRepo repo = new();
    public void Dispose() => repo.Dispose();

    private int executions;

    private StageEngine Engine()
    {
        var engine = repo.BareEngine();
        string[] files = ["data/one.txt", "data/two.txt"];
        engine.Add(new StageDefinition
        {
            Name = "Load",
            Outputs = ["out.txt"],
            DataFiles = (_, _) => files,
            Preflight = (_, root) =>
            {
                var missing = files.Where(f => !File.Exists(Path.Combine(root, f))).ToList();
                return missing.Count == 0 ? null : $"{missing.Count} input files are missing:\n" + string.Join("\n", missing.Select(m => "  " + m));
            },
            Execute = async (ctx, ct) =>
            {
                executions++;
                await File.WriteAllTextAsync(ctx.Output("out.txt"), "loaded", ct);
            },
        });
        return engine;
    }

    [Fact]
    public async Task AStageWithMissingFilesStopsBeforeAnyWorkAndSaysItOnce()
    {
        File.WriteAllText(Path.Combine(repo.Root, "data", "one.txt"), "1");
        File.WriteAllText(Path.Combine(repo.Root, "data", "two.txt"), "2");
        await Engine().RunAsync("Load", force: false);
        File.Delete(Path.Combine(repo.Root, "data", "one.txt"));
        File.Delete(Path.Combine(repo.Root, "data", "two.txt"));

        var engine = Engine();
        var status = engine.Inspect("Load");
        Assert.Equal(["2 data files are missing"], status.Reasons);
        Assert.Equal("2 input files are missing:\n  data/one.txt\n  data/two.txt", status.WouldStop);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => engine.RunAsync("Load", force: false));
        Assert.Equal("2 input files are missing:\n  data/one.txt\n  data/two.txt", error.Message);
        Assert.Equal("2 input files are missing:", engine.Outcomes.Single().Reason);
        Assert.Equal(1, executions);
        Assert.Equal("loaded", File.ReadAllText(repo.Workspace.OutputPath("Load", "out.txt")));
    }

    [Fact]
    public async Task AFreshStageIsNotStoppedByItsPreflight()
    {
        File.WriteAllText(Path.Combine(repo.Root, "data", "one.txt"), "1");
        File.WriteAllText(Path.Combine(repo.Root, "data", "two.txt"), "2");
        await Engine().RunAsync("Load", force: false);
        var status = Engine().Inspect("Load");
        Assert.Equal(Freshness.Fresh, status.State);
        Assert.Null(status.WouldStop);
    }

    [Fact]
    public async Task AMissingPromptStopsOnlyItsOwnStageBeforeAnyWork()
    {
        await repo.RunAll(repo.Engine());
        File.Delete(Path.Combine(repo.Root, "prompts", "p2.txt"));
        var engine = repo.Engine();
        // A is unaffected: registering C, which reads the missing prompt, is not an error.
        Assert.Equal(Freshness.Fresh, engine.Inspect("A").State);
        Assert.Equal("stage C reads prompt file(s) that do not exist: prompts/p2.txt", engine.Inspect("C").WouldStop);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => engine.RunAsync("C", force: true));
        Assert.Equal("stage C reads prompt file(s) that do not exist: prompts/p2.txt", error.Message);
        Assert.Equal(1, repo.Executions["C"]);
    }
}
