using Microsoft.Data.Sqlite;

namespace Star1.Llm.Cache;

/// <summary>Opening the SQLite file: refusing a corrupt or foreign one by name, creating the schema once.</summary>
public sealed partial class RequestCache
{
    private static SqliteConnection Open(string path)
    {
        var db = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // Another process writing at the same moment: wait for its lock rather than fail.
            DefaultTimeout = 30,
            Pooling = false,
        }.ToString());
        try
        {
            db.Open();
            Execute(db, "PRAGMA journal_mode=WAL");
            // WAL + NORMAL: a crash loses at most the last commits, never consistency; no fsync per answer.
            Execute(db, "PRAGMA synchronous=NORMAL");
            CheckOrCreateSchema(db, path);
            return db;
        }
        catch (SqliteException ex)
        {
            db.Dispose();
            throw new InvalidDataException(
                $"request cache {path} cannot be used: {ex.Message.TrimEnd('.')}. It is corrupt or not a SQLite file; " +
                "delete it to start the cache over (answers will be asked again).", ex);
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    private static void CheckOrCreateSchema(SqliteConnection db, string path)
    {
        using var tx = db.BeginTransaction(deferred: false); // IMMEDIATE: two processes creating at once take turns
        var tables = new HashSet<string>(StringComparer.Ordinal);
        using (var cmd = db.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            using var reader = cmd.ExecuteReader();
            while (reader.Read()) tables.Add(reader.GetString(0));
        }
        if (tables.Count > 0)
        {
            string? format = null;
            if (tables.Contains("star1_meta"))
            {
                using var cmd = db.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = "SELECT value FROM star1_meta WHERE name = 'format'";
                format = cmd.ExecuteScalar() as string;
            }
            if (format != Format)
                throw new InvalidDataException(
                    $"request cache {path} is a SQLite database but not a STAR1 request cache ({(format is null ? "no format mark" : $"format '{format}', expected '{Format}'")}); " +
                    "move it away or delete it to start the cache over.");
        }
        else
        {
            Execute(db, "CREATE TABLE star1_meta(name TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)", tx);
            Execute(db, $"INSERT INTO star1_meta(name, value) VALUES('format', '{Format}')", tx);
        }
        Execute(db, "CREATE TABLE IF NOT EXISTS answers(key TEXT PRIMARY KEY NOT NULL, answer TEXT NOT NULL, stored_utc TEXT NOT NULL) WITHOUT ROWID", tx);
        Execute(db, "CREATE TABLE IF NOT EXISTS batches(batch_id TEXT PRIMARY KEY NOT NULL, input_file_id TEXT NOT NULL, requests INTEGER NOT NULL, state TEXT NOT NULL, created_utc TEXT NOT NULL)", tx);
        tx.Commit();
    }

    private static void Execute(SqliteConnection db, string sql, SqliteTransaction? tx = null)
    {
        using var cmd = db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>
    /// Removes (or with <paramref name="dryRun"/> only counts) the answers whose keys are not in
    /// <paramref name="keep"/>: the engine's Gc passes the keys its kept runs used. Bytes are those of the
    /// stored rows; the file shrinks after the removal (VACUUM). Batch records are left alone.
    /// </summary>
    public static (int Entries, long Bytes) Prune(string folder, IReadOnlySet<string> keep, bool dryRun)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) return (0, 0);
        using var db = Open(Path.GetFullPath(path));
        var doomed = new List<string>();
        long bytes = 0;
        using (var cmd = db.CreateCommand())
        {
            cmd.CommandText = "SELECT key, length(CAST(answer AS BLOB)) + length(key) + length(stored_utc) FROM answers";
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                var key = reader.GetString(0);
                if (keep.Contains(key)) continue;
                doomed.Add(key);
                bytes += reader.GetInt64(1);
            }
        }
        if (dryRun || doomed.Count == 0) return (doomed.Count, bytes);
        using (var tx = db.BeginTransaction(deferred: false))
        using (var delete = db.CreateCommand())
        {
            delete.Transaction = tx;
            delete.CommandText = "DELETE FROM answers WHERE key = $key";
            var p = delete.Parameters.Add(new SqliteParameter { ParameterName = "$key" });
            foreach (var key in doomed)
            {
                p.Value = key;
                delete.ExecuteNonQuery();
            }
            tx.Commit();
        }
        Execute(db, "VACUUM");
        Execute(db, "PRAGMA wal_checkpoint(TRUNCATE)");
        return (doomed.Count, bytes);
    }
}
