using System.Text.Json;
using Star1.Pipeline.Engine;
using Star1.Pipeline.Params;
using Star1.Pipeline.Stages;
using Star1.Pipeline.Tests.Support;

namespace Star1.Pipeline.Tests;

/// <summary>Gc frees what nothing needs and never what the lock references.</summary>
public sealed class GcTests : IDisposable
{
    private readonly TestRepo repo = new();
    public void Dispose() => repo.Dispose();

    private string Cache => repo.Workspace.CacheDir;
    private int Entries() => Directory.GetFiles(Path.Combine(Cache, "runs"), "*.json").Length;
    private int Objects() => Directory.GetFiles(Path.Combine(Cache, "objects"), "*", SearchOption.AllDirectories).Length;

    /// <summary>The bytes of what Gc counts: objects, run records and the stages' inner caches.</summary>
    private long Bytes() =>
        new[] { Path.Combine(Cache, "objects"), repo.Workspace.RunsDir, repo.Workspace.StageCacheDir("Memo", "items") }
            .Where(Directory.Exists).SelectMany(d => Directory.GetFiles(d, "*", SearchOption.AllDirectories)).Sum(f => new FileInfo(f).Length);

    /// <summary>Ten builds over five values of a.x (1..5, twice), ending on <paramref name="last"/>.</summary>
    private async Task GrowTheCache(int last)
    {
        foreach (var value in new[] { 1, 2, 3, 4, 5, 1, 2, 3, 4, 5 }.Append(last))
            await repo.RunAll(repo.Engine(null, $"a.x={value}"));
    }

    [Fact]
    public async Task GcFreesWhatTheLockDoesNotReferenceAndTheNextRunsStillRestore()
    {
        await GrowTheCache(last: 3);
        // A, B and C have five versions each (one per value), D one: 16 entries; objects are shared by
        // content, and C's summary.json is the same in every version: 5 + 5 + 5 + 1 + 1 = 17 objects.
        Assert.Equal(16, Entries());
        Assert.Equal(17, Objects());

        var dry = GarbageCollector.Collect(repo.Engine(null, "a.x=3"), new GcPolicy(DryRun: true));
        Assert.Equal(12, dry.EntriesRemoved);
        Assert.Equal(16, Entries());
        Assert.Equal(17, Objects());

        var report = GarbageCollector.Collect(repo.Engine(null, "a.x=3"), new GcPolicy());
        Assert.Equal((12, 4, 12), (report.EntriesRemoved, report.EntriesKept, report.ObjectsRemoved));
        Assert.Empty(report.Notes); // no stage here has an inner cache
        Assert.Equal(dry.ObjectBytes, report.ObjectBytes);
        Assert.True(report.ObjectBytes > 0);
        Assert.Equal(4, Entries());
        Assert.Equal(5, Objects());

        // What the lock references still restores: delete the outputs, build, nothing executes.
        foreach (var stage in new[] { "A", "B", "C", "D" }) Directory.Delete(repo.Workspace.StageDir(stage), recursive: true);
        repo.Executions.Clear();
        var outcomes = await repo.RunAll(repo.Engine(null, "a.x=3"));
        Assert.Empty(repo.Executions);
        Assert.All(outcomes, o => Assert.Equal(StageResult.Restored, o.Result));
        Assert.Equal("A 3 first prompt", File.ReadAllText(repo.Output("A")));

        // A value Gc dropped runs again.
        Assert.Equal(["A", "B", "C"], await repo.Executed(repo.Engine(null, "a.x=1")));
    }

    [Fact]
    public async Task KeepLastKeepsEachStagesMostRecentEntries()
    {
        await GrowTheCache(last: 3);
        var report = GarbageCollector.Collect(repo.Engine(null, "a.x=3"), new GcPolicy(KeepLast: 2));
        // Per stage A, B, C: the lock's (a.x=3, also the most recent) and the one before it (a.x=5).
        Assert.Equal(7, Entries());
        Assert.Equal(9, report.EntriesRemoved);
        repo.Executions.Clear();
        await repo.RunAll(repo.Engine(null, "a.x=5"));
        Assert.Empty(repo.Executions);
        Assert.Equal(["A", "B", "C"], await repo.Executed(repo.Engine(null, "a.x=4")));
    }

