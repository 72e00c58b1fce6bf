using Star1.Pipeline.Engine;
using Star1.Pipeline.Hashing;
using Star1.Pipeline.Params;
using Star1.Pipeline.Stages;
using Star1.Pipeline.Tests.Support;

namespace Star1.Pipeline.Tests;

/// <summary>What restores serve can only be what a stage produced: never rewritten, never a damaged object, no leftovers.</summary>
public sealed class RunCacheIntegrityTests : IDisposable
{
    private readonly TestRepo repo = new();
    public void Dispose() => repo.Dispose();

    private int runs;

    /// <summary>A stage whose output changes from run to run for the same inputs when <paramref name="deterministic"/> is false.</summary>
    private StageEngine Engine(bool deterministic)
    {
        var engine = repo.BareEngine();
        engine.Add(new StageDefinition
        {
            Name = "Roll",
            ParamKeys = ["a.x"],
            Outputs = ["roll.txt"],
            Execute = async (ctx, ct) =>
            {
                runs++;
                await File.WriteAllTextAsync(ctx.Output("roll.txt"), deterministic ? "same" : $"run {runs}", ct);
            },
        });
        return engine;
    }

    private string Output => repo.Workspace.OutputPath("Roll", "roll.txt");

    private string ObjectPath(string content)
    {
        var hash = ContentHash.OfString(content);
        return Path.Combine(repo.Workspace.CacheDir, "objects", hash[..2], hash[2..]);
    }

    [Fact]
    public async Task AForcedRunWithOtherOutputsKeepsTheFirstEntryAndWarns()
    {
        await Engine(deterministic: false).RunAsync("Roll", force: false);
        Assert.Equal("run 1", File.ReadAllText(Output));

        await Engine(deterministic: false).RunAsync("Roll", force: true);
        Assert.Equal("run 2", File.ReadAllText(Output));
        Assert.Contains("warning: Roll: this run's roll.txt differ from what the run-cache holds for the same inputs", repo.Log.ToString());
        Assert.Contains("Restores keep serving the first result", repo.Log.ToString());
        var conflicts = Directory.GetFiles(Path.Combine(repo.Workspace.CacheDir, "conflicts"), "*.json", SearchOption.AllDirectories);
        Assert.Single(conflicts);
        Assert.Contains(ContentHash.OfString("run 2"), File.ReadAllText(conflicts[0]));

        Directory.Delete(repo.Workspace.StageDir("Roll"), recursive: true);
        var outcome = await Engine(deterministic: false).RunAsync("Roll", force: false);
        Assert.Equal(StageResult.Restored, outcome.Result);
        Assert.Equal("run 1", File.ReadAllText(Output));
    }

    [Fact]
    public async Task ARunWithTheSameOutputsRecordsNoConflict()
    {
        await Engine(deterministic: true).RunAsync("Roll", force: false);
        await Engine(deterministic: true).RunAsync("Roll", force: true);
        Assert.DoesNotContain("warning", repo.Log.ToString());
        Assert.False(Directory.Exists(Path.Combine(repo.Workspace.CacheDir, "conflicts")));
    }

    [Fact]
    public async Task StoreReplacesADamagedObjectInsteadOfTrustingThatItExists()
    {
        await Engine(deterministic: true).RunAsync("Roll", force: false);
        var stored = ObjectPath("same");
        File.WriteAllText(stored, "SAME"); // same size, other bytes: a damaged object
        await Engine(deterministic: true).RunAsync("Roll", force: true);
        Assert.Equal("same", File.ReadAllText(stored));

        Directory.Delete(repo.Workspace.StageDir("Roll"), recursive: true);
        runs = 0;
        var outcome = await Engine(deterministic: true).RunAsync("Roll", force: false);
        Assert.Equal(StageResult.Restored, outcome.Result);
        Assert.Equal(0, runs);
    }

