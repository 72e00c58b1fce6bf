using System.Text.Json;
using Cake.Core;
using Spectre.Console;
using Star1.Host;
using Star1.Pipeline.Engine;
using Star1.Pipeline.Stages;

namespace Star1.Pipeline.Tests;

/// <summary>The graph run through the real Cake engine, as ./build.sh runs it.</summary>
public sealed class HostTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "star1-host-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly StringWriter output = new();

    public HostTests()
    {
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "params.yaml"), """
            first:
              n: 3        # how many lines First writes
            second:
              suffix: "!"
            other:
              k: 1
            profiles:
              big:
                first:
                  n: 5
            """);
    }

    public void Dispose()
    {
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }

    private async Task<int> Run(params string[] args)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
        });
        console.Profile.Width = 200;
        return await BuildHost.RunAsync(args, typeof(HostTests).Assembly, (cake, engine, options) => new HostTestContext(cake, engine, options), console, root);
    }

    private JsonElement LatestRecord() => JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "artifacts", "runs", "latest.json"))).RootElement;

    private Dictionary<string, string> StageStatuses() =>
        LatestRecord().GetProperty("stages").EnumerateArray().ToDictionary(s => s.GetProperty("stage").GetString()!, s => s.GetProperty("status").GetString()!);

    [Fact]
    public async Task RunsTheGraphThenSkipsItAndRecordsBoth()
    {
        Assert.Equal(0, await Run("--target", "HostAll"));
        Assert.Equal(new Dictionary<string, string> { ["HostFirst"] = "executed", ["HostSecond"] = "executed" }, StageStatuses());
        Assert.Equal("line 1\nline 2\nline 3\n!", File.ReadAllText(Path.Combine(root, "artifacts", "hostsecond", "second.txt")));

        Assert.Equal(0, await Run("--target", "HostAll"));
        Assert.Equal(new Dictionary<string, string> { ["HostFirst"] = "up-to-date", ["HostSecond"] = "up-to-date" }, StageStatuses());
        Assert.Equal("default", LatestRecord().GetProperty("profile").GetString());
        Assert.True(Directory.GetFiles(Path.Combine(root, "artifacts", "runs")).Length >= 3);
    }

    [Fact]
    public async Task DryRunAndStatusNameTheReasonAndRunNothing()
    {
        await Run("--target", "HostAll");
        var lockBefore = File.ReadAllText(Path.Combine(root, "artifacts", "star1.lock.json"));
        output.GetStringBuilder().Clear();

        Assert.Equal(0, await Run("--target", "HostAll", "--dryrun", "--profile", "big"));
        var text = output.ToString();
        Assert.Contains("param first.n: 3 -> 5", text);
        Assert.Contains("upstream HostFirst is stale", text);
        Assert.Equal(lockBefore, File.ReadAllText(Path.Combine(root, "artifacts", "star1.lock.json")));

        output.GetStringBuilder().Clear();
        Assert.Equal(0, await Run("--target", "HostStatus", "--set", "second.suffix=?"));
        Assert.Contains("param second.suffix: \"!\" -> \"?\"", output.ToString());
        Assert.Contains("fresh", output.ToString());
        Assert.Equal(lockBefore, File.ReadAllText(Path.Combine(root, "artifacts", "star1.lock.json")));
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
        Assert.Contains("unknown key 'first.m'", output.ToString());
        Assert.False(Directory.Exists(Path.Combine(root, "artifacts", "hostfirst")));
        Assert.False(File.Exists(Path.Combine(root, "artifacts", "runs", "latest.json")));

        Assert.Equal(1, await Run("--target", "HostAll", "--set", "first.n=many"));
        Assert.Contains("params.yaml line 2", output.ToString());
    }

    [Fact]
    public async Task FailedStageIsRecordedAsFailed()
    {
        Assert.Equal(1, await Run("--target", "HostAll", "--set", "first.n=-1"));
        Assert.Equal("failed", StageStatuses()["HostFirst"]);
        Assert.False(LatestRecord().GetProperty("succeeded").GetBoolean());
        Assert.Contains("n must be positive", output.ToString());
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--target", "Nope")]
    [InlineData("--target", "HostAll", "--force-stage", "Nope")]
    [InlineData("--verbosity", "loud")]
    public async Task BadCommandLinesAreRejected(params string[] args)
    {
        Assert.Equal(2, await Run(args));
        Assert.Contains(args[^1], output.ToString());
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