    [Fact]
    public async Task KeepSizeKeepsRecentEntriesWithinTheBudget()
    {
        await GrowTheCache(last: 3);
        // Every other version's outputs are a few dozen bytes: 1 byte keeps nothing more, a megabyte keeps all.
        GarbageCollector.Collect(repo.Engine(null, "a.x=3"), new GcPolicy(KeepBytes: 1, DryRun: false));
        Assert.Equal(4, Entries());
        await GrowTheCache(last: 3);
        GarbageCollector.Collect(repo.Engine(null, "a.x=3"), new GcPolicy(KeepBytes: 1 << 20));
        Assert.Equal(16, Entries());
    }

    [Fact]
    public async Task OldRunRecordsGoAndTheNewestStay()
    {
        var runs = repo.Workspace.RunsDir;
        Directory.CreateDirectory(runs);
        for (var i = 0; i < 15; i++) File.WriteAllText(Path.Combine(runs, $"20260101-0000{i:00}-000.json"), "{}");
        File.WriteAllText(Path.Combine(runs, "latest.json"), "{}");
        File.WriteAllText(Path.Combine(runs, "notes.txt"), "not a record");
        await repo.RunAll(repo.Engine());
        var before = Bytes();
        var report = GarbageCollector.Collect(repo.Engine(), new GcPolicy());
        Assert.Equal(5, report.RecordsRemoved);
        Assert.True(report.RecordBytes > 0);
        Assert.Equal(before - Bytes(), report.TotalBytes);
        Assert.True(File.Exists(Path.Combine(runs, "latest.json")));
        Assert.True(File.Exists(Path.Combine(runs, "20260101-000014-000.json")));
        Assert.False(File.Exists(Path.Combine(runs, "20260101-000004-000.json")));
        Assert.True(File.Exists(Path.Combine(runs, "notes.txt")));
    }

    [Fact]
    public async Task KeepDaysKeepsRecentRunRecordsBeyondTheNewestTen()
    {
        var runs = Directory.CreateDirectory(repo.Workspace.RunsDir).FullName;
        for (var i = 0; i < 15; i++) File.WriteAllText(Path.Combine(runs, $"20260101-0000{i:00}-000.json"), "{}");
        // Of the five beyond the newest ten (00..04), three were written ten days ago.
        foreach (var i in new[] { 0, 2, 4 }) File.SetLastWriteTimeUtc(Path.Combine(runs, $"20260101-0000{i:00}-000.json"), DateTime.UtcNow.AddDays(-10));
        await repo.RunAll(repo.Engine());
        var report = GarbageCollector.Collect(repo.Engine(), new GcPolicy(KeepDays: 1));
        Assert.Equal(3, report.RecordsRemoved);
        Assert.Equal([false, true, false, true, false], Enumerable.Range(0, 5).Select(i => File.Exists(Path.Combine(runs, $"20260101-0000{i:00}-000.json"))));
    }

    private readonly List<IReadOnlySet<string>> pruned = [];
    private int neverPruned;

    /// <summary>
    /// Memo keeps an inner cache "items" (each run writes and uses item-&lt;a.x&gt; and "shared") and declares a
    /// second cache, "never", that no run writes; Plain, beside it, has no inner cache.
    /// </summary>
    private StageEngine MemoEngine(string value)
    {
        var engine = repo.BareEngine(null, $"a.x={value}");
        engine.Add(new StageDefinition
        {
            Name = "Memo",
            ParamKeys = ["a.x"],
            Outputs = ["out.txt"],
            Caches =
            [
                new StageCache("items", (folder, keep, dryRun) =>
                {
                    pruned.Add(keep);
                    var gone = Directory.GetFiles(folder).Where(f => !keep.Contains(Path.GetFileName(f))).ToList();
                    var bytes = gone.Sum(f => new FileInfo(f).Length);
                    if (!dryRun) gone.ForEach(File.Delete);
                    return (gone.Count, bytes);
                }),
                new StageCache("never", (_, _, _) => { neverPruned++; return (0, 0); }),
            ],
            Execute = async (ctx, ct) =>
            {
                var key = $"item-{ctx.Param("a.x").AsInt()}";
                await File.WriteAllTextAsync(Path.Combine(ctx.CacheDir("items"), key), "memo", ct);
                ctx.RecordCacheUse("items", [key, "shared"]);
                await File.WriteAllTextAsync(ctx.Output("out.txt"), key, ct);
            },
        });
        engine.Add(new StageDefinition
        {
            Name = "Plain",
            ParamKeys = ["a.x"],
            Outputs = ["out.txt"],
            Execute = async (ctx, ct) => await File.WriteAllTextAsync(ctx.Output("out.txt"), $"plain {ctx.Param("a.x").AsInt()}", ct),
        });
        return engine;
    }

