using Star1.Pipeline.Engine;
using Star1.Pipeline.Tests.Support;

namespace Star1.Pipeline.Tests;

/// <summary>Status names the reason for every stale stage, without running or writing anything.</summary>
public sealed class StatusTests : IDisposable
{
    private readonly TestRepo repo = new();
    public void Dispose() => repo.Dispose();

    [Fact]
    public void BeforeAnyRunEveryStageIsNeverRunOrWaiting()
    {
        var engine = repo.Engine();
        Assert.Equal(Freshness.NeverRun, engine.Inspect("A").State);
        Assert.Equal(Freshness.Waiting, engine.Inspect("B").State);
        Assert.Contains("A has not run", engine.Inspect("B").Reasons);
        Assert.False(File.Exists(repo.Workspace.LockPath));
    }

    [Fact]
    public async Task StaleStagesNameTheKeyPromptOrUpstreamThatChanged()
    {
        await repo.RunAll(repo.Engine());
        File.WriteAllText(Path.Combine(repo.Root, "prompts", "p2.txt"), "changed");
        var engine = repo.Engine(null, "a.x=4", "d.w=[3]");

        var a = engine.Inspect("A");
        Assert.Equal(Freshness.Stale, a.State);
        Assert.Equal(["param a.x: 1 -> 4"], a.Reasons);
        Assert.Contains("upstream A is stale", engine.Inspect("B").Reasons);
        var c = engine.Inspect("C");
        Assert.Contains("prompt prompts/p2.txt edited", c.Reasons);
        Assert.Contains("upstream B is stale", c.Reasons);
        Assert.Equal(["param d.w: [1,2] -> [3]"], engine.Inspect("D").Reasons);
        Assert.Equal(0, repo.Executions.Values.Sum() - 4);
    }

    [Fact]
    public async Task RestorableStagesSayso()
    {
        await repo.RunAll(repo.Engine());
        await repo.RunAll(repo.Engine(null, "a.x=2"));
        var status = repo.Engine().Inspect("A");
        Assert.True(status.Restorable);
        Assert.Contains("restorable from run-cache", status.Describe());
    }
}