    [Fact]
    public async Task ARefusedCorruptObjectIsDeletedSoTheNextStoreWritesItAgain()
    {
        await Engine(deterministic: true).RunAsync("Roll", force: false);
        File.WriteAllText(ObjectPath("same"), "SAME");
        Directory.Delete(repo.Workspace.StageDir("Roll"), recursive: true);

        var outcome = await Engine(deterministic: true).RunAsync("Roll", force: false);
        Assert.Equal(StageResult.Executed, outcome.Result);
        Assert.Contains("cached object for roll.txt is corrupted", outcome.Reason);
        Assert.Equal("same", File.ReadAllText(ObjectPath("same")));
    }

    [Fact]
    public async Task TemporaryFilesLeftByAKilledWriteAreRemovedByTheNextBuild()
    {
        await Engine(deterministic: true).RunAsync("Roll", force: false);
        var hex = Guid.NewGuid().ToString("N");
        string[] leftovers =
        [
            Path.Combine(Path.GetDirectoryName(ObjectPath("same"))!, $".{Path.GetFileName(ObjectPath("same"))}.{hex}.tmp"),
            Path.Combine(repo.Workspace.ArtifactsDir, $".star1.lock.json.{hex}.tmp"),
            Path.Combine(repo.Workspace.CacheDir, "stages", "Collect", "sources", $".Demo-1234.json.{hex}.tmp"),
            Path.Combine(repo.Workspace.RunsDir, $".latest.json.{hex}.tmp"),
        ];
        // Files that only look similar are someone's data, not our leftovers.
        string[] kept =
        [
            Path.Combine(repo.Workspace.StageDir("Roll"), "notes.tmp"),
            Path.Combine(repo.Workspace.ArtifactsDir, ".hidden.tmp"),
        ];
        foreach (var file in leftovers.Concat(kept))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, "half");
        }

        var engine = Engine(deterministic: true);
        engine.CleanLeftovers();
        Assert.All(leftovers, f => Assert.False(File.Exists(f), f));
        Assert.All(kept, f => Assert.True(File.Exists(f), f));
        Assert.Contains("removed 4 temporary file(s) left by an interrupted build", repo.Log.ToString());
    }

    private string Conflicts => Path.Combine(repo.Workspace.CacheDir, "conflicts");
    private string EntryPath(StageEngine engine) => Path.Combine(repo.Workspace.CacheDir, "runs", engine.Inspect("Roll").Fingerprint + ".json");

    [Fact]
    public async Task EachConflictingRunIsKeptAndGcKeepsTheObjectsTheyName()
    {
        await Engine(deterministic: false).RunAsync("Roll", force: false);
        await Engine(deterministic: false).RunAsync("Roll", force: true);
        await Engine(deterministic: false).RunAsync("Roll", force: true);
        var records = Directory.GetFiles(Conflicts, "*.json", SearchOption.AllDirectories);
        Assert.Equal(2, records.Length);
        Assert.Equal(new[] { ContentHash.OfString("run 2"), ContentHash.OfString("run 3") }.Order(StringComparer.Ordinal),
            records.Select(r => RunCache.TryRead(r)!.Outputs["roll.txt"].Hash).Order(StringComparer.Ordinal));
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(records[0])!, "damaged.json"), "{");

        // The entry is the lock's, so it is kept, and so are its conflict records and what they name.
        var report = GarbageCollector.Collect(Engine(deterministic: false), new GcPolicy());
        Assert.Equal(0, report.ObjectsRemoved);
        Assert.All(new[] { "run 1", "run 2", "run 3" }, c => Assert.True(File.Exists(ObjectPath(c)), c));
    }

    [Fact]
    public async Task AConflictNamesEveryDifferingOutputInOrderAndTheEntry()
    {
        var engine = repo.BareEngine();
        engine.Add(new StageDefinition
        {
            Name = "Roll",
            ParamKeys = ["a.x"],
            Outputs = ["b.txt", "a.txt", "same.txt"],
            Execute = async (ctx, ct) =>
            {
                runs++;
                await File.WriteAllTextAsync(ctx.Output("a.txt"), $"a {runs}", ct);
                await File.WriteAllTextAsync(ctx.Output("b.txt"), $"b {runs}", ct);
                await File.WriteAllTextAsync(ctx.Output("same.txt"), "same", ct);
            },
        });
        await engine.RunAsync("Roll", force: false);
        await engine.RunAsync("Roll", force: true);
        var entry = engine.Inspect("Roll").Fingerprint!;
        Assert.Contains($"this run's a.txt, b.txt differ from what the run-cache holds for the same inputs (entry {entry[..12]}): " +
                        "the stage is not deterministic, or it reads something its fingerprint does not cover.", repo.Log.ToString());
    }

    [Fact]
    public async Task RunningAgainWithTheSameOutputsCountsAsAUseOfTheEntry()
    {
        var engine = Engine(deterministic: true);
        await engine.RunAsync("Roll", force: false);
        var entry = EntryPath(engine);
        File.SetLastWriteTimeUtc(entry, DateTime.UtcNow.AddDays(-10));
        await Engine(deterministic: true).RunAsync("Roll", force: true);
        Assert.True(File.GetLastWriteTimeUtc(entry) > DateTime.UtcNow.AddHours(-1));
    }

    [Fact]
    public void StoringAFileWhoseBytesDoNotMatchItsRecordFailsAndLeavesNoObject()
    {
        var root = Path.Combine(repo.Root, "cache");
        var file = Path.Combine(repo.Root, "out.txt");
        File.WriteAllText(file, "what is there");
        var claimed = ContentHash.OfString("what was hashed");
        var error = Assert.Throws<IOException>(() => new RunCache(root).Store("S", new string('a', 64),
            new Dictionary<string, (string, OutputRecord)> { ["out.txt"] = (file, new OutputRecord(claimed, 15)) }));
        Assert.Contains($"{file} changed while it was being stored in the run-cache (expected {claimed[..12]}", error.Message);
        Assert.Empty(Directory.GetFiles(Path.Combine(root, "objects"), "*", SearchOption.AllDirectories));
        Assert.False(Directory.Exists(Path.Combine(root, "runs")));
    }

    [Fact]
    public async Task ADamagedEntryIsReplacedWithItsConflictsAndGcDropsDamagedEntriesButNotTemporaryObjects()
    {
        var engine = Engine(deterministic: true);
        await engine.RunAsync("Roll", force: false);
        var entry = EntryPath(engine);
        File.WriteAllText(entry, "{");
        var stale = Directory.CreateDirectory(Path.Combine(Conflicts, Path.GetFileNameWithoutExtension(entry))).FullName;
        File.WriteAllText(Path.Combine(stale, "old.json"), "{}");

        await Engine(deterministic: true).RunAsync("Roll", force: true);
        Assert.Equal(ContentHash.OfString("same"), RunCache.TryRead(entry)!.Outputs["roll.txt"].Hash);
        Assert.False(Directory.Exists(stale));

        // Another entry, damaged, and a temporary file a killed copy left among the objects.
        var damaged = Path.Combine(Path.GetDirectoryName(entry)!, new string('f', 64) + ".json");
        File.WriteAllText(damaged, "{\"Stage\":");
        var temp = Path.Combine(Path.GetDirectoryName(ObjectPath("same"))!, $".{Path.GetFileName(ObjectPath("same"))}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(temp, "half");

        var budget = GarbageCollector.Collect(Engine(deterministic: true), new GcPolicy(KeepBytes: 0, DryRun: true));
        Assert.Equal(0, budget.ObjectsRemoved);
        var report = GarbageCollector.Collect(Engine(deterministic: true), new GcPolicy());
        Assert.Equal((1, 1, 0), (report.EntriesRemoved, report.EntriesKept, report.ObjectsRemoved));
        Assert.False(File.Exists(damaged));
        Assert.True(File.Exists(temp));
    }
}
