using System.Text.Json;
using System.Text.RegularExpressions;
using Cake.Core;
using Spectre.Console;
using Star1.Host;
using Star1.Pipeline.Engine;
using Star1.Pipeline.Stages;
using Star1.Pipeline.Tests.Support;

namespace Star1.Pipeline.Tests;

/// <summary>The graph run through the real Cake engine, as ./build.sh runs it.</summary>
public sealed class HostTests : IDisposable
{
    private readonly HostRepo repo = new();
    public void Dispose() => repo.Dispose();

    private Task<int> Run(params string[] args) => repo.Run(args);

    private JsonElement LatestRecord() => repo.LatestRecord();
    private Dictionary<string, string> StageStatuses() => repo.StageStatuses();

    [Fact]
    public async Task RunsTheGraphThenSkipsItAndRecordsBoth()
    {
        Assert.Equal(0, await Run("--target", "HostAll"));
        Assert.Equal(new Dictionary<string, string> { ["HostFirst"] = "executed", ["HostSecond"] = "executed" }, StageStatuses());
        Assert.Equal("line 1\nline 2\nline 3\n!", File.ReadAllText(Path.Combine(repo.Root, "artifacts", "hostsecond", "second.txt")));

        Assert.Equal(0, await Run("--target", "HostAll"));
        Assert.Equal(new Dictionary<string, string> { ["HostFirst"] = "up-to-date", ["HostSecond"] = "up-to-date" }, StageStatuses());
        Assert.Equal("default", LatestRecord().GetProperty("profile").GetString());
        Assert.True(Directory.GetFiles(Path.Combine(repo.Root, "artifacts", "runs")).Length >= 3);
    }

    [Fact]
    public async Task DryRunAndStatusNameTheReasonAndRunNothing()
    {
        await Run("--target", "HostAll");
        var lockBefore = File.ReadAllText(Path.Combine(repo.Root, "artifacts", "star1.lock.json"));
        repo.ClearOutput();

        Assert.Equal(0, await Run("--target", "HostAll", "--dryrun", "--profile", "big"));
        var text = repo.Output;
        Assert.Contains("param first.n: 3 -> 5", text);
        Assert.Contains("upstream HostFirst is stale", text);
        Assert.Equal(lockBefore, File.ReadAllText(Path.Combine(repo.Root, "artifacts", "star1.lock.json")));

        repo.ClearOutput();
        Assert.Equal(0, await Run("--target", "HostStatus", "--set", "second.suffix=?"));
        Assert.Contains("param second.suffix: \"!\" -> \"?\"", repo.Output);
        Assert.Contains("fresh", repo.Output);
        Assert.Equal(lockBefore, File.ReadAllText(Path.Combine(repo.Root, "artifacts", "star1.lock.json")));
    }

    [Fact]
    public async Task ForceStageRerunsOnlyThatStage()
    {
        await Run("--target", "HostAll");
        Assert.Equal(0, await Run("--target", "HostAll", "--force-stage", "HostSecond"));
        Assert.Equal(new Dictionary<string, string> { ["HostFirst"] = "up-to-date", ["HostSecond"] = "executed" }, StageStatuses());
        Assert.Equal(0, await Run("--target", "HostAll", "--force"));
        Assert.Equal(new Dictionary<string, string> { ["HostFirst"] = "executed", ["HostSecond"] = "executed" }, StageStatuses());
    }

    [Fact]
    public async Task ExclusiveRunsOnlyTheTarget()
    {
        await Run("--target", "HostAll");
        Assert.Equal(0, await Run("--target", "HostSecond", "--exclusive", "--set", "second.suffix=?"));
        Assert.Equal(new Dictionary<string, string> { ["HostSecond"] = "executed" }, StageStatuses());
    }

    [Fact]
    public async Task BadParamsFailBeforeAnythingRuns()
    {
        Assert.Equal(1, await Run("--target", "HostAll", "--set", "first.m=4"));
        Assert.Contains("unknown key 'first.m'", repo.Output);
        Assert.False(Directory.Exists(Path.Combine(repo.Root, "artifacts", "hostfirst")));
        Assert.False(File.Exists(Path.Combine(repo.Root, "artifacts", "runs", "latest.json")));

        Assert.Equal(1, await Run("--target", "HostAll", "--set", "first.n=many"));
        Assert.Contains("params.yaml line 2", repo.Output);
    }

    [Fact]
    public async Task FailedStageIsRecordedAsFailed()
    {
        Assert.Equal(1, await Run("--target", "HostAll", "--set", "first.n=-1"));
        Assert.Equal("failed", StageStatuses()["HostFirst"]);
        Assert.False(LatestRecord().GetProperty("succeeded").GetBoolean());
        Assert.Contains("n must be positive", repo.Output);
    }

