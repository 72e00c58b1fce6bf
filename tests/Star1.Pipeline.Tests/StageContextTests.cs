using Star1.Pipeline.Engine;
using Star1.Pipeline.Hashing;
using Star1.Pipeline.Stages;
using Star1.Pipeline.Tests.Support;

namespace Star1.Pipeline.Tests;

/// <summary>What a running stage may touch, and the messages when it reaches for something it did not declare.</summary>
public sealed class StageContextTests : IDisposable
{
    private const string Yaml = """
        grp:
          x: 1
          y: two
        grpx:
          z: 3
        """;

    private readonly TestRepo repo = new(Yaml);
    public void Dispose() => repo.Dispose();

    /// <summary>Runs one stage with the given body on an engine that has only that stage (plus an upstream "Up").</summary>
    private async Task<Exception?> RunStage(Func<StageContext, Task> body, string[]? keys = null, string[]? prompts = null, string[]? upstream = null)
    {
        var parameters = Params.ParamsLoader.Load(Path.Combine(repo.Root, "params.yaml"), "default", []);
        var engine = new StageEngine(repo.Workspace, parameters, new TextStageReporter(repo.Log));
        engine.Add(new StageDefinition
        {
            Name = "Up",
            Outputs = ["up.txt"],
            Execute = (ctx, _) => File.WriteAllTextAsync(ctx.Output("up.txt"), "from up"),
        });
        engine.Add(new StageDefinition
        {
            Name = "Probe",
            ParamKeys = keys ?? [],
            Prompts = prompts ?? [],
            Upstream = upstream ?? [],
            Outputs = ["o.txt"],
            Execute = async (ctx, _) =>
            {
                await body(ctx);
                await File.WriteAllTextAsync(ctx.Output("o.txt"), "done");
            },
        });
        await engine.RunAsync("Up", false);
        try
        {
            await engine.RunAsync("Probe", force: true);
            return null;
        }
        catch (InvalidOperationException e)
        {
            return e;
        }
    }

    [Fact]
    public async Task AGroupKeyCoversItsChildrenButNotASiblingWithTheSamePrefix()
    {
        long x = 0;
        string y = "";
        Assert.Null(await RunStage(ctx =>
        {
            x = ctx.Param("grp.x").AsInt();
            y = ctx.Param("grp.y").AsString();
            return Task.CompletedTask;
        }, keys: ["grp"]));
        Assert.Equal(1, x);
        Assert.Equal("two", y);

        var error = await RunStage(ctx => Task.FromResult(ctx.Param("grpx.z")), keys: ["grp"]);
        Assert.Equal("stage Probe reads params key 'grpx.z' without declaring it", error?.Message);
    }

    [Fact]
    public async Task UndeclaredPromptOutputAndUpstreamAreRefusedByName()
    {
        Assert.Equal("stage Probe reads prompt 'prompts/p2.txt' without declaring it",
            (await RunStage(ctx => Task.FromResult(ctx.Prompt("prompts/p2.txt")), prompts: ["prompts/p1.txt"]))?.Message);
        Assert.Equal("stage Probe writes 'other.txt', which is not among its declared outputs",
            (await RunStage(ctx => Task.FromResult(ctx.Output("other.txt"))))?.Message);
        Assert.Equal("stage Probe reads from Up without declaring it upstream",
            (await RunStage(ctx => Task.FromResult(ctx.Input("Up", "up.txt"))))?.Message);
    }

    [Fact]
    public async Task DeclaredReadsWorkAndTheContextSaysWhereThingsAre()
    {
        string? prompt = null, input = null, hash = null, missingHash = "unset", cacheDir = null, profile = null, root = null, name = null;
        Assert.Null(await RunStage(async ctx =>
        {
            prompt = ctx.Prompt("prompts/p1.txt");
            input = await File.ReadAllTextAsync(ctx.Input("Up", "up.txt"));
            hash = ctx.FileHash(Path.Combine(ctx.RepoRoot, "data", "d-input.txt"));
            missingHash = ctx.FileHash(Path.Combine(ctx.RepoRoot, "data", "none.txt"));
            cacheDir = ctx.CacheDir("memo");
            profile = ctx.Profile;
            root = ctx.RepoRoot;
            name = ctx.StageName;
            ctx.Reporter.Info("probe says hello");
        }, prompts: ["prompts/p1.txt"], upstream: ["Up"]));

        Assert.Equal("first prompt", prompt);
        Assert.Equal("from up", input);
        Assert.Equal(ContentHash.OfString("data for D"), hash);
        Assert.Null(missingHash);
        Assert.Equal(Path.Combine(repo.Workspace.CacheDir, "stages", "Probe", "memo"), cacheDir);
        Assert.True(Directory.Exists(cacheDir));
        Assert.Equal("default", profile);
        Assert.Equal(repo.Workspace.RepoRoot, root);
        Assert.Equal("Probe", name);
        Assert.Contains("probe says hello", repo.Log.ToString());
    }

    [Fact]
    public void WorkspacePathsAreFixedByTheArtifactsFolder()
    {
        var w = new Workspace("/r", "/r/art");
        Assert.Equal("/r/art/star1.lock.json", w.LockPath);
        Assert.Equal("/r/art/cache", w.CacheDir);
        Assert.Equal("/r/art/runs", w.RunsDir);
        Assert.Equal("/r/art/.star1", w.StateDir);
        Assert.Equal("/r/art/collect", w.StageDir("Collect"));
        Assert.Equal("/r/art/collect/sub/x.json", w.OutputPath("Collect", "sub/x.json"));
        Assert.Equal("/r/prompts/a.md", w.Resolve("prompts/../prompts/a.md"));
    }
}

/// <summary>The line-per-message reporter used for tests and redirected output.</summary>
public sealed class TextStageReporterTests
{
    [Fact]
    public void InfoAndWarnAreOneLineEach()
    {
        var writer = new StringWriter();
        var reporter = new TextStageReporter(writer);
        reporter.Info("hello");
        reporter.Warn("careful");
        Assert.Equal($"hello{Environment.NewLine}warning: careful{Environment.NewLine}", writer.ToString());
    }

    [Fact]
    public void StepsAreCountedApart()
    {
        // Progress starts to show once a step has run a second (ReporterTests covers that rule and the tenths).
        var writer = new StringWriter();
        var now = DateTime.UnixEpoch;
        var reporter = new TextStageReporter(writer, ReportLevel.Normal, () => now);
        reporter.Progress("S", "a", 1, 10);
        reporter.Progress("S", "b", 1, 10);
        now += TimeSpan.FromSeconds(2);
        reporter.Progress("S", "a", 5, 10);
        reporter.Progress("S", "b", 5, 10);
        var lines = writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["S | a: 5/10 (50%), ETA 00:00:02", "S | b: 5/10 (50%), ETA 00:00:02"], lines);
    }
}
