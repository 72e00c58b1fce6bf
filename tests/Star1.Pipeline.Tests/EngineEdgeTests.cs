using System.Text.Json;
using System.Text.Json.Nodes;
using Star1.Pipeline.Engine;
using Star1.Pipeline.Hashing;
using Star1.Pipeline.Stages;
using Star1.Pipeline.Storage;
using Star1.Pipeline.Tests.Support;

namespace Star1.Pipeline.Tests;

/// <summary>
/// The engine's less travelled paths: damaged state files, unusable run-cache entries, stages run out of
/// order, and the exact words of each reason. Written against the survivors of a mutation-testing run.
/// </summary>
public sealed class EngineEdgeTests : IDisposable
{
    private readonly TestRepo repo = new();
    public void Dispose() => repo.Dispose();

    private string RunEntryPath(string fingerprint) => Path.Combine(repo.Workspace.CacheDir, "runs", fingerprint + ".json");

    /// <summary>Runs everything, then moves A (and so B and C) to a.x=9, leaving the default run restorable.</summary>
    private async Task<string> RestorableDefaultFingerprintOf(string stage)
    {
        await repo.RunAll(repo.Engine());
        var fingerprint = repo.Engine().Inspect(stage).Fingerprint!;
        await repo.RunAll(repo.Engine(null, "a.x=9"));
        Assert.True(File.Exists(RunEntryPath(fingerprint)));
        return fingerprint;
    }

    [Fact]
    public void DamagedLockFileStopsTheBuildSayingWhatToDo()
    {
        Directory.CreateDirectory(repo.Workspace.ArtifactsDir);
        File.WriteAllText(repo.Workspace.LockPath, "{ not json");
        var error = Assert.Throws<InvalidDataException>(() => repo.Engine());
        Assert.StartsWith($"{repo.Workspace.LockPath}: the lock file is damaged (", error.Message);
        Assert.EndsWith("delete it to rebuild everything, or restore it from version control", error.Message);
    }

    [Fact]
    public async Task DamagedHashIndexOnlyCostsReHashing()
    {
        await repo.RunAll(repo.Engine());
        File.WriteAllText(Path.Combine(repo.Workspace.StateDir, "hashes.json"), "garbage");
        var engine = repo.Engine();
        Assert.Empty(await repo.Executed(engine));
        Assert.True(engine.Hashes.FullHashes > 0);
        // The run rewrote a good index, so the next no-op run reads nothing again.
        var next = repo.Engine();
        await repo.RunAll(next);
        Assert.Equal(0, next.Hashes.FullHashes);
    }

    [Fact]
    public async Task UnreadableRunCacheEntryIsRefusedForgottenAndTheStageRuns()
    {
        var fingerprint = await RestorableDefaultFingerprintOf("A");
        File.WriteAllText(RunEntryPath(fingerprint), "{ broken");

        var engine = repo.Engine();
        repo.Executions.Clear();
        var outcome = await engine.RunAsync("A", false);
        Assert.Equal(StageResult.Executed, outcome.Result);
        Assert.Contains($"run-cache entry {fingerprint[..12]} is unreadable (", outcome.Reason);
        Assert.Contains($"warning: A: run-cache entry {fingerprint[..12]} is unreadable", repo.Log.ToString());
        Assert.Equal(1, repo.Executions["A"]);
        // The executed run stored a fresh, readable entry under the same fingerprint.
        Assert.Equal("A", JsonNode.Parse(File.ReadAllText(RunEntryPath(fingerprint)))!["Stage"]!.GetValue<string>());
    }

    [Fact]
    public async Task MissingCachedObjectIsRefusedAndTheEntryForgotten()
    {
        var fingerprint = await RestorableDefaultFingerprintOf("A");
        var (files, _) = new RunCache(repo.Workspace.CacheDir).Fetch(fingerprint, n => repo.Output("A", n));
        Assert.NotNull(files);
        foreach (var (temp, record) in files!.Values)
        {
            Assert.Equal(record.Hash, ContentHash.OfFile(temp));
            File.Delete(temp);
            File.Delete(Path.Combine(repo.Workspace.CacheDir, "objects", record.Hash[..2], record.Hash[2..]));
        }

        var (again, problem) = new RunCache(repo.Workspace.CacheDir).Fetch(fingerprint, n => repo.Output("A", n));
        Assert.Null(again);
        Assert.Equal("cached object for out.txt is missing", problem);
        Assert.False(File.Exists(RunEntryPath(fingerprint)));
        Assert.False(new RunCache(repo.Workspace.CacheDir).Has(fingerprint));
    }

