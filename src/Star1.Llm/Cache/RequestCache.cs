using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Caching.Memory;

namespace Star1.Llm.Cache;

/// <summary>
/// Every raw answer a stage received, by <see cref="RequestKey"/>: one SQLite file (WAL mode) in the stage's
/// cache folder. Answers are stored as they came, before any parsing, including answers that a parser later
/// rejects or that stopped at the length limit: a parser fix then needs no new request, and a re-ask is its
/// own entry (the attempt number is in the key). Each write is its own transaction, so after a crash an entry
/// is either whole or absent. Several processes may read the file at once (WAL); writes from one process go
/// through one connection under a lock. API keys never reach it: keys are hashes of what decides an answer.
/// A small in-process memory cache sits in front for answers read or written this run (see the README's
/// benchmark for what it saves).
/// </summary>
public sealed partial class RequestCache : IDisposable
{
    public const string FileName = "requests.sqlite";

    // Marks the file as ours; a different value (or a database without it) is refused rather than written to.
    private const string Format = "star1-llm-cache/1";

    private readonly SqliteConnection _db;
    private readonly Lock _gate = new();
    private readonly MemoryCache? _memory;
    private readonly ConcurrentDictionary<string, byte> _used = new(StringComparer.Ordinal);
    private readonly Action<string> _warn;
    private readonly SqliteCommand _select, _upsert;

    /// <param name="folder">the stage's cache folder; created if missing.</param>
    /// <param name="warn">where warnings go (a malformed row); defaults to standard error.</param>
    /// <param name="memoryBytes">size of the in-process cache in front of SQLite, in bytes of answer text; 0 turns it off.</param>
    public RequestCache(string folder, Action<string>? warn = null, long memoryBytes = 64L << 20)
    {
        Directory.CreateDirectory(folder);
        FilePath = Path.GetFullPath(Path.Combine(folder, FileName));
        _warn = warn ?? (m => Console.Error.WriteLine("warning: " + m));
        _db = Open(FilePath);
        _select = Command("SELECT answer FROM answers WHERE key = $key", "$key");
        _upsert = Command("INSERT OR REPLACE INTO answers(key, answer, stored_utc) VALUES($key, $answer, $at)", "$key", "$answer", "$at");
        if (memoryBytes > 0) _memory = new MemoryCache(new MemoryCacheOptions { SizeLimit = memoryBytes });
    }

    /// <summary>The SQLite file, for messages.</summary>
    public string FilePath { get; }

    /// <summary>The keys this instance read or wrote: the entries this run used, recorded for Gc.</summary>
    public IReadOnlySet<string> UsedKeys => _used.Keys.ToHashSet(StringComparer.Ordinal);

    /// <summary>Looks an answer up and records the key as used. A malformed row is a miss (with a warning).</summary>
    public bool TryGet(string key, [NotNullWhen(true)] out ChatAnswer? answer)
    {
        answer = Peek(key);
        if (answer is null) return false;
        _used.TryAdd(key, 0);
        return true;
    }

    /// <summary>Looks an answer up without recording the key as used (for --dryrun estimates).</summary>
    public ChatAnswer? Peek(string key)
    {
        if (_memory is not null && _memory.TryGetValue(key, out ChatAnswer? hit)) return hit;
        string? json;
        lock (_gate)
        {
            _select.Parameters[0].Value = key;
            try { json = _select.ExecuteScalar() as string; }
            catch (SqliteException ex) { throw Failed("read", key, ex); }
        }
        if (json is null) return null;
        var answer = StoredAnswer.TryRead(json, out var problem);
        if (answer is null)
        {
            _warn($"request cache {FilePath}: entry {key} is malformed ({problem}); treated as a miss and replaced when answered again");
            return null;
        }
        Remember(key, answer);
        return answer;
    }

    /// <summary>Stores an answer as received (committed before this returns) and records the key as used.</summary>
    public void Put(string key, ChatAnswer answer)
    {
        Store(key, answer);
        _used.TryAdd(key, 0);
    }

    /// <summary>
    /// Stores without recording the key as used: batch output is stored as it arrives, and an earlier run's batch
    /// may hold answers no item of this run asks for; the ones it does ask for are recorded when read.
    /// </summary>
    internal void Store(string key, ChatAnswer answer)
    {
        var json = StoredAnswer.Write(answer);
        lock (_gate)
        {
            _upsert.Parameters[0].Value = key;
            _upsert.Parameters[1].Value = json;
            _upsert.Parameters[2].Value = DateTime.UtcNow.ToString("O");
            try { _upsert.ExecuteNonQuery(); }
            catch (SqliteException ex) { throw Failed("write", key, ex); }
        }
        Remember(key, answer);
    }

    // SQLite's own messages ("disk I/O error", "database is locked") do not say which file or entry.
    private IOException Failed(string what, string key, SqliteException ex) =>
        new($"request cache {FilePath}: cannot {what} entry {key}: {ex.Message}", ex);

    private void Remember(string key, ChatAnswer answer)
    {
        if (_memory is null) return;
        long size = 64 + 2L * (answer.Content.Length + (answer.Reasoning?.Length ?? 0));
        _memory.Set(key, answer, new MemoryCacheEntryOptions { Size = size });
    }

    /// <summary>Reports a warning where this cache's warnings go (the stage's reporter, or standard error).</summary>
    internal void Warn(string message) => _warn(message);

    /// <summary>Number of stored answers.</summary>
    public long Count()
    {
        lock (_gate)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "SELECT count(*) FROM answers";
            return (long)cmd.ExecuteScalar()!;
        }
    }

    public void Dispose()
    {
        _select.Dispose();
        _upsert.Dispose();
        _db.Dispose();
        _memory?.Dispose();
    }

    private SqliteCommand Command(string sql, params string[] parameters)
    {
        var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        foreach (var p in parameters) cmd.Parameters.Add(new SqliteParameter { ParameterName = p });
        return cmd;
    }
}
