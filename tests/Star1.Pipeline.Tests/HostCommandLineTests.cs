using Cake.Core;
using Cake.Core.Diagnostics;
using Spectre.Console;
using Star1.Host;
using Star1.Pipeline.Engine;

using Star1.Pipeline.Tests.Support;

namespace Star1.Pipeline.Tests;

/// <summary>The ./build.sh command line, parsed strictly, and what the host does with each mode.</summary>
public sealed class HostCommandLineTests : IDisposable
{
    private readonly HostRepo repo = new();
    public void Dispose() => repo.Dispose();

    private Task<int> Run(params string[] args) => repo.Run(args);

    private string StateDir => Path.Combine(repo.Root, "artifacts", ".star1");

    [Fact]
    public void DefaultsAreTheDocumentedOnes()
    {
        var o = HostOptions.Parse([]);
        Assert.Equal("Default", o.Target);
        Assert.Equal(TimeSpan.FromSeconds(30), o.LockWait);
        Assert.Equal("params.yaml", o.ParamsFile);
        Assert.Equal("artifacts", o.ArtifactsDir);
        Assert.Equal(Verbosity.Normal, o.Verbosity);
        Assert.Null(o.Profile);
        Assert.False(o.Exclusive || o.DryRun || o.Tree || o.Describe || o.Help || o.Force);
        Assert.Empty(o.Sets);
        Assert.Empty(o.ForceStages);
    }

    [Fact]
    public void EveryOptionIsRead()
    {
        var o = HostOptions.Parse([
            "-t", "X", "-e", "--dryrun", "--tree", "--description", "-h", "-v", "quiet", "--profile", "paper",
            "--set", "a.b=1", "--set=c.d=2", "--force", "--force-stage", "S1", "--force-stage=S2",
            "--params", "p.yaml", "--artifacts", "out", "--lock-wait", "2.5",
        ]);
        Assert.Equal("X", o.Target);
        Assert.True(o.Exclusive && o.DryRun && o.Tree && o.Describe && o.Help && o.Force);
        Assert.Equal(Verbosity.Quiet, o.Verbosity);
        Assert.Equal("paper", o.Profile);
        Assert.Equal(["a.b=1", "c.d=2"], o.Sets);
        Assert.Equal(["S1", "S2"], o.ForceStages);
        Assert.Equal("p.yaml", o.ParamsFile);
        Assert.Equal("out", o.ArtifactsDir);
        Assert.Equal(TimeSpan.FromSeconds(2.5), o.LockWait);
    }

    [Fact]
    public void LongNamesAliasesAndCaseAreAccepted()
    {
        var o = HostOptions.Parse(["--TARGET", "Y", "--exclusive", "--dry-run", "--descriptions", "--help", "--verbosity", "diag", "--lock-wait=0"]);
        Assert.Equal("Y", o.Target);
        Assert.True(o.Exclusive && o.DryRun && o.Describe && o.Help);
        Assert.Equal(Verbosity.Diagnostic, o.Verbosity);
        Assert.Equal(TimeSpan.Zero, o.LockWait);
        Assert.True(HostOptions.Parse(["--noop"]).DryRun);
    }

    [Theory]
    [InlineData("quiet", Verbosity.Quiet)]
    [InlineData("q", Verbosity.Quiet)]
    [InlineData("minimal", Verbosity.Minimal)]
    [InlineData("m", Verbosity.Minimal)]
    [InlineData("normal", Verbosity.Normal)]
    [InlineData("n", Verbosity.Normal)]
    [InlineData("verbose", Verbosity.Verbose)]
    [InlineData("v", Verbosity.Verbose)]
    [InlineData("diagnostic", Verbosity.Diagnostic)]
    [InlineData("D", Verbosity.Diagnostic)]
    public void VerbosityLevels(string text, Verbosity expected) =>
        Assert.Equal(expected, HostOptions.Parse(["-v", text]).Verbosity);

