using System.Text.Json;

namespace Star1.Pipeline.Engine;

/// <summary>What Gc keeps besides what the lock references; the defaults keep nothing else.</summary>
/// <param name="KeepLast">Per stage, the N most recently used run-cache entries.</param>
/// <param name="KeepDays">Entries used (stored or restored) within this many days.</param>
/// <param name="KeepBytes">The most recently used entries, while the objects they add fit in this many bytes.</param>
/// <param name="DryRun">Count what would go, delete nothing.</param>
public sealed record GcPolicy(int KeepLast = 0, double? KeepDays = null, long? KeepBytes = null, bool DryRun = false);

/// <summary>What Gc removed (or would remove).</summary>
public sealed record GcReport(
    int EntriesRemoved, int EntriesKept, int ObjectsRemoved, long ObjectBytes,
    int RecordsRemoved, long RecordBytes, IReadOnlyList<GcReport.CacheLine> Caches, IReadOnlyList<string> Notes)
{
    public sealed record CacheLine(string Stage, string Cache, int Entries, long Bytes);

    public long TotalBytes => ObjectBytes + RecordBytes + Caches.Sum(c => c.Bytes);
}

/// <summary>
/// Frees the run-cache of what nothing needs any more, like `dvc gc`: run entries the lock does not reference
/// (unless a keep rule holds them), objects no kept entry or lock entry references, old run records, and
/// inner-cache entries (source loads, embeddings) that no kept run used. Call it under the build lock.
/// </summary>
public static class GarbageCollector
{
    /// <summary>Run records kept at least (besides latest.json), whatever the policy.</summary>
    public const int RecordsKept = 10;

    public static GcReport Collect(StageEngine engine, GcPolicy policy)
    {
        var cache = engine.Cache;
        var now = DateTime.UtcNow;
        var entries = cache.Entries().ToList();
        var kept = KeptFingerprints(engine, entries, policy, now);

        var removedEntries = entries.Where(e => !kept.Contains(e.Fingerprint)).ToList();
        if (!policy.DryRun)
            foreach (var entry in removedEntries) cache.Forget(entry.Fingerprint);
        foreach (var orphan in cache.ConflictFingerprints().Where(f => !kept.Contains(f)).ToList())
            if (!policy.DryRun) cache.Forget(orphan);

        // Objects: kept if a kept entry, a conflict record of one, or the lock names them.
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries.Where(e => kept.Contains(e.Fingerprint)))
        {
            referenced.UnionWith(entry.Outputs.Values.Select(o => o.Hash));
            foreach (var conflict in cache.Conflicts(entry.Fingerprint))
                referenced.UnionWith(RunCache.TryRead(conflict)?.Outputs.Values.Select(o => o.Hash) ?? []);
        }
        foreach (var lockEntry in engine.Lock.Entries.Values) referenced.UnionWith(lockEntry.Outputs.Values.Select(o => o.Hash));
        int objects = 0;
        long objectBytes = 0;
        foreach (var (hash, path, size) in cache.Objects().ToList())
        {
            if (referenced.Contains(hash)) continue;
            objects++;
            objectBytes += size;
            if (!policy.DryRun) File.Delete(path);
        }