    [Fact]
    public async Task QuietPrintsOneResultLineAndNothingElse()
    {
        Assert.Equal(0, await Run("--target", "HostAll", "--verbosity", "quiet"));
        Assert.Equal("2 stages: 2 executed", Regex.Replace(repo.Output.Trim(), @" \([0-9.]+ s\)$", ""));

        repo.ClearOutput();
        Assert.Equal(1, await Run("--target", "HostAll", "-v", "q", "--set", "first.n=-1"));
        var lines = repo.Output.Trim().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("1 stage: 1 failed", lines[0]);
        Assert.Contains("error: first.n must be positive", lines[1]);
    }

    [Fact]
    public async Task MinimalPrintsTheTablesButNotWhatRuns()
    {
        Assert.Equal(0, await Run("--target", "HostAll", "--verbosity", "minimal"));
        var text = repo.Output;
        Assert.Contains("first wrote 3 lines", text);
        Assert.Contains("Stages", text);
        Assert.Matches(@"HostSecond\s*│\s*executed", text);
        Assert.DoesNotContain("running (", text);
        Assert.DoesNotContain("run record:", text);
    }

    [Fact]
    public async Task NormalSaysWhatRunsAndWhy()
    {
        Assert.Equal(0, await Run("--target", "HostAll"));
        var text = repo.Output;
        Assert.Contains("HostFirst: running (never run)", text);
        Assert.Contains("HostSecond: executed", text);
        Assert.Contains("run record:", text);
    }

    [Fact]
    public void ARedirectedConsoleWritesNoEscapeCodes()
    {
        var text = new StringWriter();
        var console = HostOutput.CreateConsole(text, isTerminal: false);
        console.MarkupLine("[red]error:[/] [bold yellow on blue]x[/]");
        Assert.Equal("error: x", text.ToString().Trim());
        Assert.False(console.Profile.Capabilities.Ansi);
    }

    [Theory]
    [InlineData("--target", "HostAll")]
    [InlineData("--target", "HostAll", "--dryrun")]
    [InlineData("--tree")]
    [InlineData("--target", "Nope")]
    public async Task TheHostWritesNoEscapeCodesIntoAFileOrPipe(params string[] args)
    {
        // An xterm's TERM is what makes Cake and Spectre choose ANSI; the output still goes to a pipe.
        using var child = ChildProcess.Start(new Dictionary<string, string?> { ["TERM"] = "xterm-256color", ["NO_COLOR"] = null }, ["host", repo.Root, .. args]);
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = await child.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await child.WaitForExitAsync(timeout.Token);
        var text = await stdout + stderr;
        Assert.DoesNotContain("\u001b[", text);
        Assert.True(text.Length > 20, text);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--target", "Nope")]
    [InlineData("--target", "HostAll", "--force-stage", "Nope")]
    [InlineData("--verbosity", "loud")]
    public async Task BadCommandLinesAreRejected(params string[] args)
    {
        Assert.Equal(2, await Run(args));
        Assert.Contains(args[^1], repo.Output);
    }
}

public sealed class HostTestContext(ICakeContext cake, StageEngine engine, HostOptions options) : StageBuildContext(cake, engine, options);

[TaskName("HostFirst")]
public sealed class HostFirstTask : StageTask<HostTestContext>
{
    public override IReadOnlyList<string> ParamKeys => ["first.n"];
    public override IReadOnlyList<string> Outputs => ["first.txt"];

    public override async Task ExecuteAsync(HostTestContext context, StageContext stage, CancellationToken ct)
    {
        var n = stage.Param("first.n").AsInt();
        if (n < 0) throw new ArgumentException("first.n must be positive");
        await File.WriteAllLinesAsync(stage.Output("first.txt"), Enumerable.Range(1, (int)n).Select(i => $"line {i}"), ct);
        context.Console.MarkupLine($"[green]first wrote {n} lines[/]");
    }
}

[TaskName("HostSecond")]
[IsDependentOn(typeof(HostFirstTask))]
public sealed class HostSecondTask : StageTask<HostTestContext>
{
    public override IReadOnlyList<string> ParamKeys => ["second.suffix"];
    public override IReadOnlyList<string> Outputs => ["second.txt"];

    public override async Task ExecuteAsync(HostTestContext context, StageContext stage, CancellationToken ct) =>
        await File.WriteAllTextAsync(stage.Output("second.txt"), File.ReadAllText(stage.Input("HostFirst", "first.txt")) + stage.Param("second.suffix").AsString(), ct);
}

[TaskName("HostAll")]
[TaskDescription("the whole test graph")]
[IsDependentOn(typeof(HostSecondTask))]
public sealed class HostAllTask : FrostingTask<HostTestContext>;

[TaskName("HostStatus")]
[ReadOnlyTask]
public sealed class HostStatusTask : FrostingTask<HostTestContext>
{
    public override void Run(HostTestContext context) =>
        StageTables.PrintStatus(context.Console, context.Engine.Stages.Select(s => context.Engine.Inspect(s.Name)));

}
