using Star1.Pipeline.Engine;
using Star1.Pipeline.Hashing;
using Star1.Pipeline.Stages;
using Star1.Pipeline.Tests.Support;

namespace Star1.Pipeline.Tests;

/// <summary>
/// Engine promises that no other test pinned down: each test here failed against a small deliberate bug
/// planted in the engine (a deleted line, an ignored field), so a regression of that kind cannot pass.
/// </summary>
public sealed class MutationGuardTests : IDisposable
{
    private readonly TestRepo repo = new();
    public void Dispose() => repo.Dispose();

    private string ObjectsDir => Path.Combine(repo.Workspace.CacheDir, "objects");

    /// <summary>The run-cache objects whose bytes equal the given text.</summary>
    private string[] ObjectsHolding(string text) =>
        [.. Directory.GetFiles(ObjectsDir, "*", SearchOption.AllDirectories).Where(o => File.ReadAllText(o) == text)];

    /// <summary>Corrupts A's cached output, then moves A away from that fingerprint so the next default run must restore it.</summary>
    private async Task<string> CorruptCachedOutputOfA()
    {
        await repo.RunAll(repo.Engine());
        var obj = Assert.Single(ObjectsHolding(File.ReadAllText(repo.Output("A"))));
        File.WriteAllText(obj, "tampered");
        await repo.RunAll(repo.Engine(null, "a.x=9"));
        return obj;
    }

    [Fact]
    public async Task RefusedCorruptObjectIsDeletedFromTheCache()
    {
        var obj = await CorruptCachedOutputOfA();
        var fingerprint = repo.Engine().Inspect("A").Fingerprint!;

        var (files, problem) = new RunCache(repo.Workspace.CacheDir).Fetch(fingerprint, name => repo.Output("A", name));
        Assert.Null(files);
        Assert.StartsWith("cached object for out.txt is corrupted (expected ", problem);
        // Left in place, the bad object would block every later store of the same bytes (Store skips existing objects).
        Assert.False(File.Exists(obj));
        // Nothing half-fetched is left beside the output.
        Assert.Empty(Directory.GetFiles(repo.Workspace.StageDir("A"), "*.tmp"));
    }

    [Fact]
    public async Task AfterACorruptObjectIsRefusedEveryObjectMatchesItsName()
    {
        await CorruptCachedOutputOfA();
        var engine = repo.Engine();
        await engine.RunAsync("A", false);
        Assert.Equal(StageResult.Executed, engine.Outcomes.Single().Result);

        foreach (var obj in Directory.GetFiles(ObjectsDir, "*", SearchOption.AllDirectories))
            Assert.Equal(Path.GetFileName(Path.GetDirectoryName(obj)) + Path.GetFileName(obj), ContentHash.OfFile(obj));
        // The re-run stored a good copy, so the next switch back and forth restores instead of executing.
        await repo.RunAll(repo.Engine(null, "a.x=9"));
        var again = repo.Engine();
        await again.RunAsync("A", false);
        Assert.Equal(StageResult.Restored, again.Outcomes.Single().Result);
    }

    [Fact]
    public async Task StrayFilesInAnOutputFolderGoWhenTheStageExecutes()
    {
        await repo.RunAll(repo.Engine());
        var stray = repo.Output("C", "stray.txt");
        var nested = repo.Output("C", "extra/old.json");
        File.WriteAllText(stray, "left from an older version of C");
        File.WriteAllText(nested, "{}");

        var engine = repo.Engine();
        await repo.RunAll(engine, force: true);
        Assert.Equal(StageResult.Executed, engine.Outcomes.Single(o => o.Stage == "C").Result);
        Assert.False(File.Exists(stray));
        Assert.False(File.Exists(nested));
        Assert.True(File.Exists(repo.Output("C", "extra/summary.json")));
    }

    [Fact]
    public async Task StrayFilesInAnOutputFolderGoWhenTheStageIsRestored()
    {
        await repo.RunAll(repo.Engine());
        await repo.RunAll(repo.Engine(null, "a.x=5"));
        var stray = repo.Output("C", "stray.txt");
        File.WriteAllText(stray, "left from an older version of C");

        var engine = repo.Engine();
        await repo.RunAll(engine);
        Assert.Equal(StageResult.Restored, engine.Outcomes.Single(o => o.Stage == "C").Result);
        Assert.False(File.Exists(stray));
        Assert.True(File.Exists(repo.Output("C", "extra/summary.json")));
    }

    /// <summary>
    /// The kernel's file-change clock ticks every few milliseconds; a pause makes sure an edit gets a change
    /// time different from the one the engine stamped after writing the file.
    /// </summary>
    private static void LetTheChangeClockTick() => Thread.Sleep(30);

    /// <summary>
    /// Only Linux stamps carry inode and ctime (FileStamp says why); elsewhere size and mtime are all the
    /// engine can see, so the three tests below have nothing to check there.
    /// </summary>
    [System.Runtime.Versioning.SupportedOSPlatformGuard("linux")]
    private static bool OnLinux => OperatingSystem.IsLinux();