        var (records, recordBytes) = OldRunRecords(engine.Workspace.RunsDir, policy, now);
        var notes = new List<string>();
        var caches = InnerCaches(engine, entries, kept, policy, notes);
        // Gc sees one lock; a folder other checkouts share holds their runs too, which it does not know are in use.
        if (engine.Workspace.CacheIsShared)
            notes.Add($"the cache folder {engine.Workspace.CacheDir} is outside the artifacts folder and may be shared: Gc kept only what " +
                      "this checkout's lock references and what --keep-last / --keep-days / --keep-size keep; other checkouts' runs count as unused");
        return new GcReport(removedEntries.Count, entries.Count - removedEntries.Count, objects, objectBytes, records, recordBytes, caches, notes);
    }

    private static HashSet<string> KeptFingerprints(StageEngine engine, List<RunCache.EntryInfo> entries, GcPolicy policy, DateTime now)
    {
        var kept = engine.Lock.Entries.Values.Select(e => e.Fingerprint).ToHashSet(StringComparer.Ordinal);
        var newestFirst = entries.OrderByDescending(e => e.LastUsedUtc).ThenBy(e => e.Fingerprint, StringComparer.Ordinal).ToList();
        foreach (var stage in newestFirst.GroupBy(e => e.Stage))
            kept.UnionWith(stage.Take(policy.KeepLast).Select(e => e.Fingerprint));
        if (policy.KeepDays is { } days)
            kept.UnionWith(entries.Where(e => now - e.LastUsedUtc <= TimeSpan.FromDays(days)).Select(e => e.Fingerprint));
        if (policy.KeepBytes is { } budget)
        {
            // Objects shared between entries are counted once; entries already kept cost nothing extra.
            var counted = entries.Where(e => kept.Contains(e.Fingerprint)).SelectMany(e => e.Outputs.Values).Select(o => o.Hash).ToHashSet(StringComparer.Ordinal);
            long used = 0;
            foreach (var entry in newestFirst.Where(e => !kept.Contains(e.Fingerprint)))
            {
                var extra = entry.Outputs.Values.Where(o => !counted.Contains(o.Hash)).DistinctBy(o => o.Hash).Sum(o => o.Size);
                if (used + extra > budget) break;
                used += extra;
                counted.UnionWith(entry.Outputs.Values.Select(o => o.Hash));
                kept.Add(entry.Fingerprint);
            }
        }
        return kept;
    }

    /// <summary>Run records beyond the newest <see cref="RecordsKept"/> (or --keep-last, if more) and older than --keep-days.</summary>
    private static (int Count, long Bytes) OldRunRecords(string runsDir, GcPolicy policy, DateTime now)
    {
        if (!Directory.Exists(runsDir)) return (0, 0);
        var stamped = Directory.EnumerateFiles(runsDir, "*.json")
            .Where(f => Path.GetFileName(f) != "latest.json")
            .OrderByDescending(Path.GetFileName, StringComparer.Ordinal) // names are timestamps
            .Skip(Math.Max(RecordsKept, policy.KeepLast))
            .Where(f => policy.KeepDays is not { } days || now - File.GetLastWriteTimeUtc(f) > TimeSpan.FromDays(days))
            .ToList();
        long bytes = stamped.Sum(f => new FileInfo(f).Length);
        if (!policy.DryRun) foreach (var f in stamped) File.Delete(f);
        return (stamped.Count, bytes);
    }

    /// <summary>
    /// Prunes each stage's inner caches to the entries its kept runs used. A kept run whose use was not
    /// recorded (restored from another machine's cache, or accepted by hand) keeps the whole cache.
    /// </summary>
    private static List<GcReport.CacheLine> InnerCaches(StageEngine engine, List<RunCache.EntryInfo> entries, HashSet<string> kept, GcPolicy policy, List<string> notes)
    {
        var lines = new List<GcReport.CacheLine>();
        foreach (var stage in engine.Stages.Where(s => s.Caches.Count > 0))
        {
            var usedDir = engine.Workspace.CacheUseDir(stage.Name);
            var keptRuns = entries.Where(e => e.Stage == stage.Name && kept.Contains(e.Fingerprint)).Select(e => e.Fingerprint).ToHashSet(StringComparer.Ordinal);
            if (engine.Lock.Get(stage.Name) is { } current) keptRuns.Add(current.Fingerprint);
            var keep = stage.Caches.ToDictionary(c => c.Name, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
            var unknown = keptRuns.Where(f => !File.Exists(Path.Combine(usedDir, f + ".json"))).ToList();
            if (unknown.Count > 0)
            {
                notes.Add($"{stage.Name}: kept its inner caches whole: which entries run {unknown[0][..12]} used is not recorded here");
                continue;
            }
            foreach (var run in keptRuns)
            {
                var use = JsonSerializer.Deserialize<Dictionary<string, List<string>>>(File.ReadAllBytes(Path.Combine(usedDir, run + ".json"))) ?? [];
                foreach (var (name, keys) in use)
                    if (keep.TryGetValue(name, out var set)) set.UnionWith(keys);
            }
            foreach (var declared in stage.Caches)
            {
                var folder = engine.Workspace.StageCacheDir(stage.Name, declared.Name);
                if (!Directory.Exists(folder)) continue;
                var (count, bytes) = declared.Prune(folder, keep[declared.Name], policy.DryRun);
                lines.Add(new GcReport.CacheLine(stage.Name, declared.Name, count, bytes));
            }
            if (!policy.DryRun && Directory.Exists(usedDir))
                foreach (var record in Directory.EnumerateFiles(usedDir, "*.json").Where(f => !keptRuns.Contains(Path.GetFileNameWithoutExtension(f))).ToList())
                    File.Delete(record);
        }
        return lines;
    }
}
