using Star1.Pipeline.Engine;
using Star1.Pipeline.Params;
using Star1.Pipeline.Stages;
using Star1.Pipeline.Tests.Support;

namespace Star1.Pipeline.Tests;

/// <summary>
/// A stage's fingerprint covers what it reads and nothing more: only the upstream outputs it declares, keys
/// read only in some modes only in those modes, and settings (how, not what) never.
/// </summary>
public sealed class DeclaredReadsTests : IDisposable
{
    private const string Params = """
        make:
          rows: 3           # what Make writes
          stats_note: hi    # only in Make's statistics file
          mode: plain       # plain | fancy
          fancy_mark: "*"   # read only in fancy mode
          workers: 2        # a setting: how many threads, never what is written
        use:
          suffix: "."
        """;

    private readonly TestRepo repo = new(Params);
    private readonly List<string> executed = [];
    public void Dispose() => repo.Dispose();

    private StageEngine Engine(params string[] sets)
    {
        var engine = repo.BareEngine(null, sets);
        engine.Add(new StageDefinition
        {
            Name = "Make",
            ParamKeys = ["make.rows", "make.stats_note", "make.mode"],
            ParamKeysFrom = p => p.Get("make.mode").AsString() == "fancy" ? ["make.fancy_mark"] : [],
            Settings = ["make.workers"],
            Outputs = ["rows.txt", "stats.txt"],
            Execute = async (ctx, ct) =>
            {
                executed.Add("Make");
                _ = ctx.Param("make.workers").AsInt();
                var mark = ctx.Param("make.mode").AsString() == "fancy" ? ctx.Param("make.fancy_mark").AsString() : "";
                await File.WriteAllLinesAsync(ctx.Output("rows.txt"), Enumerable.Range(1, (int)ctx.Param("make.rows").AsInt()).Select(i => $"{mark}row {i}"), ct);
                await File.WriteAllTextAsync(ctx.Output("stats.txt"), ctx.Param("make.stats_note").AsString(), ct);
            },
        });
        engine.Add(new StageDefinition
        {
            Name = "Use",
            ParamKeys = ["use.suffix"],
            Upstream = ["Make"],
            UpstreamOutputs = ["Make/rows.txt"],
            Outputs = ["used.txt"],
            Execute = async (ctx, ct) =>
            {
                executed.Add("Use");
                await File.WriteAllTextAsync(ctx.Output("used.txt"), File.ReadAllText(ctx.Input("Make", "rows.txt")) + ctx.Param("use.suffix").AsString(), ct);
            },
        });
        return engine;
    }

    private async Task<List<string>> Build(params string[] sets)
    {
        executed.Clear();
        var engine = Engine(sets);
        foreach (var stage in engine.Stages) await engine.RunAsync(stage.Name, force: false);
        return [.. executed];
    }

    [Fact]
    public async Task AChangeToAnUpstreamFileTheStageDoesNotReadLeavesItFresh()
    {
        Assert.Equal(["Make", "Use"], await Build());
        Assert.Equal(["Make"], await Build("make.stats_note=bye"));
        Assert.Equal("bye", File.ReadAllText(repo.Workspace.OutputPath("Make", "stats.txt")));
        Assert.Equal(["Make", "Use"], await Build("make.rows=4"));
    }

    [Fact]
    public async Task AKeyReadOnlyInAnotherModeChangesNothingInThisOne()
    {
        await Build();
        Assert.Empty(await Build("make.fancy_mark=#"));
        Assert.Equal(["Make", "Use"], await Build("make.mode=fancy", "make.fancy_mark=#"));
        Assert.StartsWith("#row 1", File.ReadAllText(repo.Workspace.OutputPath("Use", "used.txt")));
        var reasons = Engine("make.mode=fancy", "make.fancy_mark=+").Inspect("Make").Reasons;
        Assert.Equal(["param make.fancy_mark: \"#\" -> \"+\""], reasons);
    }

    [Fact]
    public async Task ASettingNeverEntersTheFingerprint()
    {
        await Build();
        Assert.Empty(await Build("make.workers=16"));
        Assert.DoesNotContain("make.workers", File.ReadAllText(repo.Workspace.LockPath));
    }

    [Fact]
    public async Task ReadingAnUpstreamOutputThatIsNotDeclaredIsAnError()
    {
        await Build();
        var engine = repo.BareEngine();
        foreach (var stage in Engine().Stages.Take(1)) engine.Add(stage);
        engine.Add(new StageDefinition
        {
            Name = "Sneak",
            Upstream = ["Make"],
            UpstreamOutputs = ["Make/rows.txt"],
            Outputs = ["x.txt"],
            Execute = (ctx, _) => Task.FromResult(ctx.Input("Make", "stats.txt")),
        });
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => engine.RunAsync("Sneak", force: false));
        Assert.Equal("stage Sneak reads Make/stats.txt without declaring it among the upstream outputs it reads", error.Message);
    }

    [Fact]
    public void DeclaringAnUpstreamOutputThatDoesNotExistStopsBeforeAnyWork()
    {
        var engine = Engine();
        var error = Assert.Throws<ParamsException>(() => engine.Add(new StageDefinition
        {
            Name = "Typo",
            Upstream = ["Make"],
            UpstreamOutputs = ["Make/row.txt", "Other/x.txt"],
            Outputs = ["x.txt"],
            Execute = (_, _) => Task.CompletedTask,
        }));
        Assert.Equal("stage Typo: it reads 'Make/row.txt', which Make does not write; it reads 'Other/x.txt', but Other is not among its upstream stages", error.Message);
    }
}
