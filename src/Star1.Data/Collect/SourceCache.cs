using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Star1.Data.Collect.Sources;

namespace Star1.Data.Collect;

/// <summary>
/// Each source's load, cached on its own: keyed by the spec (files, format, mapping, filters, sample) and the
/// content hash of every file it reads. A change to a later funnel step, or to another source, reloads
/// nothing; editing a file or a mapping reloads only that source. Entries are written atomically.
/// </summary>
public sealed class SourceCache(string folder, Func<string, string?> fileHash)
{
    // Bump when the loaders change what they produce from the same files.
    private const string LoaderVersion = "loaders-1";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    private sealed record Entry(string Key, List<RawQuestion> Questions, SourceLoadCounts Counts);

    public int Hits { get; private set; }
    public int Loads { get; private set; }

    public SourceLoadResult GetOrLoad(SourceSpec spec, string mirrorDir)
    {
        var key = KeyOf(spec, mirrorDir);
        var path = Path.Combine(folder, $"{Safe(spec.Name)}-{key[..16]}.json");
        if (File.Exists(path))
        {
            try
            {
                var entry = JsonSerializer.Deserialize<Entry>(File.ReadAllBytes(path), Json);
                if (entry?.Key == key)
                {
                    Hits++;
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
        var temp = Path.Combine(folder, $".{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(new Entry(key, [.. result.Questions], result.Counts), Json));
        File.Move(temp, path, overwrite: true);
        return result;
    }

    private string KeyOf(SourceSpec spec, string mirrorDir)
    {
        var text = new StringBuilder(LoaderVersion).Append('\n');
        text.Append(JsonSerializer.Serialize(spec, Json)).Append('\n');
        foreach (var file in spec.FilePaths(mirrorDir))
            text.Append(file).Append('\0').Append(fileHash(file) ?? "<missing>").Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static string Safe(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) ? c : '_'));
}
