using System.Security.Cryptography;
using System.Text.Json;
using Star1.Pipeline.Hashing;
using Star1.Pipeline.Storage;

namespace Star1.Pipeline.Engine;

/// <summary>
/// Outputs stored by content hash (objects/ab/cdef...) and, per fingerprint, which objects a run produced
/// (runs/&lt;fingerprint&gt;.json), like DVC's run-cache. Setting a parameter back finds the earlier run and
/// restores its outputs without executing. Every restore re-hashes what it copies: an entry whose bytes
/// no longer match is refused and removed. The folder is safe to cache in CI as a whole.
/// </summary>
/// <remarks>
/// An entry is written once and never replaced: a later run under the same fingerprint that produced other
/// bytes is kept beside it (conflicts/&lt;fingerprint&gt;/) and reported, because the same inputs giving
/// other outputs means the stage is not deterministic or reads something its fingerprint misses; restores
/// keep serving the first entry. An entry file's modification time is its last use (store or restore).
/// </remarks>
public sealed class RunCache(string root)
{
    public sealed record RunEntry(string Stage, SortedDictionary<string, OutputRecord> Outputs);

    /// <summary>One run entry as Gc sees it.</summary>
    public sealed record EntryInfo(string Fingerprint, string Stage, SortedDictionary<string, OutputRecord> Outputs, DateTime LastUsedUtc, string Path);

    public string Root => root;
    private string ObjectPath(string hash) => Path.Combine(root, "objects", hash[..2], hash[2..]);
    private string RunPath(string fingerprint) => Path.Combine(root, "runs", fingerprint + ".json");
    private string ConflictDir(string fingerprint) => Path.Combine(root, "conflicts", fingerprint);

    public bool Has(string fingerprint) => File.Exists(RunPath(fingerprint));

    /// <summary>
    /// Stores a committed run's outputs (objects that are missing or damaged) and records the run, unless an
    /// entry for this fingerprint exists: then nothing served changes, and when the outputs differ from the
    /// entry's, the new run is kept as a conflict and a description of the difference is returned.
    /// </summary>
    public string? Store(string stage, string fingerprint, IReadOnlyDictionary<string, (string Path, OutputRecord Record)> outputs)
    {
        foreach (var (_, (path, record)) in outputs) StoreObject(path, record.Hash);
        var entry = new RunEntry(stage, new(outputs.ToDictionary(o => o.Key, o => o.Value.Record), StringComparer.Ordinal));
        var existing = Read(fingerprint);
        if (existing is null)
        {
            Write(RunPath(fingerprint), entry);
            return null;
        }
        File.SetLastWriteTimeUtc(RunPath(fingerprint), DateTime.UtcNow);
        var differing = entry.Outputs.Keys.Union(existing.Outputs.Keys)
            .Where(k => entry.Outputs.GetValueOrDefault(k)?.Hash != existing.Outputs.GetValueOrDefault(k)?.Hash)
            .Order(StringComparer.Ordinal).ToList();
        if (differing.Count == 0) return null;
        var conflict = Path.Combine(ConflictDir(fingerprint), ContentHash.OfString(string.Join('\n', entry.Outputs.Select(o => $"{o.Key}\0{o.Value.Hash}")))[..16] + ".json");
        Write(conflict, entry);
        return $"this run's {string.Join(", ", differing)} differ from what the run-cache holds for the same inputs " +
               $"(entry {fingerprint[..12]}): the stage is not deterministic, or it reads something its fingerprint does not cover. " +
               $"Restores keep serving the first result; this one is kept in {Path.GetRelativePath(root, conflict)}";
    }

    /// <summary>
    /// Copies an object into the store. An object already there is trusted only after re-hashing it: a
    /// damaged one is replaced rather than left to fail every later restore.
    /// </summary>
    private void StoreObject(string source, string hash)
    {
        var target = ObjectPath(hash);
        if (File.Exists(target) && ContentHash.OfFile(target) == hash) return;
        var temp = AtomicFile.TempPathFor(target);
        try
        {
            var copied = CopyHashing(source, temp);
            if (copied != hash) throw new IOException($"{source} changed while it was being stored in the run-cache (expected {hash[..12]}, read {copied[..12]})");
            AtomicFile.Commit(temp, target);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static void Write(string path, RunEntry entry)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(entry));
    }

    /// <summary>The entry for a fingerprint; null when there is none or it is unreadable (then it is removed).</summary>
    private RunEntry? Read(string fingerprint)
    {
        if (!Has(fingerprint)) return null;
        var entry = TryRead(RunPath(fingerprint));
        if (entry is null) Forget(fingerprint);
        return entry;
    }

