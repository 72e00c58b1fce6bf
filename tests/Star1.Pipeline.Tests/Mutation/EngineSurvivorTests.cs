using Star1.Pipeline.Engine;
using Star1.Pipeline.Stages;
using Star1.Pipeline.Tests.Support;

namespace Star1.Pipeline.Tests.Mutation;

/// <summary>
/// The reasons and messages the engine gives, in the cases the other tests leave out: more than one of a thing
/// (listed with separators), exactly one (singular), and every branch of Accept.
/// </summary>
public sealed class EngineSurvivorTests : IDisposable
{
    private readonly TestRepo repo = new();
    public void Dispose() => repo.Dispose();

    [Fact]
    public async Task SeveralReasonsToRunAreAllGivenApart()
    {
        await repo.RunAll(repo.Engine());
        File.WriteAllText(Path.Combine(repo.Root, "prompts", "p1.txt"), "first prompt, edited");
        var outcome = await repo.Engine(null, "a.x=2").RunAsync("A", force: false);
        Assert.Equal(StageResult.Executed, outcome.Result);
        Assert.Equal("param a.x: 1 -> 2; prompt prompts/p1.txt edited", outcome.Reason);
    }

    [Fact]
    public async Task OneMissingDataFileIsSaidInTheSingular()
    {
        var files = new[] { "data/one.txt", "data/two.txt" };
        foreach (var f in files) File.WriteAllText(Path.Combine(repo.Root, f), f);
        StageEngine Engine()
        {
            var engine = repo.BareEngine();
            engine.Add(new StageDefinition
            {
                Name = "Load",
                Outputs = ["out.txt"],
                DataFiles = (_, _) => files,
                Execute = async (ctx, ct) => await File.WriteAllTextAsync(ctx.Output("out.txt"), "loaded", ct),
            });
            return engine;
        }
        await Engine().RunAsync("Load", force: false);
        File.Delete(Path.Combine(repo.Root, "data", "two.txt"));
        Assert.Equal(["1 data file is missing"], Engine().Inspect("Load").Reasons);
    }

    [Fact]
    public async Task EveryMissingPromptIsListed()
    {
        var engine = repo.BareEngine();
        engine.Add(new StageDefinition
        {
            Name = "Ask",
            Prompts = ["prompts/p1.txt", "prompts/gone.txt", "prompts/also-gone.txt"],
            Outputs = ["out.txt"],
            Execute = async (ctx, ct) => await File.WriteAllTextAsync(ctx.Output("out.txt"), "asked", ct),
        });
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => engine.RunAsync("Ask", force: false));
        Assert.Equal("stage Ask reads prompt file(s) that do not exist: prompts/gone.txt, prompts/also-gone.txt", error.Message);
    }

    [Fact]
    public async Task EveryOutputAStageForgotIsListed()
    {
        var engine = repo.BareEngine();
        engine.Add(new StageDefinition
        {
            Name = "Partial",
            Outputs = ["one.txt", "two.txt", "three.txt"],
            Execute = async (ctx, ct) => await File.WriteAllTextAsync(ctx.Output("one.txt"), "1", ct),
        });
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => engine.RunAsync("Partial", force: false));
        Assert.Equal("stage Partial finished without writing two.txt, three.txt", error.Message);
    }

    [Fact]
    public async Task AStartWithNothingLeftOverSaysNothingAboutTemporaryFiles()
    {
        await repo.RunAll(repo.Engine());
        repo.Log.GetStringBuilder().Clear();
        repo.Engine().CleanLeftovers();
        Assert.DoesNotContain("temporary file", repo.Log.ToString());
    }

    [Fact]
    public async Task AcceptSaysWhatItDidInEachCase()
    {
        // Never run: nothing to accept.
        var never = repo.Engine();
        Assert.ThrowsAny<Exception>(() => never.Accept("A"));
        Assert.Equal("never run", never.Outcomes.Single().Reason);

        await repo.RunAll(repo.Engine());
        var fresh = repo.Engine();
        Assert.Equal("already fresh, nothing to accept", fresh.Accept("A").Reason);

        // Stale for two reasons: both are accepted, and said.
        File.WriteAllText(Path.Combine(repo.Root, "prompts", "p1.txt"), "first prompt, reworded");
        var stale = repo.Engine(null, "a.x=2");
        var accepted = stale.Accept("A");
        Assert.Equal(StageResult.Accepted, accepted.Result);
        Assert.Equal("accepted: param a.x: 1 -> 2; prompt prompts/p1.txt edited", accepted.Reason);

        // Stale with an output gone: it must run instead.
        File.WriteAllText(Path.Combine(repo.Root, "prompts", "p1.txt"), "first prompt, reworded again");
        File.Delete(repo.Output("A"));
        var gone = repo.Engine(null, "a.x=2");
        Assert.ThrowsAny<Exception>(() => gone.Accept("A"));
        Assert.Equal("output out.txt is missing", gone.Outcomes.Single().Reason);
    }
}

