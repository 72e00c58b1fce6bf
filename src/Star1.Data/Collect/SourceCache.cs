using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Star1.Data.Collect.Sources;

namespace Star1.Data.Collect;

/// <summary>
/// Each source's load, cached on its own: keyed by the code that loads (<c>codeKey</c>), the spec (files,
/// format, mapping, filters, sample) and the content hash of every file it reads. A change to a later funnel
/// step, or to another source, reloads nothing; editing a file or a mapping reloads only that source; an
/// edited loader (a new code key) reloads everything instead of serving what the old code produced.
/// </summary>
/// <remarks>
/// Paths enter the key relative to <c>repoRoot</c> with <c>/</c> separators, so two clones, or two machines,
/// with the same files and code agree on every key. Entries are written to a temporary file named
/// <c>.&lt;entry&gt;.&lt;32 hex&gt;.tmp</c> and renamed into place: the engine's clean-up of leftovers
/// recognises that pattern and removes what a killed build left behind.
/// </remarks>
/// <param name="folder">Where the entries live (one JSON file per source and key).</param>
/// <param name="fileHash">Content hash of a file by absolute path; null when the file is missing.</param>
/// <param name="codeKey">Identifies the code that produces the entries (the loaders); part of every key.</param>
/// <param name="repoRoot">The folder paths are made relative to before they enter a key.</param>
public sealed class SourceCache(string folder, Func<string, string?> fileHash, string codeKey, string repoRoot)
{
    private const string EntryExtension = ".json";
    private const string KeyFormat = "source-cache v2";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    private sealed record Entry(string Key, List<RawQuestion> Questions, SourceLoadCounts Counts);

    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public int Hits { get; private set; }
    public int Loads { get; private set; }

    /// <summary>The file names of the entries read or written by this instance: what a garbage collection
    /// after this run keeps (see <see cref="Prune"/>).</summary>
    public IReadOnlySet<string> UsedEntries => _used;

    public SourceLoadResult GetOrLoad(SourceSpec spec, string mirrorDir)
    {
        var key = KeyOf(spec, mirrorDir);
        var name = $"{Safe(spec.Name)}-{key[..16]}{EntryExtension}";
        var path = Path.Combine(folder, name);
        if (File.Exists(path))
        {
            try
            {
                var entry = JsonSerializer.Deserialize<Entry>(File.ReadAllBytes(path), Json);
                if (entry?.Key == key)
                {
                    Hits++;
                    _used.Add(name);
                    return new SourceLoadResult(spec, entry.Questions, entry.Counts);
                }
            }
            catch (JsonException)
            {
                // A damaged entry is only a cache miss.
            }
        }
        var result = SourceLoader.Load(spec, mirrorDir);
        Loads++;
        Directory.CreateDirectory(folder);
        var temp = TempPathFor(path);
        try
        {
            File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(new Entry(key, [.. result.Questions], result.Counts), Json));
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
        _used.Add(name);
        return result;
    }

    /// <summary>
    /// Deletes the entries of <paramref name="folder"/> whose file names are not in <paramref name="keep"/>,
    /// and temporary files a killed write left (<c>*.tmp</c>). With <paramref name="dryRun"/> nothing is
    /// deleted. Returns how many files were (or would be) deleted and their size.
    /// </summary>
    public static (int Files, long Bytes) Prune(string folder, IReadOnlySet<string> keep, bool dryRun)
    {
        ArgumentNullException.ThrowIfNull(keep);
        if (!Directory.Exists(folder)) return (0, 0);
        int files = 0;
        long bytes = 0;
        foreach (var file in new DirectoryInfo(folder).EnumerateFiles())
        {
            bool stray = file.Name.EndsWith(".tmp", StringComparison.Ordinal);
            bool unused = file.Name.EndsWith(EntryExtension, StringComparison.Ordinal) && !keep.Contains(file.Name);
            if (!stray && !unused) continue;
            files++;
            bytes += file.Length;
            if (!dryRun) file.Delete();
        }
        return (files, bytes);
    }

    /// <summary><c>.&lt;entry name&gt;.&lt;32 hex&gt;.tmp</c> beside the entry: the pattern the engine's clean-up of
    /// leftovers deletes (as Star1.Pipeline's AtomicFile names its temporary files).</summary>
    internal static string TempPathFor(string entryPath) =>
        Path.Combine(Path.GetDirectoryName(entryPath)!, $".{Path.GetFileName(entryPath)}.{Guid.NewGuid():N}.tmp");

    private string KeyOf(SourceSpec spec, string mirrorDir)
    {
        var text = new StringBuilder(KeyFormat).Append('\n').Append(codeKey).Append('\n');
        // A user's source holds its absolute path in the spec; relative, the key is the same in every clone.
        var portable = spec with
        {
            Files = [.. spec.Files.Select(f => Path.IsPathRooted(f.Path) ? f with { Path = Relative(f.Path) } : f)],
        };
        text.Append(JsonSerializer.Serialize(portable, Json)).Append('\n');
        foreach (var file in spec.FilePaths(mirrorDir))
            text.Append(Relative(file)).Append('\0').Append(fileHash(file) ?? "<missing>").Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private string Relative(string path) => Path.GetRelativePath(repoRoot, path).Replace('\\', '/');

    private static string Safe(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) ? c : '_'));
}
