using System.Text.Json;
using Star1.Pipeline.Hashing;
using Star1.Pipeline.Storage;

namespace Star1.Pipeline.Code;

/// <summary>
/// Remembers each stage's code identity next to the stamps of the assembly files it was computed from, so
/// a build whose assemblies did not change skips the IL walk (which loads every package a stage uses) and
/// only stats a dozen files. Any rebuilt or upgraded assembly changes its stamp, and the walk runs again.
/// </summary>
/// <remarks>
/// Sound because an identity is a function of the contents of the assemblies listed with it: a type of
/// another assembly can only become reachable through an edit to a listed one. Identities computed from an
/// assembly without a file (compiled in memory) are not remembered. Like the hash index, it is only a cache:
/// a damaged file is ignored.
/// </remarks>
internal sealed class CodeIdentityCache
{
    private sealed record Entry(SortedDictionary<string, FileStamp> Assemblies, SortedDictionary<string, string> Parts);

    private readonly string path;
    private readonly Dictionary<string, Entry> entries;

    private CodeIdentityCache(string path, Dictionary<string, Entry> entries)
    {
        this.path = path;
        this.entries = entries;
    }

    public static CodeIdentityCache Load(string path)
    {
        try
        {
            if (File.Exists(path))
                return new CodeIdentityCache(path, JsonSerializer.Deserialize<Dictionary<string, Entry>>(File.ReadAllBytes(path)) ?? []);
        }
        catch (JsonException)
        {
            // Only a cache: start again.
        }
        return new CodeIdentityCache(path, []);
    }

    public CodeIdentity? Find(string key)
    {
        if (!entries.TryGetValue(key, out var entry)) return null;
        foreach (var (file, stamp) in entry.Assemblies)
            if (FileStamp.Of(file) != stamp) return null;
        return new CodeIdentity(entry.Parts);
    }

    /// <summary>Remembers an identity computed from these assembly files (all of them on disk).</summary>
    public void Remember(string key, IEnumerable<string> assemblyFiles, CodeIdentity identity)
    {
        var stamps = new SortedDictionary<string, FileStamp>(StringComparer.Ordinal);
        foreach (var file in assemblyFiles)
        {
            if (FileStamp.Of(file) is not { } stamp) return;
            stamps[file] = stamp;
        }
        entries[key] = new Entry(stamps, identity.Parts);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(entries));
    }
}
