using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Star1.Data.Collect.Funnel;

/// <summary>
/// Wraps another embedder and remembers its vectors on disk, keyed by the SHA-256 of the model tag and the
/// text, so a rerun of the funnel embeds only texts it has not seen with this model and code.
/// </summary>
/// <remarks>
/// <para>Layout: the folder holds <c>manifest.txt</c> (the record format) and up to 16 shard files <c>x.bin</c>,
/// one per first hex digit of the key (few enough that a batch costs at most 16 appends and flushes, many enough
/// that a lookup loads 1/16 of the cache). Shards are append-only sequences of self-checking records:
/// magic "EMB1", 32-byte key, int32 dimension, dimension x float32, uint64 FNV-1a checksum of everything
/// before it (all little-endian).</para>
/// <para>The model tag (callers include a hash of the embedding code in it) is part of every key rather
/// than a property of the folder: a vector made under another tag is never served, yet a folder used by
/// another tag is neither refused nor wiped, so two checkouts with different code sharing a cache lose
/// nothing of each other's. Records no run uses any more are removed by <see cref="Compact"/>.</para>
/// <para>Crash safety: a record is appended with one write and flushed to disk before it is used. If the
/// process dies mid-write, only the tail of one shard can be incomplete; when that shard is next opened the
/// reader stops at the first record that is short or fails its checksum and truncates the file there, so a
/// partial record is never trusted and later appends start on a clean boundary. The manifest and compacted
/// shards are written to a temporary file (<c>.&lt;name&gt;.&lt;32 hex&gt;.tmp</c>, the pattern the engine's
/// clean-up removes) and renamed into place. One process at a time: appends take an exclusive file lock, so a
/// second writer fails with an IOException rather than interleaving records.</para>
/// </remarks>
public sealed class CachedEmbedder : ISentenceEmbedder
{
    private const uint Magic = 0x31424D45; // "EMB1" little-endian
    private const int HeaderSize = 4 + 32 + 4;
    private const string FormatLine = "star1-embedding-cache v2 (keys: SHA-256 of model tag, NUL, text)";
    // v1 keyed by the text alone under one tag per folder; its records are valid but can never match a v2 key,
    // so a v1 folder is taken over (its records stay unreachable until Compact drops them).
    private const string FormerFormatLine = "star1-embedding-cache v1";

    private readonly ISentenceEmbedder _inner;
    private readonly string _folder;
    private readonly Dictionary<Key, float[]> _vectors = new();
    private const int ShardCount = 16;
    private readonly bool[] _shardLoaded = new bool[ShardCount];
    private readonly Lock _gate = new();
    private readonly byte[] _tagPrefix;
    private readonly HashSet<Key> _used = new();

    /// <param name="inner">The embedder whose vectors are cached.</param>
    /// <param name="folder">Cache folder; created if missing.</param>
    /// <param name="modelTag">Identifies the model and the code around it; defaults to the inner embedder's type
    /// name. Part of every key: vectors stored under another tag are never served.</param>
    public CachedEmbedder(ISentenceEmbedder inner, string folder, string? modelTag = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        _inner = inner;
        _folder = Path.GetFullPath(folder);
        ModelTag = modelTag ?? inner.GetType().FullName ?? inner.GetType().Name;
        // The tag is hashed NUL-separated from the text: a NUL inside it would let two (tag, text) pairs collide.
        if (ModelTag.Contains('\0') || ModelTag.Contains('\n'))
            throw new ArgumentException($"The model tag must be one line without NUL characters; got '{ModelTag.Replace("\0", "\\0").Replace("\n", "\\n")}'.", nameof(modelTag));
        _tagPrefix = [.. Encoding.UTF8.GetBytes(ModelTag), 0];
        Directory.CreateDirectory(_folder);
        CheckOrWriteManifest();
    }

    public string ModelTag { get; }

    /// <summary>Texts answered from the cache since construction.</summary>
    public int Hits { get; private set; }

    /// <summary>Texts sent to the inner embedder since construction.</summary>
    public int Misses { get; private set; }

    /// <summary>The keys (lower-case hex) of every text embedded or served by this instance: what a garbage
    /// collection after this run keeps (see <see cref="Compact"/>).</summary>
    public IReadOnlySet<string> UsedKeys
    {
        get
        {
            lock (_gate) return _used.Select(k => k.Hex).ToHashSet(StringComparer.Ordinal);
        }
    }

    /// <summary>Incomplete or corrupt records dropped while reading shards (normally only after a crash).</summary>
    public int DiscardedRecords { get; private set; }