    [Theory]
    [InlineData("--target needs a value", "--target")]
    [InlineData("--profile needs a value", "--profile", "--force")]
    [InlineData("--lock-wait expects seconds, got 'soon'", "--lock-wait", "soon")]
    [InlineData("--lock-wait expects seconds, got '-1'", "--lock-wait=-1")]
    [InlineData("unknown option '--bogus=1' (see --help)", "--bogus=1")]
    [InlineData("unknown option 'stray' (see --help)", "stray")]
    [InlineData("--verbosity: unknown level 'loud' (quiet, minimal, normal, verbose, diagnostic)", "--verbosity", "loud")]
    public void BadOptionsSayWhatIsWrong(string message, params string[] args) =>
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => HostOptions.Parse(args)).Message);

    [Fact]
    public async Task HelpPrintsUsageAndTheTasksThenStops()
    {
        Assert.Equal(0, await Run("--help"));
        var text = repo.Output;
        Assert.Contains("Usage: ./build.sh [--target NAME] [options]", text);
        Assert.Contains("--lock-wait SECONDS", text);
        Assert.Contains("HostSecond", text);
        Assert.False(Directory.Exists(Path.Combine(repo.Root, "artifacts")));
    }

    [Fact]
    public async Task DescriptionListsEachTaskWithItsKindAndWords()
    {
        Assert.Equal(0, await Run("--target", "HostAll", "--description"));
        var lines = repo.Output.Split('\n');
        Assert.Contains(lines, l => l.Contains("HostFirst") && l.Contains("stage"));
        Assert.Contains(lines, l => l.Contains("HostAll") && l.Contains("task") && l.Contains("the whole test graph"));
        Assert.Contains(lines, l => l.Contains("Task") && l.Contains("Kind") && l.Contains("Description"));
        // A task without a description shows an empty cell, not a placeholder.
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"HostFirst\s*[│|]\s*stage\s*[│|]\s*[│|]"));
        Assert.DoesNotContain("Usage:", repo.Output);
        Assert.False(Directory.Exists(Path.Combine(repo.Root, "artifacts")));

        // No target, and this graph has no Default task: the list needs none.
        repo.ClearOutput();
        Assert.Equal(0, await Run("--description"));
        Assert.Contains("HostFirst", repo.Output);
    }

    [Fact]
    public async Task TreeAndDryRunWriteNothing()
    {
        Assert.Equal(0, await Run("--target", "HostAll", "--tree"));
        Assert.Equal(0, await Run("--target", "HostSecond", "--dryrun", "--exclusive"));
        Assert.Contains("HostSecond", repo.Output);
        Assert.Contains("waiting", repo.Output);
        // Exclusive: the status table holds only the target, so HostFirst's own "never run" row is absent.
        Assert.DoesNotContain("never run", repo.Output);
        Assert.False(File.Exists(Path.Combine(repo.Root, "artifacts", "star1.lock.json")));
        Assert.False(Directory.Exists(Path.Combine(repo.Root, "artifacts", "runs")));
    }

    [Fact]
    public async Task TargetAndForcedStageNamesIgnoreCase()
    {
        Assert.Equal(0, await Run("--target", "hostall"));
        repo.ClearOutput();
        Assert.Equal(0, await Run("--target", "HOSTALL", "--force-stage", "hostsecond"));
        Assert.Contains("HostSecond: executed (forced)", repo.Output);
        Assert.Contains("HostFirst: up-to-date (inputs and outputs unchanged)", repo.Output);
        Assert.Matches(@"run record: artifacts/runs/\d{8}-\d{6}-\d{3}\.json", repo.Output);
    }

    [Fact]
    public async Task UnknownNamesListWhatExists()
    {
        Assert.Equal(2, await Run("--target", "Nope"));
        Assert.Contains("error: no task named 'Nope'; tasks are: HostFirst, HostSecond, HostAll, HostGc, HostLockNote, HostNote, HostReport, HostStatus", repo.Output);
        repo.ClearOutput();
        Assert.Equal(2, await Run("--target", "HostAll", "--force-stage", "Nope", "--force-stage", "Nada"));
        Assert.Contains("error: --force-stage Nope, Nada: no such stage; stages are: HostFirst, HostSecond, HostLockNote", repo.Output);
    }

    [Fact]
    public async Task TaskWithoutANameAttributeIsNamedAfterItsClass()
    {
        Assert.Equal(0, await Run("--target", "HostNote"));
        Assert.Contains("a note from a plain task", repo.Output);
    }

    [Fact]
    public async Task ReadOnlyTargetRunsWhileAnotherBuildHoldsTheLockAndLeavesNoRecord()
    {
        Assert.Equal(0, await Run("--target", "HostAll"));
        var records = Directory.GetFiles(Path.Combine(repo.Root, "artifacts", "runs")).Length;
        using (BuildLock.Acquire(StateDir, "the other build", TimeSpan.Zero))
        {
            repo.ClearOutput();
            Assert.Equal(0, await Run("--target", "HostStatus", "--lock-wait", "0"));
            Assert.Contains("fresh", repo.Output);

            // --tree and --dryrun only read: they never wait for the lock either.
            Assert.Equal(0, await Run("--target", "HostAll", "--tree", "--lock-wait", "0"));
            Assert.Equal(0, await Run("--target", "HostAll", "--dryrun", "--lock-wait", "0"));

            repo.ClearOutput();
            Assert.Equal(1, await Run("--target", "HostAll", "--lock-wait", "0"));
            Assert.Contains("the other build", repo.Output);
            Assert.Contains("gave up after 0 s", repo.Output);
        }
        Assert.Equal(records, Directory.GetFiles(Path.Combine(repo.Root, "artifacts", "runs")).Length);
    }

    [Fact]
    public async Task AFailingStageEndsWithItsOwnMessageNotCakesWrapper()
    {
        Assert.Equal(1, await Run("--target", "HostAll", "--set", "first.n=-1"));
        var lines = repo.Output.Split('\n').Select(l => l.TrimEnd()).ToList();
        Assert.Contains("error: first.n must be positive", lines);
    }

    [Fact]
    public async Task CyclesAndUnknownDependenciesAreNamed()
    {
        var cycle = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            BuildHost.RunAsync(["--target", "CycleA"], typeof(HostTests).Assembly, (cake, engine, options) => new CycleContext(cake, engine, options), repo.Console(), repo.Root));
        Assert.Matches("^task Cycle[AB] depends on itself through a cycle$", cycle.Message);

        var missing = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            BuildHost.RunAsync(["--target", "Dangling"], typeof(HostTests).Assembly, (cake, engine, options) => new DanglingContext(cake, engine, options), repo.Console(), repo.Root));
        Assert.Equal("task Dangling depends on HostFirstTask, which is not a task", missing.Message);
    }

    [Fact]
    public void StatusTableShowsReasonsOnlyForStagesThatAreNotFresh()
    {
        var console = repo.Console();
        StageTables.PrintStatus(console, [
            new StageStatus("Good", Freshness.Fresh, ["should not show"], "f", true),
            new StageStatus("Old", Freshness.Stale, ["param x: 1 -> 2"], "f", true),
            new StageStatus("New", Freshness.NeverRun, ["first time", "no lock entry"], "f", false),
        ]);
        var lines = repo.Output.Split('\n');
        Assert.DoesNotContain("should not show", repo.Output);
        Assert.Contains("Stage status", repo.Output);
        Assert.Contains(lines, l => l.Contains("Stage") && l.Contains("Status") && l.Contains("Reason"));
        Assert.Contains(lines, l => l.Contains("Old") && l.Contains("stale") && l.Contains("param x: 1 -> 2 (restorable from run-cache)"));
        var fresh = Assert.Single(lines, l => l.Contains("New"));
        Assert.Contains("never run", fresh);
        Assert.Contains("first time; no lock entry", fresh);
        Assert.DoesNotContain("restorable", fresh);
        // Cells exactly: a fresh stage has an empty reason, a stage that cannot be restored gets no suffix.
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"Good\s*[│|]\s*fresh\s*[│|]\s*[│|]"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"New\s*[│|]\s*never run\s*[│|]\s*first time; no lock entry\s*[│|]"));
    }

    [Fact]
    public void ReporterLinesGoThroughTheHostConsole()
    {
        var writer = new AnsiTextWriter(repo.Console());
        writer.WriteLine("one");
        writer.WriteLine((string?)null);
        writer.Write('x');
        Assert.Equal("one\n\nx", repo.Output.Replace("\r", ""));
    }

    [Fact]
    public void OutcomeTableShowsEachResultAndNothingWhenEmpty()
    {
        var console = repo.Console();
        StageTables.PrintOutcomes(console, []);
        Assert.Equal("", repo.Output);
        StageTables.PrintOutcomes(console, [
            new StageOutcome("One", StageResult.Restored, "param x changed; outputs restored from run-cache", TimeSpan.FromSeconds(1.234), "f"),
            new StageOutcome("Two", StageResult.UpToDate, "inputs and outputs unchanged", TimeSpan.Zero, "f"),
        ]);
        var lines = repo.Output.Split('\n');
        Assert.Contains("Stages", repo.Output);
        Assert.Contains(lines, l => l.Contains("Stage") && l.Contains("Result") && l.Contains("Time") && l.Contains("Why"));
        Assert.Contains(lines, l => l.Contains("One") && l.Contains("restored") && l.Contains("1.23 s") && l.Contains("outputs restored from run-cache"));
        Assert.Contains(lines, l => l.Contains("Two") && l.Contains("up-to-date") && l.Contains("0.00 s"));
    }

    [Fact]
    public async Task TheHostTakesTheLockForTheWholeBuildNamingTheTarget()
    {
        Assert.Equal(0, await Run("--target", "HostLockNote"));
        var note = File.ReadAllText(Path.Combine(repo.Root, "artifacts", "hostlocknote", "owner.txt"));
        Assert.StartsWith($"pid {Environment.ProcessId}, target HostLockNote, since ", note);
        // Released at the end: the note is gone and the lock can be taken at once.
        Assert.False(File.Exists(Path.Combine(StateDir, "build.lock.owner")));
        using var again = BuildLock.Acquire(StateDir, "after", TimeSpan.Zero);
    }

    [Fact]
    public async Task ATargetIsReadOnlyOnlyWhenEverythingItRunsIs()
    {
        Directory.CreateDirectory(StateDir);
        using var held = BuildLock.Acquire(StateDir, "the other build", TimeSpan.Zero);
        // HostReport only reads, but it depends on stages that write: the build must wait for the lock.
        Assert.Equal(1, await Run("--target", "HostReport", "--lock-wait", "0"));
        Assert.Contains("gave up after 0 s", repo.Output);
        Assert.False(File.Exists(Path.Combine(repo.Root, "artifacts", "hostfirst", "first.txt")));
    }

    [Fact]
    public async Task TheBuildEndsWithTheStageTableAndSavesTheHashIndex()
    {
        Assert.Equal(0, await Run("--target", "HostAll"));
        var index = Path.Combine(StateDir, "hashes.json");
        File.Delete(index);
        repo.ClearOutput();
        // Nothing executes, so only the host's own save can bring the index back.
        Assert.Equal(0, await Run("--target", "HostAll"));
        Assert.True(File.Exists(index));
        var lines = repo.Output.Split('\n');
        Assert.Contains(lines, l => l.Contains("Stage") && l.Contains("Result") && l.Contains("Why"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"HostSecond\s*[│|]\s*up-to-date\s*[│|]"));
        var entry = Engine.LockFile.Load(Path.Combine(repo.Root, "artifacts", "star1.lock.json")).Get("HostFirst")!;
        Assert.Equal("1", entry.Inputs.CodeVersion);
    }

    [Fact]
    public async Task AStageDeclaringAnUnknownKeyStopsTheBuildBeforeAnythingRuns()
    {
        var code = await BuildHost.RunAsync(["--target", "BadDecl"], typeof(HostTests).Assembly, (cake, engine, options) => new BadDeclContext(cake, engine, options), repo.Console(), repo.Root);
        Assert.Equal(1, code);
        Assert.Contains("error: stage BadDecl: it reads params key 'nope.key', which params.yaml does not have", repo.Output);
        Assert.False(Directory.Exists(Path.Combine(repo.Root, "artifacts", "runs")));
    }

    [Fact]
    public async Task ADependencyReachedTwiceRunsOnce()
    {
        Assert.Equal(0, await Run("--target", "HostReport"));
        var records = LatestStatuses();
        Assert.Equal(["HostFirst", "HostSecond", "HostLockNote"], records);
    }

    private List<string> LatestStatuses() =>
        System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(repo.Root, "artifacts", "runs", "latest.json"))).RootElement
            .GetProperty("stages").EnumerateArray().Select(e => e.GetProperty("stage").GetString()!).ToList();

    [Fact]
    public void SingleDashOptionsTakeNoInlineValue() =>
        Assert.Equal("unknown option '-t=X' (see --help)", Assert.Throws<ArgumentException>(() => HostOptions.Parse(["-t=X"])).Message);
}

