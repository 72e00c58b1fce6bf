using System.Collections.Concurrent;
using System.Text.Json;
using Star1.Pipeline.Storage;

namespace Star1.Pipeline.Hashing;

/// <summary>
/// Remembers the content hash of files next to their <see cref="FileStamp"/>, persisted between runs, so an
/// unchanged file is never re-read. A file whose stamp differs is hashed in full and the entry refreshed.
/// </summary>
public sealed class HashIndex
{
    private sealed record Entry(FileStamp Stamp, string Hash);

    private readonly string storePath;
    private readonly ConcurrentDictionary<string, Entry> entries;
    private bool dirty;

    /// <summary>Counts full reads, so tests and the benchmark can prove a no-op run reads nothing.</summary>
    public int FullHashes => fullHashes;
    private int fullHashes;

    private HashIndex(string storePath, ConcurrentDictionary<string, Entry> entries)
    {
        this.storePath = storePath;
        this.entries = entries;
    }

    /// <summary>Loads the index kept at <paramref name="path"/>; a missing or unreadable index starts empty (it is only a cache).</summary>
    public static HashIndex Load(string path)
    {
        var entries = new ConcurrentDictionary<string, Entry>(StringComparer.Ordinal);
        try
        {
            if (File.Exists(path))
            {
                var stored = JsonSerializer.Deserialize<Dictionary<string, Entry>>(File.ReadAllBytes(path));
                foreach (var (key, value) in stored ?? []) entries[key] = value;
            }
        }
        catch (JsonException)
        {
            // A damaged index only costs re-hashing; it never decides freshness on its own.
        }
        return new HashIndex(path, entries);
    }

    /// <summary>The SHA-256 of the file, or null when it does not exist.</summary>
    public string? HashOf(string path)
    {
        var full = Path.GetFullPath(path);
        var stamp = FileStamp.Of(full);
        if (stamp is null) return null;
        if (entries.TryGetValue(full, out var known) && known.Stamp == stamp.Value) return known.Hash;
        var hash = ContentHash.OfFile(full);
        Interlocked.Increment(ref fullHashes);   // stages side by side hash at once
        // Re-stamp after hashing: if the file changed while we read it the stamps differ and the next run re-hashes.
        var after = FileStamp.Of(full);
        if (after == stamp) Remember(full, stamp.Value, hash);
        return hash;
    }

    /// <summary>Records a hash we computed ourselves while writing the file, saving a re-read.</summary>
    public void Record(string path, string hash)
    {
        var full = Path.GetFullPath(path);
        if (FileStamp.Of(full) is { } stamp) Remember(full, stamp, hash);
    }

    private void Remember(string full, FileStamp stamp, string hash)
    {
        entries[full] = new Entry(stamp, hash);
        dirty = true;
    }

    public void Save()
    {
        if (!dirty) return;
        var live = entries.Where(e => File.Exists(e.Key)).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        AtomicFile.WriteAllBytes(storePath, JsonSerializer.SerializeToUtf8Bytes(live));
        dirty = false;
    }
}