    [Fact]
    public async Task RefusedMultiFileEntryLeavesNoTemporaryFiles()
    {
        var fingerprint = await RestorableDefaultFingerprintOf("C");
        // Corrupt the second of C's two objects, so the first has already been copied when the second is refused.
        var entry = JsonNode.Parse(File.ReadAllText(RunEntryPath(fingerprint)))!;
        var hash = entry["Outputs"]!["out.txt"]!["Hash"]!.GetValue<string>();
        File.WriteAllText(Path.Combine(repo.Workspace.CacheDir, "objects", hash[..2], hash[2..]), "tampered");

        var (files, problem) = new RunCache(repo.Workspace.CacheDir).Fetch(fingerprint, n => repo.Output("C", n));
        Assert.Null(files);
        Assert.StartsWith("cached object for out.txt is corrupted", problem);
        Assert.Empty(Directory.GetFiles(repo.Workspace.StageDir("C"), "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task RunCacheEntryLackingADeclaredOutputIsNotRestored()
    {
        var fingerprint = await RestorableDefaultFingerprintOf("C");
        var entry = JsonNode.Parse(File.ReadAllText(RunEntryPath(fingerprint)))!;
        entry["Outputs"]!.AsObject().Remove("extra/summary.json");
        File.WriteAllText(RunEntryPath(fingerprint), entry.ToJsonString());

        var engine = repo.Engine();
        foreach (var stage in new[] { "A", "B" }) await engine.RunAsync(stage, false);
        repo.Executions.Clear();
        var outcome = await engine.RunAsync("C", false);
        Assert.Equal(StageResult.Executed, outcome.Result);
        Assert.EndsWith("; run-cache entry lacks some declared outputs", outcome.Reason);
        Assert.Equal(1, repo.Executions["C"]);
        Assert.Empty(Directory.GetFiles(repo.Workspace.StageDir("C"), "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task StageRunBeforeItsUpstreamFailsNamingWhatItWaitsFor()
    {
        var engine = repo.Engine();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => engine.RunAsync("B", false));
        Assert.Equal("stage B cannot run: waits on upstream: A has not run (run its upstream stages first, e.g. without --exclusive)", error.Message);
        var outcome = Assert.Single(engine.Outcomes);
        Assert.Equal(StageResult.Failed, outcome.Result);
        Assert.Equal("waits on upstream: A has not run", outcome.Reason);
        Assert.Null(outcome.Fingerprint);
        Assert.Empty(repo.Executions);
    }

    [Fact]
    public async Task UpstreamOutputEditedOrDeletedOutsideTheBuildMakesDependentsWait()
    {
        await repo.RunAll(repo.Engine());
        File.WriteAllText(repo.Output("A"), "edited by hand");
        var engine = repo.Engine();
        var b = engine.Inspect("B");
        Assert.Equal(Freshness.Waiting, b.State);
        Assert.Equal(["A/out.txt was changed outside the build"], b.Reasons);
        Assert.Equal("waits on upstream: A/out.txt was changed outside the build", b.Describe());
        // C's own inputs are intact, but its upstream cannot be judged: it is stale because of that.
        var c = engine.Inspect("C");
        Assert.Equal(Freshness.Stale, c.State);
        Assert.Equal(["upstream B is not built"], c.Reasons);

        File.Delete(repo.Output("A"));
        Assert.Equal(["A/out.txt is missing"], repo.Engine().Inspect("B").Reasons);
    }

    [Fact]
    public async Task CodeVersionAndReadSetChangesAreNamed()
    {
        await repo.RunAll(repo.Engine());
        var engine = repo.Engine();
        // D as if its code had changed: a new version, a prompt it no longer reads, a new data file it reads.
        File.WriteAllText(Path.Combine(repo.Root, "data", "e-input.txt"), "more data");
        var changedD = repo.Stages().Single(s => s.Name == "D") with
        {
            Version = "2",
            Prompts = ["prompts/p2.txt"],
            DataFiles = (_, _) => ["data/e-input.txt"],
        };
        var fresh = new StageEngine(repo.Workspace, engine.Params, new TextStageReporter(repo.Log));
        fresh.Add(changedD);
        Assert.Equal(
            [
                "code version 1 -> 2",
                "prompt prompts/p1.txt no longer read",
                "prompt prompts/p2.txt newly read",
                "data file data/d-input.txt no longer read",
                "data file data/e-input.txt newly read",
            ],
            fresh.Inspect("D").Reasons);

        var readsMore = new StageEngine(repo.Workspace, engine.Params, new TextStageReporter(repo.Log));
        readsMore.Add(repo.Stages().Single(s => s.Name == "A") with { ParamKeys = ["a.x", "unused.key"] });
        Assert.Equal(["param unused.key: (not read) -> 7"], readsMore.Inspect("A").Reasons);
    }

    [Fact]
    public async Task ChangingOnlyTheDeclaredOutputsIsNamed()
    {
        await repo.RunAll(repo.Engine());
        var engine = new StageEngine(repo.Workspace, repo.Engine().Params, new TextStageReporter(repo.Log));
        engine.Add(repo.Stages().Single(s => s.Name == "A") with { Outputs = ["out.txt", "more.txt"] });
        Assert.Equal(["declared outputs changed"], engine.Inspect("A").Reasons);
    }

    [Fact]
    public void StatusDescribesEachState()
    {
        Assert.Equal("fresh", new StageStatus("S", Freshness.Fresh, [], "f", true).Describe());
        Assert.Equal("never run", new StageStatus("S", Freshness.NeverRun, ["never run"], "f", false).Describe());
        Assert.Equal("never run here (restorable from run-cache)", new StageStatus("S", Freshness.NeverRun, ["never run"], "f", true).Describe());
        Assert.Equal("waits on upstream: x; y", new StageStatus("S", Freshness.Waiting, ["x", "y"], null, false).Describe());
        Assert.Equal("stale: x; y", new StageStatus("S", Freshness.Stale, ["x", "y"], "f", false).Describe());
        Assert.Equal("stale: x (restorable from run-cache)", new StageStatus("S", Freshness.Stale, ["x"], "f", true).Describe());
    }

    [Fact]
    public async Task AStageCopiedToANewWorkspaceIsRestorableButNeverRunThere()
    {
        await repo.RunAll(repo.Engine());
        File.Delete(repo.Workspace.LockPath);
        var a = repo.Engine().Inspect("A");
        Assert.Equal(Freshness.NeverRun, a.State);
        Assert.True(a.Restorable);
        Assert.Equal(["never run"], a.Reasons);
    }

    [Fact]
    public void StagesWithBadDeclarationsAreRejectedWithEveryProblem()
    {
        var engine = repo.Engine();
        var error = Assert.Throws<Params.ParamsException>(() => engine.Add(new StageDefinition
        {
            Name = "Orphan",
            Upstream = ["Later"],
            Outputs = [],
            Execute = (_, _) => Task.CompletedTask,
        }));
        Assert.Equal("stage Orphan: its upstream stage 'Later' is not registered before it; it declares no outputs", error.Message);
        Assert.DoesNotContain(engine.Stages, s => s.Name == "Orphan");
    }

    [Fact]
    public async Task RecordedOutputsCarryHashAndSize()
    {
        await repo.RunAll(repo.Engine());
        var entry = LockFile.Load(repo.Workspace.LockPath).Get("C")!;
        var output = entry.Outputs["out.txt"];
        Assert.Equal(ContentHash.OfFile(repo.Output("C")), output.Hash);
        Assert.Equal(new FileInfo(repo.Output("C")).Length, output.Size);
        Assert.Equal(["B/out.txt"], entry.Inputs.Upstream.Keys);
        Assert.Equal("0.5", entry.Inputs.Params["c.z"]);
        Assert.Equal(repo.Engine().Inspect("C").Fingerprint, entry.Fingerprint);
        Assert.InRange(entry.Completed, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task RunRecordHoldsEveryStageAndIsWrittenTwice()
    {
        await repo.RunAll(repo.Engine());
        var engine = repo.Engine(null, "b.y=again");
        var started = DateTimeOffset.Now;
        await repo.RunAll(engine);
        var record = RunRecord.From("All", engine, started, null);
        var stamped = record.Write(repo.Workspace);

        Assert.Equal(Path.Combine(repo.Workspace.RunsDir, $"{started:yyyyMMdd-HHmmss-fff}.json"), stamped);
        var latest = File.ReadAllText(Path.Combine(repo.Workspace.RunsDir, "latest.json"));
        Assert.Equal(File.ReadAllText(stamped), latest);
        var json = JsonDocument.Parse(latest).RootElement;
        Assert.Equal("All", json.GetProperty("target").GetString());
        Assert.Equal("default", json.GetProperty("profile").GetString());
        Assert.Equal(["--set b.y=again"], json.GetProperty("overrides").EnumerateArray().Select(e => e.GetString()));
        Assert.True(json.GetProperty("succeeded").GetBoolean());
        Assert.False(json.TryGetProperty("error", out _));
        var statuses = json.GetProperty("stages").EnumerateArray().ToDictionary(s => s.GetProperty("stage").GetString()!, s => s.GetProperty("status").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["A"] = "up-to-date", ["B"] = "executed", ["C"] = "executed", ["D"] = "up-to-date" }, statuses);

        var failed = RunRecord.From("All", engine, started, new InvalidOperationException("boom"));
        Assert.False(failed.Succeeded);
        Assert.Equal("boom", failed.Error);
        Assert.Equal("restored", RunRecord.StatusWord(StageResult.Restored));
        Assert.Equal("failed", RunRecord.StatusWord(StageResult.Failed));
    }
}

/// <summary>The build lock's own promises, in one process (the cross-process ones are in CrashAndConcurrencyTests).</summary>
public sealed class BuildLockTests : IDisposable
{
    private readonly string stateDir = Path.Combine(Path.GetTempPath(), "star1-lock-" + Guid.NewGuid().ToString("N")[..10], ".star1");
    public void Dispose()
    {
        try { Directory.Delete(Path.GetDirectoryName(stateDir)!, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void HolderIsNamedWhileHeldAndTheNoteGoesWithTheLock()
    {
        var owner = Path.Combine(stateDir, "build.lock.owner");
        using (BuildLock.Acquire(stateDir, "target X", TimeSpan.Zero))
        {
            Assert.StartsWith($"pid {Environment.ProcessId}, target X, since ", File.ReadAllText(owner));
            var waited = new List<string>();
            var error = Assert.Throws<BuildLockedException>(() => BuildLock.Acquire(stateDir, "second", TimeSpan.FromMilliseconds(250), waited.Add));
            Assert.StartsWith($"another build is using {Path.GetDirectoryName(stateDir)} (pid {Environment.ProcessId}, target X, since ", error.Message);
            Assert.EndsWith("); gave up after 0 s. Wait for it to finish, or pass --lock-wait SECONDS to wait longer.", error.Message);
            Assert.Equal([$"another build is using the artifacts folder ({File.ReadAllText(owner)}); waiting up to 0 s"], waited);
        }
        Assert.False(File.Exists(owner));
        using var again = BuildLock.Acquire(stateDir, "third", TimeSpan.Zero);
    }

    [Fact]
    public void ZeroWaitGivesUpAtOnceAndWithoutAnOwnerNoteSaysAnotherBuild()
    {
        using var held = BuildLock.Acquire(stateDir, "first", TimeSpan.Zero);
        File.Delete(Path.Combine(stateDir, "build.lock.owner"));
        var waited = new List<string>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var error = Assert.Throws<BuildLockedException>(() => BuildLock.Acquire(stateDir, "second", TimeSpan.Zero, waited.Add));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"gave up after {clock.Elapsed}");
        Assert.Contains("(another build); gave up after 0 s", error.Message);
        Assert.Empty(waited);
    }
}

/// <summary>All-or-nothing writes.</summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "star1-atomic-" + Guid.NewGuid().ToString("N")[..10]);
    public void Dispose()
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void WriteReplacesTheWholeFileAndLeavesNoTemporary()
    {
        var path = Path.Combine(dir, "sub", "f.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.WriteAllBytes(path, "first, longer"u8);
        AtomicFile.WriteAllBytes(path, "second"u8);
        Assert.Equal("second", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void TemporaryPathIsAHiddenUniqueSiblingAndItsFolderExists()
    {
        var path = Path.Combine(dir, "new", "out.json");
        var temp = AtomicFile.TempPathFor(path);
        Assert.Equal(Path.GetDirectoryName(path), Path.GetDirectoryName(temp));
        Assert.Matches(@"^\.out\.json\.[0-9a-f]{32}\.tmp$", Path.GetFileName(temp));
        Assert.True(Directory.Exists(Path.GetDirectoryName(path)));
        Assert.NotEqual(temp, AtomicFile.TempPathFor(path));
    }

    [Fact]
    public void CommitMovesTheWrittenFileIntoPlaceCreatingItsFolder()
    {
        Directory.CreateDirectory(dir);
        var written = Path.Combine(dir, "written.tmp");
        File.WriteAllText(written, "content");
        var final = Path.Combine(dir, "deep", "er", "final.txt");
        AtomicFile.Commit(written, final);
        Assert.Equal("content", File.ReadAllText(final));
        Assert.False(File.Exists(written));
    }
}

/// <summary>The hash index: trusted while the stamp holds, refreshed when it does not, pruned on save.</summary>
public sealed class HashIndexTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "star1-index-" + Guid.NewGuid().ToString("N")[..10]);
    private string Store => Path.Combine(dir, "hashes.json");
    public HashIndexTests() => Directory.CreateDirectory(dir);
    public void Dispose()
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void UnchangedFileIsHashedOnceAcrossLoads()
    {
        var file = Path.Combine(dir, "f.txt");
        File.WriteAllText(file, "abc");
        var index = HashIndex.Load(Store);
        Assert.Equal(ContentHash.OfString("abc"), index.HashOf(file));
        Assert.Equal(ContentHash.OfString("abc"), index.HashOf(file));
        Assert.Equal(1, index.FullHashes);
        index.Save();

        // A second save with nothing new writes nothing: the index is not rewritten on every call.
        File.SetLastWriteTimeUtc(Store, new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        index.Save();
        Assert.Equal(new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc), File.GetLastWriteTimeUtc(Store));

        var reloaded = HashIndex.Load(Store);
        Assert.Equal(ContentHash.OfString("abc"), reloaded.HashOf(file));
        Assert.Equal(0, reloaded.FullHashes);
        Assert.Null(reloaded.HashOf(Path.Combine(dir, "absent.txt")));
    }

    [Fact]
    public void RecordedHashIsTrustedUntilTheFileChanges()
    {
        var file = Path.Combine(dir, "f.txt");
        File.WriteAllText(file, "abc");
        var index = HashIndex.Load(Store);
        // A hash recorded by the writer is believed as long as the stamp holds: no read needed.
        index.Record(file, "recorded");
        Assert.Equal("recorded", index.HashOf(file));
        Assert.Equal(0, index.FullHashes);

        File.WriteAllText(file, "abcd");
        Assert.Equal(ContentHash.OfString("abcd"), index.HashOf(file));
        Assert.Equal(1, index.FullHashes);
        index.Record(Path.Combine(dir, "absent.txt"), "x");
        Assert.Null(index.HashOf(Path.Combine(dir, "absent.txt")));
    }

    [Fact]
    public void SaveDropsDeletedFilesAndWritesOnlyWhenSomethingChanged()
    {
        var kept = Path.Combine(dir, "kept.txt");
        var gone = Path.Combine(dir, "gone.txt");
        File.WriteAllText(kept, "k");
        File.WriteAllText(gone, "g");
        var index = HashIndex.Load(Store);
        index.HashOf(kept);
        index.HashOf(gone);
        File.Delete(gone);
        index.Save();
        var saved = JsonNode.Parse(File.ReadAllText(Store))!.AsObject();
        Assert.Equal([Path.GetFullPath(kept)], saved.Select(e => e.Key));

        // A load that learns nothing new does not rewrite the file.
        File.SetLastWriteTimeUtc(Store, new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var quiet = HashIndex.Load(Store);
        quiet.HashOf(kept);
        quiet.Save();
        Assert.Equal(new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc), File.GetLastWriteTimeUtc(Store));
    }
}
