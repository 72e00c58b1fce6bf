using Star1.Pipeline.Engine;
using Star1.Pipeline.Tests.Support;

namespace Star1.Pipeline.Tests;

/// <summary>Real processes, really killed: what a crash or a second build does to the artifacts.</summary>
public sealed class CrashAndConcurrencyTests : IDisposable
{
    private readonly TestRepo repo = new();
    public void Dispose() => repo.Dispose();

    [Fact]
    public async Task ProcessKilledMidStageLeavesNoTrustedPartialOutput()
    {
        var signal = Path.Combine(repo.Root, "hanging");
        var child = ChildProcess.Start("hang-in-stage", repo.Root, "A", signal);
        ChildProcess.WaitFor(child, signal, TimeSpan.FromSeconds(60));
        child.Kill(entireProcessTree: true);
        await child.WaitForExitAsync();

        // The half-written output sits in a staging folder, never at the output's place, and nothing is locked in.
        Assert.False(File.Exists(repo.Output("A")));
        Assert.Single(Directory.GetDirectories(Path.Combine(repo.Workspace.StateDir, "staging")));
        var engine = repo.Engine();
        Assert.Equal(Freshness.NeverRun, engine.Inspect("A").State);

        engine.CleanLeftovers();
        Assert.Equal(["A", "B", "C", "D"], await repo.Executed(engine));
        Assert.Equal("A 1 first prompt", File.ReadAllText(repo.Output("A")));
        Assert.Empty(Directory.GetDirectories(Path.Combine(repo.Workspace.StateDir, "staging")));
    }

    [Fact]
    public async Task KilledRerunKeepsThePreviousGoodOutputsAndTheNextRunCompletes()
    {
        await repo.RunAll(repo.Engine());
        var signal = Path.Combine(repo.Root, "hanging");
        var child = ChildProcess.Start("hang-in-stage", repo.Root, "B", signal, "b.y=again");
        ChildProcess.WaitFor(child, signal, TimeSpan.FromSeconds(60));
        child.Kill(entireProcessTree: true);
        await child.WaitForExitAsync();

        Assert.Equal("B hello <- A 1 first prompt", File.ReadAllText(repo.Output("B")));
        var engine = repo.Engine(null, "b.y=again");
        Assert.Equal(["param b.y: \"hello\" -> \"again\""], engine.Inspect("B").Reasons);
        Assert.Equal(["B", "C"], await repo.Executed(engine));
        Assert.Equal("B again <- A 1 first prompt", File.ReadAllText(repo.Output("B")));
    }

    [Fact]
    public void SecondConcurrentBuildFailsCleanlyNamingTheHolder()
    {
        var signal = Path.Combine(repo.Root, "held");
        var child = ChildProcess.Start("hold-lock", repo.Workspace.StateDir, signal, "30");
        try
        {
            ChildProcess.WaitFor(child, signal, TimeSpan.FromSeconds(60));
            var error = Assert.Throws<BuildLockedException>(() => BuildLock.Acquire(repo.Workspace.StateDir, "test", TimeSpan.FromMilliseconds(300)));
            Assert.Contains($"pid {child.Id}", error.Message);
            Assert.Contains("--lock-wait", error.Message);
        }
        finally
        {
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
        }
        // A killed holder releases the lock: the OS drops it with the process.
        using var acquired = BuildLock.Acquire(repo.Workspace.StateDir, "test", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void SecondBuildWaitsForTheFirstToFinish()
    {
        var signal = Path.Combine(repo.Root, "held");
        var child = ChildProcess.Start("hold-lock", repo.Workspace.StateDir, signal, "1.5");
        ChildProcess.WaitFor(child, signal, TimeSpan.FromSeconds(60));
        var waited = new List<string>();
        using (BuildLock.Acquire(repo.Workspace.StateDir, "test", TimeSpan.FromSeconds(60), waited.Add))
        {
            Assert.True(child.HasExited || child.WaitForExit(5000));
            Assert.Equal(0, child.ExitCode);
        }
        Assert.Single(waited);
        Assert.Contains("waiting", waited[0]);
    }
}