/// <summary>What Status says would stop a stage, and which stop is said first; keys read only in some modes.</summary>
public sealed class EngineStopAndModeSurvivorTests : IDisposable
{
    private readonly TestRepo repo = new();
    public void Dispose() => repo.Dispose();

    private string? stop;

    private StageEngine Engine(params string[] sets)
    {
        var engine = repo.BareEngine(null, sets);
        engine.Add(new StageDefinition
        {
            Name = "Ask",
            ParamKeys = ["a.x"],
            ParamKeysFrom = p => p.Get("a.x").AsInt() > 1 ? ["b.y"] : [],
            Prompts = ["prompts/p1.txt"],
            Outputs = ["out.txt"],
            Preflight = (_, _) => stop,
            Execute = async (ctx, ct) => await File.WriteAllTextAsync(ctx.Output("out.txt"), $"asked {ctx.Param("a.x").AsInt()}", ct),
        });
        return engine;
    }

    [Fact]
    public async Task AStageThatWillNotExecuteIsNotStoppedByItsPreflight()
    {
        await Engine("a.x=2").RunAsync("Ask", force: false);
        await Engine().RunAsync("Ask", force: false);
        stop = "no API key";

        // Fresh: nothing to run.
        var fresh = Engine().Inspect("Ask");
        Assert.Equal(Freshness.Fresh, fresh.State);
        Assert.Null(fresh.WouldStop);

        // Stale, but its outputs for these inputs are in the run-cache: it is restored, not run.
        var restorable = Engine("a.x=2").Inspect("Ask");
        Assert.Equal(Freshness.Stale, restorable.State);
        Assert.True(restorable.Restorable);
        Assert.Null(restorable.WouldStop);

        // Stale and not restorable: it would run, so the stop is said.
        Assert.Equal("no API key", Engine("a.x=3").Inspect("Ask").WouldStop);
    }

    [Fact]
    public async Task AMissingPromptIsSaidBeforeThePreflightsStop()
    {
        stop = "no API key";
        File.Delete(Path.Combine(repo.Root, "prompts", "p1.txt"));
        const string prompt = "stage Ask reads prompt file(s) that do not exist: prompts/p1.txt";
        var engine = Engine();
        Assert.Equal(prompt, engine.Inspect("Ask").WouldStop);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => engine.RunAsync("Ask", force: false));
        Assert.Equal(prompt, error.Message);
    }

    [Fact]
    public async Task AKeyReadInOneModeOnlyIsSaidAsNotReadInTheOther()
    {
        await Engine().RunAsync("Ask", force: false);
        var more = await Engine("a.x=2").RunAsync("Ask", force: false);
        Assert.Equal("param a.x: 1 -> 2; param b.y: (not read) -> \"hello\"", more.Reason);
        var less = await Engine("a.x=1").RunAsync("Ask", force: false);
        Assert.Equal(StageResult.Restored, less.Result);
        Assert.Equal("param a.x: 2 -> 1; param b.y: \"hello\" -> (not read); outputs restored from run-cache", less.Reason);
    }
}
