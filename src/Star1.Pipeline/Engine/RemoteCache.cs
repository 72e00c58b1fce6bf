using System.Collections.Concurrent;
using System.Text.Json;
using Star1.Pipeline.Hashing;
using Star1.Pipeline.Stages;

namespace Star1.Pipeline.Engine;

/// <summary>
/// A run-cache shared between machines over HTTP, in Bazel's remote cache layout: objects under
/// cas/&lt;sha256&gt; (the local run-cache's objects, keyed the same way) and run entries under ac/&lt;fingerprint&gt;
/// (the local entry's JSON). Pulling copies an entry and its objects into the local run-cache, every byte
/// verified, so the engine's ordinary restore does the rest; pushing sends a new run's objects, then its entry.
/// </summary>
/// <remarks>
/// Nothing from the server is trusted: an entry must name this stage, its declared outputs and well-formed
/// hashes, and an object is kept only if its SHA-256 and size are the entry's. Thread-safe: stages that run
/// at once may pull and push at once.
/// </remarks>
public sealed class RemoteCache(HttpRemoteCache http, bool push, Action<string> warn) : IDisposable
{
    /// <summary>An entry is a few lines of JSON; a bigger answer is not one of ours.</summary>
    private const int MaxEntryBytes = 16 << 20;

    /// <summary>Objects this build found damaged on the server: sent again even though the server has them.</summary>
    private readonly ConcurrentDictionary<string, bool> damaged = new(StringComparer.Ordinal);

    /// <summary>The remote of these settings, or null when none is set.</summary>
    public static RemoteCache? From(CacheSettings settings, Action<string> warn, Func<string, string?>? environment = null, HttpMessageHandler? handler = null) =>
        settings.Remote is null ? null : new RemoteCache(new HttpRemoteCache(settings, warn, environment, handler), settings.Push, warn);

    public string Display => http.Display;

