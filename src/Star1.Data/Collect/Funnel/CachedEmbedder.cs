using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Star1.Data.Collect.Funnel;

/// <summary>
/// Wraps another embedder and remembers its vectors on disk, keyed by the SHA-256 of the text's UTF-8 bytes,
/// so a rerun of the funnel embeds only texts it has not seen.
/// </summary>
/// <remarks>
/// <para>Layout: the folder holds <c>manifest.txt</c> (format version and a model tag; a cache made by another
/// model is refused, not silently mixed) and up to 16 shard files <c>x.bin</c>, one per first hex digit of the key
/// (few enough that a batch costs at most 16 appends and flushes, many enough that a lookup loads 1/16 of the cache).
/// Shards are append-only sequences of self-checking records:
/// magic "EMB1", 32-byte key, int32 dimension, dimension x float32, uint64 FNV-1a checksum of everything
/// before it (all little-endian).</para>
/// <para>Crash safety: a record is appended with one write and flushed to disk before it is used. If the
/// process dies mid-write, only the tail of one shard can be incomplete; when that shard is next opened the
/// reader stops at the first record that is short or fails its checksum and truncates the file there, so a
/// partial record is never trusted and later appends start on a clean boundary. The manifest is written to a
/// temporary file and renamed into place. One process at a time: appends take an exclusive file lock, so a
/// second writer fails with an IOException rather than interleaving records.</para>
/// </remarks>
public sealed class CachedEmbedder : ISentenceEmbedder
{
    private const uint Magic = 0x31424D45; // "EMB1" little-endian
    private const int HeaderSize = 4 + 32 + 4;
    private const string FormatLine = "star1-embedding-cache v1";

    private readonly ISentenceEmbedder _inner;
    private readonly string _folder;
    private readonly Dictionary<Key, float[]> _vectors = new();
    private const int ShardCount = 16;
    private readonly bool[] _shardLoaded = new bool[ShardCount];
    private readonly Lock _gate = new();

    /// <param name="inner">The embedder whose vectors are cached.</param>
    /// <param name="folder">Cache folder; created if missing.</param>
    /// <param name="modelTag">Identifies the model; defaults to the inner embedder's type name. A folder made
    /// with a different tag is refused.</param>
    public CachedEmbedder(ISentenceEmbedder inner, string folder, string? modelTag = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        _inner = inner;
        _folder = Path.GetFullPath(folder);
        ModelTag = modelTag ?? inner.GetType().FullName ?? inner.GetType().Name;
        if (ModelTag.Contains('\n')) throw new ArgumentException("The model tag must be one line.", nameof(modelTag));
        Directory.CreateDirectory(_folder);
        CheckOrWriteManifest();
    }

    public string ModelTag { get; }

    /// <summary>Texts answered from the cache since construction.</summary>
    public int Hits { get; private set; }

    /// <summary>Texts sent to the inner embedder since construction.</summary>
    public int Misses { get; private set; }

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
                Key key = Key.Of(text);
                keys[i] = key;
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
        string expected = FormatLine + "\n" + ModelTag + "\n";
        if (File.Exists(path))
        {
            string actual = File.ReadAllText(path).Replace("\r\n", "\n");
            if (actual != expected)
                throw new InvalidOperationException(
                    $"The embedding cache at {_folder} was made for a different model or format " +
                    $"(manifest says '{actual.Trim().Replace('\n', ' ')}', expected '{expected.Trim().Replace('\n', ' ')}'). " +
                    "Use another folder or delete this one.");
            return;
        }
        string tmp = path + "." + Environment.ProcessId + ".tmp";
        File.WriteAllText(tmp, expected);
        File.Move(tmp, path, overwrite: true);
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
    private long ReadRecords(byte[] data)
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
            var key = Key.FromBytes(rest.Slice(4, 32));
            var v = new float[dim];
            for (int i = 0; i < dim; i++) v[i] = BinaryPrimitives.ReadSingleLittleEndian(rest[(HeaderSize + 4 * i)..]);
            _vectors[key] = v;
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

        public static Key Of(string text)
        {
            Span<byte> digest = stackalloc byte[32];
            SHA256.HashData(Encoding.UTF8.GetBytes(text), digest);
            return FromBytes(digest);
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