    /// <summary>A run entry or conflict record as stored; null when its JSON is damaged.</summary>
    internal static RunEntry? TryRead(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<RunEntry>(File.ReadAllBytes(path));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Copies a cached run's outputs to temporary files beside their destinations, verifying each hash.
    /// Returns the verified temp files to commit, or null (with the reason) when the entry is unusable.
    /// </summary>
    public (Dictionary<string, (string Temp, OutputRecord Record)>? Files, string? Problem) Fetch(string fingerprint, Func<string, string> destinationOf)
    {
        RunEntry? entry;
        try
        {
            entry = JsonSerializer.Deserialize<RunEntry>(File.ReadAllBytes(RunPath(fingerprint)));
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            Forget(fingerprint);
            return (null, $"run-cache entry {fingerprint[..12]} is unreadable ({e.Message})");
        }
        var fetched = new Dictionary<string, (string, OutputRecord)>(StringComparer.Ordinal);
        foreach (var (name, record) in entry?.Outputs ?? [])
        {
            var source = ObjectPath(record.Hash);
            var temp = AtomicFile.TempPathFor(destinationOf(name));
            string? problem = null;
            if (!File.Exists(source)) problem = $"cached object for {name} is missing";
            else
            {
                var actual = CopyHashing(source, temp);
                if (actual != record.Hash)
                {
                    problem = $"cached object for {name} is corrupted (expected {record.Hash[..12]}, found {actual[..12]})";
                    File.Delete(source);
                }
            }
            if (problem is not null)
            {
                if (File.Exists(temp)) File.Delete(temp);
                foreach (var (t, _) in fetched.Values) File.Delete(t);
                Forget(fingerprint);
                return (null, problem);
            }
            fetched[name] = (temp, record);
        }
        File.SetLastWriteTimeUtc(RunPath(fingerprint), DateTime.UtcNow);
        return (fetched, null);
    }

    /// <summary>The entry recorded for a fingerprint, or null (an unreadable one is removed).</summary>
    public RunEntry? Entry(string fingerprint) => Read(fingerprint);

    /// <summary>Whether an object is stored; not re-hashed here, since every restore re-hashes what it copies.</summary>
    public bool HasObject(string hash) => File.Exists(ObjectPath(hash));

    /// <summary>Where an object is stored (to send it elsewhere as it is).</summary>
    public string ObjectFile(string hash) => ObjectPath(hash);

    /// <summary>
    /// Stores an object that arrives from elsewhere (a remote cache), hashing it as it is written: it is kept only
    /// when its SHA-256 and size are the ones announced. Returns null, or what was wrong (then nothing is kept).
    /// </summary>
    public async Task<string?> ImportObjectAsync(Stream source, string hash, long size, CancellationToken ct)
    {
        // The hash names a path: anything but 64 hex digits could point outside objects/.
        if (!ContentHash.IsSha256Hex(hash)) throw new ArgumentException($"'{hash}' is not a SHA-256 in hex", nameof(hash));
        var target = ObjectPath(hash);
        var temp = AtomicFile.TempPathFor(target);
        try
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long total = 0;
            await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true))
            {
                var buffer = new byte[1 << 20];
                int read;
                while ((read = await source.ReadAsync(buffer, ct)) > 0)
                {
                    sha.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), ct);
                    total += read;
                }
            }
            var actual = Convert.ToHexStringLower(sha.GetHashAndReset());
            if (actual != hash || total != size)
                return $"expected SHA-256 {hash[..12]} and {size} bytes, received {actual[..12]} and {total} bytes";
            AtomicFile.Commit(temp, target);
            return null;
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>
    /// Records an entry that arrives from elsewhere, once its objects are stored. An entry already here stays:
    /// entries are written once, whoever wrote them first.
    /// </summary>
    public void AddEntry(string fingerprint, RunEntry entry)
    {
        if (!Has(fingerprint)) Write(RunPath(fingerprint), entry);
    }

    /// <summary>Every readable run entry (conflicts are not entries: Gc drops them with their fingerprint).</summary>
    public IEnumerable<EntryInfo> Entries()
    {
        var dir = Path.Combine(root, "runs");
        if (!Directory.Exists(dir)) yield break;
        foreach (var path in Directory.EnumerateFiles(dir, "*.json"))
        {
            var entry = TryRead(path);
            yield return new EntryInfo(Path.GetFileNameWithoutExtension(path), entry?.Stage ?? "?", entry?.Outputs ?? [], File.GetLastWriteTimeUtc(path), path);
        }
    }

    /// <summary>Every stored object: its hash, path and size.</summary>
    public IEnumerable<(string Hash, string Path, long Size)> Objects()
    {
        var dir = Path.Combine(root, "objects");
        if (!Directory.Exists(dir)) yield break;
        foreach (var sub in Directory.EnumerateDirectories(dir))
            foreach (var path in Directory.EnumerateFiles(sub))
            {
                var name = Path.GetFileName(path);
                if (name.StartsWith('.')) continue; // a temporary file, cleaned with the leftovers
                yield return (Path.GetFileName(sub) + name, path, new FileInfo(path).Length);
            }
    }

    /// <summary>The conflict records kept for a fingerprint.</summary>
    public IEnumerable<string> Conflicts(string fingerprint) =>
        Directory.Exists(ConflictDir(fingerprint)) ? Directory.EnumerateFiles(ConflictDir(fingerprint)) : [];

    /// <summary>Fingerprints that have conflict records.</summary>
    public IEnumerable<string> ConflictFingerprints() =>
        Directory.Exists(Path.Combine(root, "conflicts")) ? Directory.EnumerateDirectories(Path.Combine(root, "conflicts")).Select(d => Path.GetFileName(d)!) : [];

    /// <summary>Removes an entry and its conflict records (its objects stay until nothing references them).</summary>
    public void Forget(string fingerprint)
    {
        if (File.Exists(RunPath(fingerprint))) File.Delete(RunPath(fingerprint));
        if (Directory.Exists(ConflictDir(fingerprint))) Directory.Delete(ConflictDir(fingerprint), recursive: true);
    }

    private static string CopyHashing(string source, string destination)
    {
        using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        using var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        int read;
        while ((read = input.Read(buffer)) > 0)
        {
            sha.AppendData(buffer, 0, read);
            output.Write(buffer, 0, read);
        }
        output.Flush(flushToDisk: true);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
