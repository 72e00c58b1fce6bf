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
public sealed class RunCache(string root)
{
    private sealed record RunEntry(string Stage, SortedDictionary<string, OutputRecord> Outputs);

    private string ObjectPath(string hash) => Path.Combine(root, "objects", hash[..2], hash[2..]);
    private string RunPath(string fingerprint) => Path.Combine(root, "runs", fingerprint + ".json");

    public bool Has(string fingerprint) => File.Exists(RunPath(fingerprint));

    /// <summary>Stores a committed output's bytes (if not already there) and records the run.</summary>
    public void Store(string stage, string fingerprint, IReadOnlyDictionary<string, (string Path, OutputRecord Record)> outputs)
    {
        foreach (var (_, (path, record)) in outputs)
        {
            var target = ObjectPath(record.Hash);
            if (File.Exists(target)) continue;
            var temp = AtomicFile.TempPathFor(target);
            File.Copy(path, temp);
            AtomicFile.Commit(temp, target);
        }
        var entry = new RunEntry(stage, new(outputs.ToDictionary(o => o.Key, o => o.Value.Record), StringComparer.Ordinal));
        Directory.CreateDirectory(Path.GetDirectoryName(RunPath(fingerprint))!);
        AtomicFile.WriteAllBytes(RunPath(fingerprint), JsonSerializer.SerializeToUtf8Bytes(entry));
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
        return (fetched, null);
    }

    private void Forget(string fingerprint)
    {
        if (File.Exists(RunPath(fingerprint))) File.Delete(RunPath(fingerprint));
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
