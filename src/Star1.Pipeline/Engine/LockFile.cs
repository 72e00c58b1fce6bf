using System.Text.Json;
using System.Text.Json.Serialization;
using Star1.Pipeline.Storage;

namespace Star1.Pipeline.Engine;

/// <summary>One output as recorded after its stage succeeded.</summary>
public sealed record OutputRecord(string Hash, long Size);

/// <summary>Everything one stage run read, and what it wrote: enough to say later exactly what changed.</summary>
/// <param name="CodeVersion">The stage's hand-bumped version.</param>
public sealed record StageInputs(
    string CodeVersion,
    SortedDictionary<string, string> Params,
    SortedDictionary<string, string> Prompts,
    SortedDictionary<string, string> Data,
    SortedDictionary<string, string> Upstream)
{
    /// <summary>The code it ran, part by part (see Code.CodeIdentity); null in a lock written before code was hashed.</summary>
    public SortedDictionary<string, string>? Code { get; init; }
}

/// <param name="Accepted">Set when a person marked the stage fresh without running it (--accept): what they accepted.</param>
public sealed record LockEntry(string Fingerprint, StageInputs Inputs, SortedDictionary<string, OutputRecord> Outputs, DateTimeOffset Completed)
{
    public string? Accepted { get; init; }
}

/// <summary>
/// artifacts/star1.lock.json: per stage, the fingerprint, inputs and output hashes of its last success
/// (the role dvc.lock plays). Rewritten atomically after every stage, so a crash keeps the last good state.
/// </summary>
public sealed class LockFile
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        // Files for people and tools, never embedded in HTML: keep ' + < > -> readable.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private sealed record Document(int Version, SortedDictionary<string, LockEntry> Stages);

    private readonly string path;
    private readonly SortedDictionary<string, LockEntry> stages;

    private LockFile(string path, SortedDictionary<string, LockEntry> stages)
    {
        this.path = path;
        this.stages = stages;
    }

    public static LockFile Load(string path)
    {
        if (!File.Exists(path)) return new LockFile(path, new(StringComparer.Ordinal));
        try
        {
            var doc = JsonSerializer.Deserialize<Document>(File.ReadAllBytes(path), Json);
            return new LockFile(path, new(doc?.Stages ?? [], StringComparer.Ordinal));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: the lock file is damaged ({e.Message}); delete it to rebuild everything, or restore it from version control");
        }
    }

    public LockEntry? Get(string stage) => stages.GetValueOrDefault(stage);

    public IReadOnlyDictionary<string, LockEntry> Entries => stages;

    public void Set(string stage, LockEntry entry)
    {
        stages[stage] = entry;
        Save();
    }

    public void Remove(string stage)
    {
        if (stages.Remove(stage)) Save();
    }

    private void Save() => AtomicFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(new Document(1, stages), Json));
}