    public float[][] Embed(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        lock (_gate)
        {
            var keys = new Key[texts.Count];
            var result = new float[texts.Count][];
            var missing = new List<string>();
            var missingKeys = new List<Key>();
            var pending = new HashSet<Key>();
            for (int i = 0; i < texts.Count; i++)
            {
                string text = texts[i] ?? throw new ArgumentException($"Text {i} is null.", nameof(texts));
                Key key = Key.Of(_tagPrefix, text);
                keys[i] = key;
                _used.Add(key);
                EnsureShardLoaded(key.Shard);
                if (_vectors.TryGetValue(key, out float[]? v)) { result[i] = v; Hits++; }
                else if (pending.Add(key)) { missing.Add(text); missingKeys.Add(key); }
            }
            if (missing.Count > 0)
            {
                float[][] fresh = _inner.Embed(missing);
                if (fresh.Length != missing.Count)
                    throw new InvalidOperationException($"The inner embedder returned {fresh.Length} vectors for {missing.Count} texts.");
                Misses += missing.Count;
                Append(missingKeys, fresh);
                for (int i = 0; i < texts.Count; i++) result[i] ??= _vectors[keys[i]];
            }
            return result;
        }
    }

    private void CheckOrWriteManifest()
    {
        string path = Path.Combine(_folder, "manifest.txt");
        string expected = FormatLine + "\n";
        if (File.Exists(path))
        {
            string actual = File.ReadAllText(path).Replace("\r\n", "\n");
            if (actual == expected) return;
            if (!actual.StartsWith(FormerFormatLine + "\n", StringComparison.Ordinal))
                throw new InvalidOperationException(
                    $"The embedding cache at {_folder} has a format this code does not know " +
                    $"(manifest.txt says '{actual.Trim().Replace('\n', ' ')}', expected '{FormatLine}'). " +
                    "It was probably written by a newer STAR1; use another folder or delete this one.");
        }
        WriteAtomically(path, Encoding.UTF8.GetBytes(expected));
    }

    /// <summary>Temp file in the engine's leftover pattern, flushed, then renamed over <paramref name="path"/>.</summary>
    private static void WriteAtomically(string path, ReadOnlySpan<byte> bytes)
    {
        string tmp = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                fs.Write(bytes);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    /// <summary>
    /// Rewrites every shard of <paramref name="folder"/> keeping only the records whose key (lower-case hex,
    /// as <see cref="UsedKeys"/> gives them) is in <paramref name="keepKeys"/>, and dropping torn tails. Each
    /// shard is replaced atomically (temporary file, then rename), so a kill leaves the old or the new shard.
    /// With <paramref name="dryRun"/> nothing is written. Returns the records (and bytes) removed or that would be.
    /// </summary>
    public static (int Records, long Bytes) Compact(string folder, IReadOnlySet<string> keepKeys, bool dryRun)
    {
        ArgumentNullException.ThrowIfNull(keepKeys);
        if (!Directory.Exists(folder)) return (0, 0);
        int records = 0;
        long bytes = 0;
        for (int shard = 0; shard < ShardCount; shard++)
        {
            string path = Path.Combine(folder, shard.ToString("x1") + ".bin");
            if (!File.Exists(path)) continue;
            byte[] data = File.ReadAllBytes(path);
            using var kept = new MemoryStream();
            int removed = 0;
            long good = Scan(data, (key, offset, size) =>
            {
                if (keepKeys.Contains(key.Hex)) kept.Write(data, offset, size);
                else removed++;
            });
            long dropped = data.Length - kept.Length;
            if (dropped == 0) continue;
            records += removed;
            bytes += dropped;
            if (!dryRun) WriteAtomically(path, kept.GetBuffer().AsSpan(0, (int)kept.Length));
        }
        return (records, bytes);
    }

    private string ShardPath(int shard) => Path.Combine(_folder, shard.ToString("x1") + ".bin");

    private void EnsureShardLoaded(int shard)
    {
        if (_shardLoaded[shard]) return;
        string path = ShardPath(shard);
        if (File.Exists(path))
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
            byte[] data = new byte[fs.Length];
            fs.ReadExactly(data);
            long good = ReadRecords(data);
            if (good < data.Length)
            {
                DiscardedRecords++;
                fs.SetLength(good); // drop the torn tail so the next append starts on a record boundary
                fs.Flush(flushToDisk: true);
            }
        }
        _shardLoaded[shard] = true;
    }

    /// <summary>Loads every valid record; returns the offset just after the last valid one.</summary>
    private long ReadRecords(byte[] data) => Scan(data, (key, offset, _) =>
    {
        ReadOnlySpan<byte> record = data.AsSpan(offset);
        int dim = BinaryPrimitives.ReadInt32LittleEndian(record[36..]);
        var v = new float[dim];
        for (int i = 0; i < dim; i++) v[i] = BinaryPrimitives.ReadSingleLittleEndian(record[(HeaderSize + 4 * i)..]);
        _vectors[key] = v;
    });

