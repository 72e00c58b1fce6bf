using Star1.Pipeline.Engine;
using Star1.Pipeline.Params;
using Star1.Pipeline.Stages;

namespace Star1.Pipeline.Tests.Support;

/// <summary>
/// A throw-away repository with a params.yaml, two prompt files and a small graph of test stages:
///   A (a.x, prompts/p1.txt) -> B (b.y) -> C (c.z, prompts/p2.txt);   D (d.w, prompts/p1.txt) on its own.
/// Each stage writes real files derived from its inputs and counts its executions.
/// </summary>
public sealed class TestRepo : IDisposable
{
    public const string DefaultParams = """
        a:
          x: 1            # read by A
        b:
          y: hello        # read by B
        c:
          z: 0.5          # read by C
        d:
          w: [1, 2]       # read by D
        unused:
          key: 7          # read by nobody
        profiles:
          other:
            a:
              x: 2
        """;

    public string Root { get; }
    public Dictionary<string, int> Executions { get; } = [];
    public StringWriter Log { get; } = new();

    /// <summary>When set, a stage with this name throws after writing part of its output.</summary>
    public string? FailIn { get; set; }

    /// <summary>When set, a stage with this name writes part of its output, touches <see cref="HangSignal"/> and hangs.</summary>
    public string? HangIn { get; set; }
    public string? HangSignal { get; set; }

    private TestRepo(string root, bool create, string paramsYaml)
    {
        Root = root;
        if (!create) return;
        Directory.CreateDirectory(Path.Combine(Root, "prompts"));
        File.WriteAllText(Path.Combine(Root, "params.yaml"), paramsYaml);
        File.WriteAllText(Path.Combine(Root, "prompts", "p1.txt"), "first prompt");
        File.WriteAllText(Path.Combine(Root, "prompts", "p2.txt"), "second prompt");
        Directory.CreateDirectory(Path.Combine(Root, "data"));
        File.WriteAllText(Path.Combine(Root, "data", "d-input.txt"), "data for D");
    }

    public TestRepo(string paramsYaml = DefaultParams)
        : this(Path.Combine(Path.GetTempPath(), "star1-test-" + Guid.NewGuid().ToString("N")[..10]), true, paramsYaml) { }

    /// <summary>Opens a repository another TestRepo made (used by the child-process fixtures).</summary>
    public static TestRepo Open(string root) => new(root, false, "");

    public Workspace Workspace => new(Root, Path.Combine(Root, "artifacts"));

    public StageEngine Engine(string? profile = null, params string[] sets)
    {
        var engine = BareEngine(profile, sets);
        foreach (var stage in Stages()) engine.Add(stage);
        return engine;
    }

    /// <summary>An engine on this repository with no stages: a test adds its own.</summary>
    public StageEngine BareEngine(string? profile = null, params string[] sets) =>
        new(Workspace, ParamsLoader.Load(Path.Combine(Root, "params.yaml"), profile, sets), new TextStageReporter(Log));

    public IEnumerable<StageDefinition> Stages()
    {
        yield return Stage("A", ["a.x"], ["prompts/p1.txt"], [], async ctx =>
            await File.WriteAllTextAsync(ctx.Output("out.txt"), $"A {ctx.Param("a.x").AsInt()} {ctx.Prompt("prompts/p1.txt")}"));
        yield return Stage("B", ["b.y"], [], ["A"], async ctx =>
            await File.WriteAllTextAsync(ctx.Output("out.txt"), $"B {ctx.Param("b.y").AsString()} <- {File.ReadAllText(ctx.Input("A", "out.txt"))}"));
        yield return Stage("C", ["c.z"], ["prompts/p2.txt"], ["B"], async ctx =>
        {
            await File.WriteAllTextAsync(ctx.Output("out.txt"), $"C {ctx.Param("c.z").AsDouble()} {ctx.Prompt("prompts/p2.txt")} <- {File.ReadAllText(ctx.Input("B", "out.txt"))}");
            await File.WriteAllTextAsync(ctx.Output("extra/summary.json"), "{\"ok\": true}");
        }, outputs: ["out.txt", "extra/summary.json"]);
        yield return Stage("D", ["d.w"], ["prompts/p1.txt"], [], async ctx =>
            await File.WriteAllTextAsync(ctx.Output("out.txt"), $"D {ctx.Param("d.w").ToCanonicalJson()}")) with
        {
            DataFiles = (_, _) => ["data/d-input.txt"],
        };
    }

    private StageDefinition Stage(string name, string[] keys, string[] prompts, string[] upstream, Func<StageContext, Task> body, string[]? outputs = null) => new()
    {
        Name = name,
        ParamKeys = keys,
        Prompts = prompts,
        Upstream = upstream,
        Outputs = outputs ?? ["out.txt"],
        Execute = async (ctx, _) =>
        {
            Executions[name] = Executions.GetValueOrDefault(name) + 1;
            if (HangIn == name)
            {
                await File.WriteAllTextAsync(ctx.Output("out.txt"), "half");
                File.WriteAllText(HangSignal!, "hanging");
                // Bounded, so that a child orphaned by a killed test run (a mutation-testing timeout) goes away by itself.
                await Task.Delay(TimeSpan.FromSeconds(90), CancellationToken.None);
                throw new TimeoutException($"stage {name} hung and nobody killed it");
            }
            if (FailIn == name)
            {
                await File.WriteAllTextAsync(ctx.Output("out.txt"), "half");
                throw new InvalidOperationException($"stage {name} failed on purpose");
            }
            await body(ctx);
        },
    };

    /// <summary>Runs every stage in dependency order, as the host would for the whole graph.</summary>
    public async Task<IReadOnlyList<StageOutcome>> RunAll(StageEngine engine, bool force = false)
    {
        foreach (var stage in engine.Stages) await engine.RunAsync(stage.Name, force);
        engine.Hashes.Save();
        return engine.Outcomes;
    }

    /// <summary>Resets the execution counters, runs everything, and returns which stages executed.</summary>
    public async Task<string[]> Executed(StageEngine engine)
    {
        Executions.Clear();
        await RunAll(engine);
        return [.. Executions.Keys.Order()];
    }

    public string Output(string stage, string name = "out.txt") => Workspace.OutputPath(stage, name);

    /// <summary>
    /// Replaces each old text of params.yaml by its new text. Each old text must occur exactly once: an edit
    /// that silently did not apply would turn a "nothing re-runs" test into one that proves nothing.
    /// </summary>
    public void EditParams(params (string Old, string New)[] edits)
    {
        var path = Path.Combine(Root, "params.yaml");
        var text = File.ReadAllText(path);
        foreach (var (old, replacement) in edits)
        {
            var at = text.IndexOf(old, StringComparison.Ordinal);
            if (at < 0 || text.IndexOf(old, at + 1, StringComparison.Ordinal) >= 0)
                throw new Xunit.Sdk.XunitException($"params.yaml edit: '{old}' must occur exactly once, found {(at < 0 ? "none" : "several")}");
            text = string.Concat(text.AsSpan(0, at), replacement, text.AsSpan(at + old.Length));
        }
        File.WriteAllText(path, text);
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