    [Fact]
    public async Task SameSizeEditWithItsMtimePutBackStillMakesTheStageStale()
    {
        if (!OnLinux) return;
        await repo.RunAll(repo.Engine());
        var path = repo.Output("A");
        var mtime = File.GetLastWriteTimeUtc(path);
        var text = File.ReadAllText(path);
        LetTheChangeClockTick();

        File.WriteAllText(path, text.ToUpperInvariant());
        File.SetLastWriteTimeUtc(path, mtime);
        Assert.Equal(mtime, File.GetLastWriteTimeUtc(path));
        Assert.Equal(text.Length, new FileInfo(path).Length);
        Assert.NotEqual(text, File.ReadAllText(path));

        Assert.Equal(["output out.txt was modified"], repo.Engine().Inspect("A").Reasons);
    }

    [Fact]
    public async Task OutputReplacedByARenameWithSameSizeAndMtimeMakesTheStageStale()
    {
        if (!OnLinux) return;
        await repo.RunAll(repo.Engine());
        var path = repo.Output("A");
        var mtime = File.GetLastWriteTimeUtc(path);
        var text = File.ReadAllText(path);
        LetTheChangeClockTick();

        var replacement = path + ".new";
        File.WriteAllText(replacement, text.ToUpperInvariant());
        File.SetLastWriteTimeUtc(replacement, mtime);
        File.Move(replacement, path, overwrite: true);
        Assert.Equal(mtime, File.GetLastWriteTimeUtc(path));

        Assert.Equal(["output out.txt was modified"], repo.Engine().Inspect("A").Reasons);
    }

    [Fact]
    public void StampCarriesTheRealInodeAndChangeTime()
    {
        if (!OnLinux) return;
        var a = Path.Combine(repo.Root, "stamp-a.txt");
        var b = Path.Combine(repo.Root, "stamp-b.txt");
        File.WriteAllText(a, "same");
        File.WriteAllText(b, "same");
        var sa = FileStamp.Of(a)!.Value;
        var sb = FileStamp.Of(b)!.Value;

        Assert.NotEqual(0UL, sa.Inode);
        Assert.NotEqual(sa.Inode, sb.Inode);
        var ctime = DateTimeOffset.FromUnixTimeMilliseconds(sa.CtimeNanos / 1_000_000);
        Assert.InRange(ctime, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));

        // A rename keeps the inode: the stamp follows the file, not the name.
        var c = Path.Combine(repo.Root, "stamp-c.txt");
        File.Move(b, c);
        Assert.Equal(sb.Inode, FileStamp.Of(c)!.Value.Inode);

        // A mode change touches neither bytes nor mtime, only ctime: the stamp must see it.
        LetTheChangeClockTick();
        File.SetUnixFileMode(a, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var after = FileStamp.Of(a)!.Value;
        Assert.NotEqual(sa.CtimeNanos, after.CtimeNanos);
        Assert.Equal(sa with { CtimeNanos = after.CtimeNanos }, after);
        Assert.Null(FileStamp.Of(b));
    }

    [Fact]
    public async Task StageThatSkipsADeclaredOutputFailsAndKeepsThePreviousOutputsAndLock()
    {
        var writeSecond = true;
        var version = "first";
        StageDefinition Partial() => new()
        {
            Name = "Partial",
            Outputs = ["one.txt", "two.txt"],
            Execute = async (ctx, _) =>
            {
                await File.WriteAllTextAsync(ctx.Output("one.txt"), version);
                if (writeSecond) await File.WriteAllTextAsync(ctx.Output("two.txt"), "two");
            },
        };
        StageEngine EngineWithPartial()
        {
            var engine = repo.Engine();
            engine.Add(Partial());
            return engine;
        }
        await EngineWithPartial().RunAsync("Partial", false);
        var lockBefore = File.ReadAllText(repo.Workspace.LockPath);

        writeSecond = false;
        version = "second";
        var failing = EngineWithPartial();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => failing.RunAsync("Partial", force: true));
        Assert.Equal("stage Partial finished without writing two.txt", error.Message);
        Assert.Equal(StageResult.Failed, failing.Outcomes.Single().Result);

        Assert.Equal("first", File.ReadAllText(repo.Output("Partial", "one.txt")));
        Assert.Equal("two", File.ReadAllText(repo.Output("Partial", "two.txt")));
        Assert.Equal(lockBefore, File.ReadAllText(repo.Workspace.LockPath));
        Assert.Equal(Freshness.Fresh, EngineWithPartial().Inspect("Partial").State);
        Assert.Empty(Directory.GetDirectories(Path.Combine(repo.Workspace.StateDir, "staging")));
    }

    [Fact]
    public void ParamsEditThatDoesNotApplyFailsTheTest()
    {
        var before = File.ReadAllText(Path.Combine(repo.Root, "params.yaml"));
        var missing = Assert.Throws<Xunit.Sdk.XunitException>(() => repo.EditParams(("key: 7", "key: 8"), ("x: 99", "x: 100")));
        Assert.Contains("'x: 99' must occur exactly once, found none", missing.Message);
        var twice = Assert.Throws<Xunit.Sdk.XunitException>(() => repo.EditParams(("x: ", "y: ")));
        Assert.Contains("found several", twice.Message);
        // A refused edit writes nothing, not even its parts that did match.
        Assert.Equal(before, File.ReadAllText(Path.Combine(repo.Root, "params.yaml")));
    }
}
