using Spectre.Console;
using Star1.Host;
using Star1.Pipeline.Engine;
using Star1.Pipeline.Params;
using Star1.Pipeline.Stages;
using Star1.Pipeline.Tests.Support;

namespace Star1.Pipeline.Tests;

/// <summary>The host's handling of state: a waiting build's view of the lock, --accept, and Gc's dry run.</summary>
public sealed class HostStateTests : IDisposable
{
    private readonly HostRepo repo = new();
    public void Dispose() => repo.Dispose();

    private Workspace Workspace => repo.Workspace;
    private Task<int> Run(params string[] args) => repo.Run(args);
    private Dictionary<string, string> StageStatuses() => repo.StageStatuses();

    [Fact]
    public async Task ABuildThatWaitedJudgesWithWhatTheBuildBeforeItLeft()
    {
        Assert.Equal(0, await Run("--target", "HostAll"));
        Task<int> waiting;
        // "The first build": holds the build lock and brings HostFirst up to date for the big profile.
        using (BuildLock.Acquire(Workspace.StateDir, "first build", TimeSpan.FromSeconds(5)))
        {
            waiting = Task.Run(() => Run("--target", "HostAll", "--profile", "big", "--lock-wait", "60"));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!repo.Output.Contains("another build is using the artifacts folder") && clock.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(50);
            Assert.Contains("another build is using the artifacts folder (pid", repo.Output);

            var engine = new StageEngine(Workspace, ParamsLoader.Load(repo.PathOf("params.yaml"), "big", []), new TextStageReporter(TextWriter.Null));
            var context = new HostTestContext(CakeServices.CreateContext(Cake.Core.Diagnostics.Verbosity.Quiet, isTerminal: false), engine, new HostOptions());
            engine.Add(new HostFirstTask().Define(context, []));
            await engine.RunAsync("HostFirst", force: false);
            engine.Hashes.Save();
        }
        Assert.Equal(0, await waiting);
        // HostFirst was brought up to date by the first build: the second finds it fresh, it neither
        // re-runs nor restores it, and it does not call its output "modified".
        Assert.Equal("up-to-date", StageStatuses()["HostFirst"]);
        Assert.Equal("executed", StageStatuses()["HostSecond"]);
        Assert.DoesNotContain("was modified", repo.Output);
    }

    [Fact]
    public async Task AcceptMarksStaleStagesFreshWithoutRunningThem()
    {
        Assert.Equal(0, await Run("--target", "HostAll"));
        var before = File.ReadAllText(repo.PathOf("artifacts", "hostsecond", "second.txt"));
        Assert.Equal(0, await Run("--target", "HostAll", "--set", "second.suffix=?", "--accept"));
        Assert.Equal(new Dictionary<string, string> { ["HostFirst"] = "up-to-date", ["HostSecond"] = "accepted" }, StageStatuses());
        Assert.Contains("marked fresh without running; accepted: param second.suffix: \"!\" -> \"?\"", repo.Output);
        Assert.Equal(before, File.ReadAllText(repo.PathOf("artifacts", "hostsecond", "second.txt")));

        Assert.Equal(0, await Run("--target", "HostAll", "--set", "second.suffix=?"));
        Assert.Equal(new Dictionary<string, string> { ["HostFirst"] = "up-to-date", ["HostSecond"] = "up-to-date" }, StageStatuses());
    }

    [Fact]
    public async Task GcDryRunListsWhatItWouldRemoveAndRemovesNothing()
    {
        Assert.Equal(0, await Run("--target", "HostAll"));
        Assert.Equal(0, await Run("--target", "HostAll", "--profile", "big"));
        var objects = Directory.GetFiles(repo.PathOf("artifacts", "cache", "objects"), "*", SearchOption.AllDirectories).Length;
        repo.ClearOutput();

        Assert.Equal(0, await Run("--target", "HostGc", "--dryrun"));
        Assert.Contains("Gc (dry run: nothing deleted)", repo.Output);
        Assert.Contains("run-cache entries", repo.Output);
        Assert.Contains("2 (2 kept)", repo.Output);
        Assert.Equal(objects, Directory.GetFiles(repo.PathOf("artifacts", "cache", "objects"), "*", SearchOption.AllDirectories).Length);

        Assert.Equal(0, await Run("--target", "HostGc"));
        Assert.Equal(objects - 2, Directory.GetFiles(repo.PathOf("artifacts", "cache", "objects"), "*", SearchOption.AllDirectories).Length);
    }
}

/// <summary>A Gc task for the host tests, as build/Tasks/GcTask.cs is for the STAR1 graph.</summary>
[TaskName("HostGc")]
[HandlesDryRun]
public sealed class HostGcTask : FrostingTask<HostTestContext>
{
    public override void Run(HostTestContext context)
    {
        var report = GarbageCollector.Collect(context.Engine, new GcPolicy(DryRun: context.Options.DryRun));
        var table = new Table().Title(context.Options.DryRun ? "Gc (dry run: nothing deleted)" : "Gc").AddColumns("What", "Count");
        table.AddRow("run-cache entries", $"{report.EntriesRemoved} ({report.EntriesKept} kept)");
        context.Console.Write(table);
    }
}