/// <summary>A stage that records the build lock's owner note while it runs.</summary>
[TaskName("HostLockNote")]
[IsDependentOn(typeof(HostFirstTask))]
public sealed class HostLockNoteTask : StageTask<HostTestContext>
{
    public override IReadOnlyList<string> Outputs => ["owner.txt"];

    public override Task ExecuteAsync(HostTestContext context, Stages.StageContext stage, CancellationToken ct) =>
        File.WriteAllTextAsync(stage.Output("owner.txt"), File.ReadAllText(Path.Combine(context.Workspace.StateDir, "build.lock.owner")), ct);
}

/// <summary>Reads only, but depends on writing stages, two of which share HostFirst (a diamond).</summary>
[TaskName("HostReport")]
[ReadOnlyTask]
[IsDependentOn(typeof(HostSecondTask))]
[IsDependentOn(typeof(HostLockNoteTask))]
public sealed class HostReportTask : FrostingTask<HostTestContext>;

public sealed class BadDeclContext(ICakeContext cake, StageEngine engine, HostOptions options) : StageBuildContext(cake, engine, options);

[TaskName("BadDecl")]
public sealed class BadDeclTask : StageTask<BadDeclContext>
{
    public override IReadOnlyList<string> ParamKeys => ["nope.key"];
    public override IReadOnlyList<string> Outputs => ["x.txt"];
    public override Task ExecuteAsync(BadDeclContext context, Stages.StageContext stage, CancellationToken ct) => Task.CompletedTask;
}

[TaskDescription("a task with no stage of its own, named after its class")]
public sealed class HostNoteTask : FrostingTask<HostTestContext>
{
    public override void Run(HostTestContext context) => context.Console.WriteLine("a note from a plain task");
}

public sealed class CycleContext(ICakeContext cake, StageEngine engine, HostOptions options) : StageBuildContext(cake, engine, options);

[TaskName("CycleA")]
[IsDependentOn(typeof(CycleBTask))]
public sealed class CycleATask : FrostingTask<CycleContext>;

[TaskName("CycleB")]
[IsDependentOn(typeof(CycleATask))]
public sealed class CycleBTask : FrostingTask<CycleContext>;

public sealed class DanglingContext(ICakeContext cake, StageEngine engine, HostOptions options) : StageBuildContext(cake, engine, options);

[TaskName("Dangling")]
[IsDependentOn(typeof(HostFirstTask))]
public sealed class DanglingTask : FrostingTask<DanglingContext>;