    /// <summary>Calls <paramref name="onRecord"/> (key, offset, size) for each valid record in order; returns the
    /// offset just after the last valid one (a short or corrupt record ends the scan).</summary>
    private static long Scan(byte[] data, Action<Key, int, int> onRecord)
    {
        int pos = 0;
        while (data.Length - pos >= HeaderSize)
        {
            ReadOnlySpan<byte> rest = data.AsSpan(pos);
            if (BinaryPrimitives.ReadUInt32LittleEndian(rest) != Magic) break;
            int dim = BinaryPrimitives.ReadInt32LittleEndian(rest[36..]);
            if (dim <= 0 || dim > 1 << 20) break;
            long size = (long)HeaderSize + 4L * dim + 8;
            if (rest.Length < size) break;
            int body = HeaderSize + 4 * dim;
            ulong stored = BinaryPrimitives.ReadUInt64LittleEndian(rest[body..]);
            if (Fnv1a64.Hash(rest[..body]) != stored) break;
            onRecord(Key.FromBytes(rest.Slice(4, 32)), pos, (int)size);
            pos += (int)size;
        }
        return pos;
    }

    private void Append(List<Key> keys, float[][] vectors)
    {
        var byShard = new SortedDictionary<int, List<int>>();
        for (int i = 0; i < keys.Count; i++)
        {
            if (vectors[i] is null || vectors[i].Length == 0)
                throw new InvalidOperationException($"The inner embedder returned an empty vector for text {i}.");
            if (!byShard.TryGetValue(keys[i].Shard, out var list)) byShard[keys[i].Shard] = list = new List<int>();
            list.Add(i);
        }
        foreach (var (shard, items) in byShard)
        {
            using var buffer = new MemoryStream();
            foreach (int i in items) WriteRecord(buffer, keys[i], vectors[i]);
            // One write per shard and an fsync before the vectors are handed out: after a crash a shard holds
            // whole records plus at most one torn tail, which the reader discards.
            using (var fs = new FileStream(ShardPath(shard), FileMode.Append, FileAccess.Write, FileShare.None))
            {
                buffer.Position = 0;
                buffer.CopyTo(fs);
                fs.Flush(flushToDisk: true);
            }
            foreach (int i in items) _vectors[keys[i]] = vectors[i];
        }
    }

    private static void WriteRecord(Stream s, Key key, float[] v)
    {
        int body = HeaderSize + 4 * v.Length;
        byte[] rec = new byte[body + 8];
        BinaryPrimitives.WriteUInt32LittleEndian(rec, Magic);
        key.WriteTo(rec.AsSpan(4, 32));
        BinaryPrimitives.WriteInt32LittleEndian(rec.AsSpan(36), v.Length);
        for (int i = 0; i < v.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(rec.AsSpan(HeaderSize + 4 * i), v[i]);
        BinaryPrimitives.WriteUInt64LittleEndian(rec.AsSpan(body), Fnv1a64.Hash(rec.AsSpan(0, body)));
        s.Write(rec);
    }

    /// <summary>A SHA-256 digest held as four words, so it can be a dictionary key without allocating a string.</summary>
    private readonly record struct Key(ulong A, ulong B, ulong C, ulong D)
    {
        public int Shard => (int)(A & 0xFF) >> 4; // the digest's first hex digit (the words are read little-endian)

        /// <summary>SHA-256 over the tag's UTF-8 bytes, a NUL, then the text's UTF-8 bytes.</summary>
        public static Key Of(byte[] tagPrefix, string text)
        {
            byte[] bytes = new byte[tagPrefix.Length + Encoding.UTF8.GetByteCount(text)];
            tagPrefix.CopyTo(bytes, 0);
            Encoding.UTF8.GetBytes(text, bytes.AsSpan(tagPrefix.Length));
            Span<byte> digest = stackalloc byte[32];
            SHA256.HashData(bytes, digest);
            return FromBytes(digest);
        }

        public string Hex
        {
            get
            {
                Span<byte> b = stackalloc byte[32];
                WriteTo(b);
                return Convert.ToHexStringLower(b);
            }
        }

        public static Key FromBytes(ReadOnlySpan<byte> b) => new(
            BinaryPrimitives.ReadUInt64LittleEndian(b),
            BinaryPrimitives.ReadUInt64LittleEndian(b[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(b[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(b[24..]));

        public void WriteTo(Span<byte> b)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(b, A);
            BinaryPrimitives.WriteUInt64LittleEndian(b[8..], B);
            BinaryPrimitives.WriteUInt64LittleEndian(b[16..], C);
            BinaryPrimitives.WriteUInt64LittleEndian(b[24..], D);
        }
    }
}
