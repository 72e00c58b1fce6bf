using Star1.Pipeline.Engine;
using Star1.Pipeline.Stages;
using Star1.Pipeline.Tests.Support;

namespace Star1.Pipeline.Tests;

/// <summary>
/// A declared output ending in "/" is a folder whose every file is an output (a checkpoint of N shards): each file
/// is recorded, checked, stored and restored under its own name, and a downstream stage that reads the folder is
/// fingerprinted by all of them.
/// </summary>
public sealed class FolderOutputTests : IDisposable
{
    private const string Params = """
        shard:
          count: 2          # how many shard files Shard writes
          text: w           # what goes in them
          empty: false      # true: Shard writes its folder but no file in it
        use:
          suffix: "."
        """;

    private readonly TestRepo repo = new(Params);
    private readonly List<string> executed = [];
    public void Dispose() => repo.Dispose();

    private string Checkpoint(params string[] parts) => Path.Combine([repo.Workspace.OutputPath("Shard", "checkpoint"), .. parts]);

    private StageEngine Engine(params string[] sets)
    {
        var engine = repo.BareEngine(null, sets);
        engine.Add(new StageDefinition
        {
            Name = "Shard",
            ParamKeys = ["shard.count", "shard.text", "shard.empty"],
            Outputs = ["checkpoint/", "notes.txt"],
            Execute = async (ctx, ct) =>
            {
                executed.Add("Shard");
                var folder = ctx.Output("checkpoint/");
                Assert.True(Directory.Exists(folder));
                await File.WriteAllTextAsync(ctx.Output("notes.txt"), "notes", ct);
                if (ctx.Param("shard.empty").AsBool()) return;
                var count = (int)ctx.Param("shard.count").AsInt();
                for (int i = 1; i <= count; i++)
                    await File.WriteAllTextAsync(Path.Combine(folder, $"model-{i}-of-{count}.bin"), $"{ctx.Param("shard.text").AsString()} {i}", ct);
                // A file asked for by name under the declared folder, in a subfolder.
                await File.WriteAllTextAsync(ctx.Output("checkpoint/meta/index.json"), $"{{\"shards\": {count}}}", ct);
            },
        });
        engine.Add(new StageDefinition
        {
            Name = "Use",
            ParamKeys = ["use.suffix"],
            Upstream = ["Shard"],
            UpstreamOutputs = ["Shard/checkpoint/"],
            Outputs = ["used.txt"],
            Execute = async (ctx, ct) =>
            {
                executed.Add("Use");
                var folder = ctx.Input("Shard", "checkpoint/");
                var text = string.Join("|", Directory.GetFiles(folder, "*.bin").Order(StringComparer.Ordinal).Select(File.ReadAllText));
                await File.WriteAllTextAsync(ctx.Output("used.txt"), text + ctx.Param("use.suffix").AsString(), ct);
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

    private static readonly string[] ShardFiles = ["checkpoint/meta/index.json", "checkpoint/model-1-of-2.bin", "checkpoint/model-2-of-2.bin", "notes.txt"];

    [Fact]
    public async Task EveryFileUnderTheFolderIsRecordedAndASecondRunExecutesNothing()
    {
        Assert.Equal(["Shard", "Use"], await Build());
        var engine = Engine();
        Assert.Equal(ShardFiles, engine.Lock.Get("Shard")!.Outputs.Keys);
        Assert.Equal("w 1|w 2.", File.ReadAllText(repo.Workspace.OutputPath("Use", "used.txt")));
        // The downstream fingerprint lists each file of the folder.
        Assert.Equal(["Shard/checkpoint/meta/index.json", "Shard/checkpoint/model-1-of-2.bin", "Shard/checkpoint/model-2-of-2.bin"], engine.Lock.Get("Use")!.Inputs.Upstream.Keys);
        Assert.Empty(await Build());
    }

    [Fact]
    public async Task AnExtraFilePlantedInTheFolderMakesTheStageStaleAndTheRunRemovesIt()
    {
        await Build();
        File.WriteAllText(Checkpoint("stray.bin"), "planted");
        Assert.Equal(["output checkpoint/stray.bin is not one the stage wrote"], Engine().Inspect("Shard").Reasons);
        // Same fingerprint, so the run restores the recorded files, and only those.
        Assert.Empty(await Build());
        Assert.False(File.Exists(Checkpoint("stray.bin")));
        Assert.Equal(Freshness.Fresh, Engine().Inspect("Shard").State);
    }

    [Fact]
    public async Task AModifiedFileIsNamedAndRestored()
    {
        await Build();
        File.WriteAllText(Checkpoint("model-2-of-2.bin"), "edited");
        Assert.Equal(["output checkpoint/model-2-of-2.bin was modified"], Engine().Inspect("Shard").Reasons);
        var engine = Engine();
        Assert.Equal(StageResult.Restored, (await engine.RunAsync("Shard", false)).Result);
        Assert.Equal("w 2", File.ReadAllText(Checkpoint("model-2-of-2.bin")));
    }

    [Fact]
    public async Task ARemovedShardIsNamedAndRestored()
    {
        await Build();
        File.Delete(Checkpoint("model-1-of-2.bin"));
        Assert.Equal(["output checkpoint/model-1-of-2.bin is missing"], Engine().Inspect("Shard").Reasons);
        // The downstream stage waits on the upstream rather than fingerprinting a partial folder.
        Assert.Contains("Shard/checkpoint/model-1-of-2.bin is missing", Engine().Inspect("Use").Reasons);
        Assert.Empty(await Build());
        Assert.Equal("w 1", File.ReadAllText(Checkpoint("model-1-of-2.bin")));
    }

    [Fact]
    public async Task ADeletedFolderIsRestoredExactlyFromTheRunCache()
    {
        await Build();
        Directory.Delete(Checkpoint(), recursive: true);
        Assert.Equal(["output checkpoint/ is missing"], Engine().Inspect("Shard").Reasons);
        var engine = Engine();
        Assert.Equal(StageResult.Restored, (await engine.RunAsync("Shard", false)).Result);
        var files = Directory.GetFiles(Checkpoint(), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(repo.Workspace.StageDir("Shard"), f).Replace('\\', '/')).Order(StringComparer.Ordinal);
        Assert.Equal(ShardFiles.SkipLast(1), files);
        Assert.Equal(StageResult.UpToDate, (await engine.RunAsync("Use", false)).Result);
    }

    [Fact]
    public async Task FewerShardsLeaveNoOldShardBehindAndSwitchingBackRestoresThem()
    {
        await Build("shard.count=3");
        Assert.True(File.Exists(Checkpoint("model-3-of-3.bin")));
        Assert.Equal(["Shard", "Use"], await Build());
        Assert.Equal(["index.json", "model-1-of-2.bin", "model-2-of-2.bin"],
            Directory.GetFiles(Checkpoint(), "*", SearchOption.AllDirectories).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        // The three-shard run is in the run-cache: both stages restore, nothing executes.
        Assert.Empty(await Build("shard.count=3"));
        Assert.Equal(["index.json", "model-1-of-3.bin", "model-2-of-3.bin", "model-3-of-3.bin"],
            Directory.GetFiles(Checkpoint(), "*", SearchOption.AllDirectories).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AChangedFileUnderTheFolderChangesTheDownstreamFingerprint()
    {
        await Build();
        var before = Engine().Inspect("Use").Fingerprint;
        Assert.Equal(["Shard", "Use"], await Build("shard.text=v"));
        var engine = Engine("shard.text=v");
        Assert.NotEqual(before, engine.Inspect("Use").Fingerprint);
        Assert.Equal("v 1|v 2.", File.ReadAllText(repo.Workspace.OutputPath("Use", "used.txt")));
    }

    [Fact]
    public async Task ADownstreamStageNamesTheUpstreamFileThatChanged()
    {
        await Build();
        await Build("shard.text=v");
        // Shard's files are now v's; restoring the w run puts w's back under Use, which then names what changed.
        var engine = Engine();
        await engine.RunAsync("Shard", false);
        var reasons = engine.Inspect("Use").Reasons;
        Assert.Contains("upstream Shard/checkpoint/model-1-of-2.bin changed", reasons);
        Assert.DoesNotContain("upstream Shard/checkpoint/meta/index.json changed", reasons);
    }

    [Fact]
    public async Task AFileAddedUnderAnUpstreamFolderMakesTheDownstreamStageWait()
    {
        await Build();
        File.WriteAllText(Checkpoint("model-9.bin"), "planted");
        Assert.Contains("Shard/checkpoint/model-9.bin was added outside the build", Engine().Inspect("Use").Reasons);
    }

    [Fact]
    public async Task AnEmptyFolderFailsTheStageWithAClearMessage()
    {
        var engine = Engine("shard.empty=true");
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => engine.RunAsync("Shard", false));
        Assert.Equal("stage Shard finished without writing checkpoint/ (no file in the folder)", e.Message);
        Assert.Null(engine.Lock.Get("Shard"));
    }

    [Fact]
    public async Task AcceptRecordsTheFilesOnDiskUnderTheFolder()
    {
        await Build();
        File.WriteAllText(Checkpoint("extra.bin"), "by hand");
        repo.EditParams(("suffix: \".\"", "suffix: \"!\""));
        var engine = Engine();
        Assert.Equal(StageResult.Accepted, engine.Accept("Shard").Result);
        Assert.Contains("checkpoint/extra.bin", engine.Lock.Get("Shard")!.Outputs.Keys);
    }

    [Fact]
    public async Task AFolderOutputIsGivenCreatedAndOnlyPathsUnderItAreWritable()
    {
        var engine = repo.BareEngine();
        engine.Add(new StageDefinition
        {
            Name = "Probe",
            Outputs = ["checkpoint/"],
            Execute = async (ctx, ct) =>
            {
                var folder = ctx.Output("checkpoint/");
                Assert.True(Directory.Exists(folder));
                Assert.Equal(Path.Combine(folder, "sub", "a.json"), ctx.Output("checkpoint/sub/a.json"));
                Assert.True(Directory.Exists(Path.Combine(folder, "sub")));
                Assert.Throws<InvalidOperationException>(() => ctx.Output("checkpoint"));
                Assert.Throws<InvalidOperationException>(() => ctx.Output("checkpoint/../escape.txt"));
                Assert.Throws<InvalidOperationException>(() => ctx.Output("other/a.json"));
                await File.WriteAllTextAsync(ctx.Output("checkpoint/sub/a.json"), "{}", ct);
            },
        });
        Assert.Equal(StageResult.Executed, (await engine.RunAsync("Probe", false)).Result);
        Assert.Equal(["checkpoint/sub/a.json"], engine.Lock.Get("Probe")!.Outputs.Keys);
    }

    [Fact]
    public void AnOutputInsideADeclaredFolderOrAReadOfAnUnwrittenFolderIsRefusedAtRegistration()
    {
        var engine = repo.BareEngine();
        var overlap = Assert.ThrowsAny<Exception>(() => engine.Add(new StageDefinition
        {
            Name = "Overlap", Outputs = ["checkpoint/", "checkpoint/config.json"], Execute = (_, _) => Task.CompletedTask,
        }));
        Assert.Contains("its output 'checkpoint/config.json' lies inside its folder output 'checkpoint/'", overlap.Message);
        engine.Add(new StageDefinition { Name = "Up", Outputs = ["checkpoint/"], Execute = (_, _) => Task.CompletedTask });
        engine.Add(new StageDefinition { Name = "Down", Upstream = ["Up"], UpstreamOutputs = ["Up/checkpoint/"], Outputs = ["x"], Execute = (_, _) => Task.CompletedTask });
        var wrong = Assert.ThrowsAny<Exception>(() => engine.Add(new StageDefinition
        {
            Name = "Wrong", Upstream = ["Up"], UpstreamOutputs = ["Up/weights/"], Outputs = ["x"], Execute = (_, _) => Task.CompletedTask,
        }));
        Assert.Contains("it reads 'Up/weights/', which Up does not write", wrong.Message);
    }
}
