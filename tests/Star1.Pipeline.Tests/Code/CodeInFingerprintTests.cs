using System.Reflection;
using Star1.Pipeline.Engine;
using Star1.Pipeline.Params;
using Star1.Pipeline.Stages;
using Star1.Pipeline.Tests.Support;

namespace Star1.Pipeline.Tests.Code;

/// <summary>
/// The scenario that once poisoned the run-cache: edit a stage's comparison, run, revert the edit, delete the
/// outputs, run again. With code in the fingerprint the edited run lands under its own fingerprint, Status
/// names the edited type beforehand, and the reverted build restores the original result.
/// </summary>
public sealed class CodeInFingerprintTests : IDisposable
{
    private readonly TestRepo repo = new();
    public void Dispose() => repo.Dispose();

    private readonly List<string> executions = [];

    private StageEngine EngineRunning(Assembly plugin)
    {
        var stage = plugin.GetType("Plugin.Stage")!;
        var engine = repo.BareEngine();
        engine.Add(new StageDefinition
        {
            Name = "Filter",
            Outputs = ["kept.txt"],
            CodeRoots = [stage],
            Execute = async (ctx, ct) =>
            {
                executions.Add("Filter");
                var kept = (string)stage.GetMethod("Run")!.Invoke(null, [new[] { 0.5, 0.7, 0.9 }])!;
                await File.WriteAllTextAsync(ctx.Output("kept.txt"), kept, ct);
            },
        });
        return engine;
    }

    [Fact]
    public async Task TypesAPersonWroteAreNamedBeforeCompilerGeneratedOnes()
    {
        // An anonymous type ("<>f__AnonymousType0`1") and the stage's own class change together.
        const string source = "namespace Plugin; public static class Stage { public static string Run(double[] c) => new { Kept = c.Length * FACTOR }.ToString(); }";
        await EngineRunning(PluginCompiler.Compile(source.Replace("FACTOR", "1"))).RunAsync("Filter", force: false);
        var edited = EngineRunning(PluginCompiler.Compile(source.Replace("FACTOR", "2").Replace("Kept", "Count")));
        var reason = Assert.Single(edited.Inspect("Filter").Reasons);
        Assert.StartsWith("code changed: Plugin.Stage, <>f__AnonymousType0", reason);
    }

    [Fact]
    public async Task EditRunRevertDeleteRunRestoresTheOriginalResult()
    {
        var original = PluginCompiler.Compile(CodeHasherTests.Version1);
        var editedSource = CodeHasherTests.Version1.Replace("cosine >= 0.7", "cosine > 0.7");
        var output = repo.Workspace.OutputPath("Filter", "kept.txt");

        await EngineRunning(original).RunAsync("Filter", force: false);
        Assert.Equal("0.7,0.9", File.ReadAllText(output));

        var edited = EngineRunning(PluginCompiler.Compile(editedSource));
        var status = edited.Inspect("Filter");
        Assert.Equal(Freshness.Stale, status.State);
        Assert.Equal(["code changed: Plugin.Filter"], status.Reasons);
        await edited.RunAsync("Filter", force: true);
        Assert.Equal("0.9", File.ReadAllText(output));

        // Revert (a fresh build of the original source), delete the outputs, build: the original result comes back.
        var reverted = EngineRunning(PluginCompiler.Compile(CodeHasherTests.Version1));
        Assert.Equal(["code changed: Plugin.Filter"], reverted.Inspect("Filter").Reasons);
        Directory.Delete(repo.Workspace.StageDir("Filter"), recursive: true);
        executions.Clear();
        var outcome = await reverted.RunAsync("Filter", force: false);
        Assert.Equal(StageResult.Restored, outcome.Result);
        Assert.Empty(executions);
        Assert.Equal("0.7,0.9", File.ReadAllText(output));
    }

    [Fact]
    public async Task AcceptMarksACodeChangeFreshWithoutRunningAndSaysSoInTheLock()
    {
        await EngineRunning(PluginCompiler.Compile(CodeHasherTests.Version1)).RunAsync("Filter", force: false);
        var refactored = CodeHasherTests.Version1.Replace("cosine >= 0.7", "!(cosine < 0.7)");
        Assert.NotEqual(CodeHasherTests.Version1, refactored);

        var engine = EngineRunning(PluginCompiler.Compile(refactored));
        Assert.Equal(Freshness.Stale, engine.Inspect("Filter").State);
        executions.Clear();
        var outcome = engine.Accept("Filter");
        Assert.Equal(StageResult.Accepted, outcome.Result);
        Assert.Empty(executions);
        Assert.Equal(Freshness.Fresh, engine.Inspect("Filter").State);
        Assert.Contains("\"accepted\": \"code changed: Plugin.Filter\"", File.ReadAllText(repo.Workspace.LockPath));
        // The run-cache only holds what really ran: the accepted fingerprint has no entry to restore.
        Assert.False(engine.Inspect("Filter").Restorable);

        // A later build with the same code is fresh: nothing runs.
        var again = EngineRunning(PluginCompiler.Compile(refactored));
        Assert.Equal(StageResult.UpToDate, (await again.RunAsync("Filter", force: false)).Result);
        Assert.Empty(executions);
    }

    [Fact]
    public async Task AcceptRefusesAStageThatNeverRanAndOneWhoseOutputIsMissing()
    {
        var engine = EngineRunning(PluginCompiler.Compile(CodeHasherTests.Version1));
        var never = Assert.Throws<InvalidOperationException>(() => engine.Accept("Filter"));
        Assert.Equal("stage Filter has never run here: there are no results to accept (run it instead)", never.Message);

        await engine.RunAsync("Filter", force: false);
        File.Delete(repo.Workspace.OutputPath("Filter", "kept.txt"));
        var missing = Assert.Throws<InvalidOperationException>(() => EngineRunning(PluginCompiler.Compile(CodeHasherTests.Version1)).Accept("Filter"));
        Assert.Equal("stage Filter cannot be accepted: its output kept.txt is missing (run it instead)", missing.Message);
    }
}