    /// <summary>
    /// Copies the remote's entry for this fingerprint, and the objects it names that are not here, into the local
    /// run-cache. Returns the bytes pulled, or null when there is no usable entry (then the stage runs).
    /// </summary>
    public async Task<long?> PullAsync(StageDefinition stage, string fingerprint, RunCache local, CancellationToken ct)
    {
        try
        {
            return await PullOrThrowAsync(stage, fingerprint, local, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A surprise here (the local disk full while importing) must not fail a stage that can simply run.
            warn($"{stage.Name}: pulling from the remote cache failed ({e.Message}); running the stage");
            return null;
        }
    }

    private async Task<long?> PullOrThrowAsync(StageDefinition stage, string fingerprint, RunCache local, CancellationToken ct)
    {
        if (!http.Enabled) return null;
        var entry = await ReadEntryAsync(stage.Name, fingerprint, ct);
        if (entry is null) return null;
        if (Refusal(stage, entry) is { } refusal)
        {
            warn($"{stage.Name}: remote cache entry ac/{fingerprint} {refusal}; ignored, running the stage");
            return null;
        }
        long pulled = 0;
        foreach (var (name, record) in entry.Outputs)
        {
            if (local.HasObject(record.Hash)) continue;
            string? problem = null;
            var found = await http.GetAsync($"cas/{record.Hash}", async (body, token) => problem = await local.ImportObjectAsync(body, record.Hash, record.Size, token), ct);
            if (!found)
            {
                if (http.Enabled) warn($"{stage.Name}: remote cache has entry ac/{fingerprint[..12]} but not its object cas/{record.Hash} ({name}); running the stage");
                return null;
            }
            if (problem is not null)
            {
                damaged[record.Hash] = true;
                warn($"{stage.Name}: remote cache object cas/{record.Hash} ({name}) is corrupted: {problem}; refused, running the stage");
                return null;
            }
            pulled += record.Size;
        }
        local.AddEntry(fingerprint, entry);
        return pulled;
    }

    /// <summary>
    /// Whether the server holds a run entry for this fingerprint (one HEAD), for Status and --dryrun: a stage it
    /// holds would be pulled rather than executed. Its objects are fetched and checked only by a real pull, so a
    /// damaged one can still turn this into an execution then. False when the remote is off or failed.
    /// </summary>
    public async Task<bool> HasRunAsync(string fingerprint, CancellationToken ct) =>
        http.Enabled && await http.ExistsAsync($"ac/{fingerprint}", ct) is true;

    /// <summary>
    /// Sends a run the local run-cache holds: the objects the server lacks (asked with HEAD), then the entry last,
    /// so no reader sees an entry whose objects are missing. An entry the server has stays: the first one wins,
    /// as in the local run-cache. Returns the object bytes sent.
    /// </summary>
    public async Task<long> PushAsync(string stage, string fingerprint, RunCache local, CancellationToken ct)
    {
        try
        {
            return await PushOrThrowAsync(fingerprint, local, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The stage's outputs are committed: whatever went wrong sending them, the stage succeeded.
            warn($"{stage}: pushing to the remote cache failed ({e.Message})");
            return 0;
        }
    }

    private async Task<long> PushOrThrowAsync(string fingerprint, RunCache local, CancellationToken ct)
    {
        if (!push || !http.Enabled || local.Entry(fingerprint) is not { } entry) return 0;
        long pushed = 0;
        foreach (var record in entry.Outputs.Values.DistinctBy(r => r.Hash))
        {
            if (!damaged.ContainsKey(record.Hash))
            {
                var has = await http.ExistsAsync($"cas/{record.Hash}", ct);
                if (has is null) return pushed;
                if (has.Value) continue;
            }
            var file = local.ObjectFile(record.Hash);
            if (!await http.PutAsync($"cas/{record.Hash}", () => new StreamContent(File.OpenRead(file), 1 << 20), record.Size, ct)) return pushed;
            damaged.TryRemove(record.Hash, out _);
            pushed += record.Size;
        }
        if (await http.ExistsAsync($"ac/{fingerprint}", ct) is false)
        {
            var json = JsonSerializer.SerializeToUtf8Bytes(entry);
            await http.PutAsync($"ac/{fingerprint}", () => new ByteArrayContent(json), json.Length, ct);
        }
        return pushed;
    }

    private async Task<RunCache.RunEntry?> ReadEntryAsync(string stage, string fingerprint, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var tooBig = false;
        var found = await http.GetAsync($"ac/{fingerprint}", async (body, token) =>
        {
            var chunk = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(chunk, token)) > 0 && !(tooBig = buffer.Length + read > MaxEntryBytes))
                buffer.Write(chunk, 0, read);
        }, ct);
        if (!found) return null;
        try
        {
            if (!tooBig) return JsonSerializer.Deserialize<RunCache.RunEntry>(buffer.ToArray());
        }
        catch (JsonException)
        {
        }
        warn($"{stage}: remote cache entry ac/{fingerprint} is not a STAR1 run entry; ignored, running the stage");
        return null;
    }

    /// <summary>Why an entry cannot be this stage's run: it would write elsewhere or name objects by anything but a hash.</summary>
    private static string? Refusal(StageDefinition stage, RunCache.RunEntry entry)
    {
        if (entry.Stage != stage.Name) return $"belongs to stage {entry.Stage}";
        if (entry.Outputs is null || entry.Outputs.Count == 0) return "records no outputs";
        foreach (var (name, record) in entry.Outputs)
        {
            if (!OutputNames.IsWellFormed(name) || !stage.Outputs.Any(o => OutputNames.Covers(o, name))) return $"names {name}, not an output the stage declares";
            if (record is null || !ContentHash.IsSha256Hex(record.Hash) || record.Size < 0) return $"records a malformed hash or size for {name}";
        }
        return null;
    }

    public void Dispose() => http.Dispose();
}