    private string[] Items() => Directory.GetFiles(repo.Workspace.StageCacheDir("Memo", "items")).Select(f => Path.GetFileName(f)!).Order().ToArray();

    private async Task GrowTheMemo()
    {
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(repo.Workspace.StageCacheDir("Memo", "items")).FullName, "shared"), "x");
        foreach (var value in new[] { "1", "2", "3" })
        {
            await MemoEngine(value).RunAsync("Memo", force: false);
            await MemoEngine(value).RunAsync("Plain", force: false);
        }
    }

    [Fact]
    public async Task InnerCacheEntriesNoKeptRunUsedArePruned()
    {
        await GrowTheMemo();

        var dry = GarbageCollector.Collect(MemoEngine("3"), new GcPolicy(DryRun: true));
        Assert.Equal(new GcReport.CacheLine("Memo", "items", 2, 8), dry.Caches.Single());
        Assert.Equal(["item-1", "item-2", "item-3", "shared"], Items());
        Assert.Equal(3, Directory.GetFiles(repo.Workspace.CacheUseDir("Memo")).Length);

        pruned.Clear();
        var before = Bytes();
        var report = GarbageCollector.Collect(MemoEngine("3"), new GcPolicy());
        Assert.Equal(before - Bytes(), report.TotalBytes);
        Assert.Empty(report.Notes);
        Assert.Equal(["item-3", "shared"], pruned.Single().Order());
        // The "never" cache has no folder: nothing to prune, no line.
        Assert.Equal(0, neverPruned);
        Assert.Equal(new GcReport.CacheLine("Memo", "items", 2, 8), report.Caches.Single());
        Assert.Equal(["item-3", "shared"], Items());
        var used = Directory.GetFiles(repo.Workspace.CacheUseDir("Memo"));
        Assert.Single(used);
        Assert.Equal(["item-3", "shared"], JsonSerializer.Deserialize<Dictionary<string, string[]>>(File.ReadAllText(used[0]))!["items"]);
    }

    [Fact]
    public async Task AKeptRunWhoseUseIsNotRecordedKeepsTheWholeInnerCache()
    {
        await GrowTheMemo();
        var current = MemoEngine("3").Inspect("Memo").Fingerprint!;
        File.Delete(Path.Combine(repo.Workspace.CacheUseDir("Memo"), current + ".json")); // restored from another machine's cache

        var report = GarbageCollector.Collect(MemoEngine("3"), new GcPolicy());
        Assert.Empty(pruned);
        Assert.Empty(report.Caches);
        Assert.Equal([$"Memo: kept its inner caches whole: which entries run {current[..12]} used is not recorded here"], report.Notes);
        Assert.Equal(["item-1", "item-2", "item-3", "shared"], Items());
    }

    [Fact]
    public async Task WhatTheLocksRunUsedStaysEvenWithoutItsRunEntry()
    {
        await GrowTheMemo();
        var current = MemoEngine("3").Inspect("Memo").Fingerprint!;
        File.Delete(Path.Combine(Cache, "runs", current + ".json"));

        GarbageCollector.Collect(MemoEngine("3"), new GcPolicy());
        Assert.Equal(["item-3", "shared"], Items());
        Assert.Equal([current + ".json"], Directory.GetFiles(repo.Workspace.CacheUseDir("Memo")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task KeepDaysKeepsRecentlyUsedEntriesAndConflictsGoWithTheirEntry()
    {
        await GrowTheCache(last: 3);
        // Age every entry but A's for a.x=5 by ten days; a conflict record sits beside A's entry for a.x=1.
        var runs = Path.Combine(Cache, "runs");
        var young = repo.BareEngine(null, "a.x=5");
        foreach (var stage in repo.Stages()) young.Add(stage);
        var youngPrints = new HashSet<string?> { young.Inspect("A").Fingerprint };
        foreach (var file in Directory.GetFiles(runs))
            if (!youngPrints.Contains(Path.GetFileNameWithoutExtension(file))) File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddDays(-10));
        var old = repo.Engine(null, "a.x=1").Inspect("A").Fingerprint!;
        var conflictDir = Directory.CreateDirectory(Path.Combine(Cache, "conflicts", old)).FullName;
        File.WriteAllText(Path.Combine(conflictDir, "other.json"), "{}");
        var orphan = Directory.CreateDirectory(Path.Combine(Cache, "conflicts", new string('0', 64))).FullName;

        var report = GarbageCollector.Collect(repo.Engine(null, "a.x=3"), new GcPolicy(KeepDays: 1));
        // Kept: the lock's four, and A's a.x=5 entry, used in the last day.
        Assert.Equal((11, 5), (report.EntriesRemoved, report.EntriesKept));
        Assert.False(Directory.Exists(conflictDir));
        Assert.False(Directory.Exists(orphan));
        Assert.Equal(["B", "C"], await repo.Executed(repo.Engine(null, "a.x=5")));
    }

    [Fact]
    public async Task ObjectsTheLockNamesStayEvenWithoutTheirRunEntries()
    {
        await GrowTheCache(last: 3);
        // Entries can be missing (accepted by hand, or the cache folder restored from elsewhere): the lock still counts.
        foreach (var stage in new[] { "A", "B", "C", "D" })
            File.Delete(Path.Combine(Cache, "runs", repo.Engine(null, "a.x=3").Inspect(stage).Fingerprint + ".json"));
        var report = GarbageCollector.Collect(repo.Engine(null, "a.x=3"), new GcPolicy());
        Assert.Equal((12, 0, 12), (report.EntriesRemoved, report.EntriesKept, report.ObjectsRemoved));
        Assert.Equal(5, Objects());
        foreach (var stage in new[] { "A", "B", "C" })
            Assert.True(File.Exists(ObjectOf(File.ReadAllText(repo.Output(stage)))), stage);
    }

    private string ObjectOf(string content)
    {
        var hash = Star1.Pipeline.Hashing.ContentHash.OfString(content);
        return Path.Combine(Cache, "objects", hash[..2], hash[2..]);
    }

    /// <summary>
    /// Three runs of a stage with two outputs: one of 100 bytes per value of a.x, and one of 300 bytes that
    /// is the same for 1 and 2 and other for 3. The lock holds 3; newest first, 2 adds 200 + 300 bytes and
    /// then 1 adds 100 (its other output is 2's).
    /// </summary>
    [Fact]
    public async Task KeepBytesCountsEachNewObjectOnceAndStopsAtTheBudget()
    {
        StageEngine Engine(int value)
        {
            var engine = repo.BareEngine(null, $"a.x={value}");
            engine.Add(new StageDefinition
            {
                Name = "Sized",
                ParamKeys = ["a.x"],
                Outputs = ["one.txt", "two.txt"],
                Execute = async (ctx, ct) =>
                {
                    var x = (int)ctx.Param("a.x").AsInt();
                    await File.WriteAllTextAsync(ctx.Output("one.txt"), new string('1', 100 * x), ct);
                    await File.WriteAllTextAsync(ctx.Output("two.txt"), new string(x < 3 ? 'S' : 'T', 300), ct);
                },
            });
            return engine;
        }
        foreach (var value in new[] { 1, 2, 3 }) await Engine(value).RunAsync("Sized", force: false);
        string Print(int value) => Engine(value).Inspect("Sized").Fingerprint!;

        // 500 bytes: 2 fits exactly, 1 would go over.
        var tight = GarbageCollector.Collect(Engine(3), new GcPolicy(KeepBytes: 500, DryRun: true));
        Assert.Equal((1, 2), (tight.EntriesRemoved, tight.EntriesKept));
        Assert.Equal(100, tight.ObjectBytes);

        // 600 bytes: 1 fits too, because the object it shares with 2 is counted once.
        var roomy = GarbageCollector.Collect(Engine(3), new GcPolicy(KeepBytes: 600));
        Assert.Equal((0, 3), (roomy.EntriesRemoved, roomy.EntriesKept));
        Assert.All(new[] { 1, 2, 3 }, v => Assert.True(File.Exists(Path.Combine(Cache, "runs", Print(v) + ".json"))));

        var over = GarbageCollector.Collect(Engine(3), new GcPolicy(KeepBytes: 499));
        Assert.Equal((2, 1), (over.EntriesRemoved, over.EntriesKept));
        Assert.True(File.Exists(Path.Combine(Cache, "runs", Print(3) + ".json")));
        Assert.False(File.Exists(Path.Combine(Cache, "runs", Print(2) + ".json")));
    }

    [Fact]
    public void GcBeforeAnyBuildFindsNothingToRemove()
    {
        var report = GarbageCollector.Collect(repo.Engine(), new GcPolicy());
        Assert.Equal((0, 0, 0, 0, 0L), (report.EntriesRemoved, report.EntriesKept, report.ObjectsRemoved, report.RecordsRemoved, report.TotalBytes));
        Assert.False(Directory.Exists(Path.Combine(Cache, "runs")));
    }
}
