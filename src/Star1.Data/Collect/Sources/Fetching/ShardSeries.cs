using System.Globalization;

namespace Star1.Data.Collect.Sources;

/// <summary>
/// The numbered shards of a Hugging Face parquet copy (<c>0000.parquet</c>, <c>0001.parquet</c>, ...).
/// How many there are is only known by asking for the next one, so after downloading a complete series
/// the fetcher writes <see cref="ManifestName"/> beside the shards listing them; a series placed by hand
/// (no manifest) is read as the consecutive shards found from 0000 on.
/// </summary>
internal static class ShardSeries
{
    public const string ManifestName = "shards.txt";
    private const string FirstShard = "0000.parquet";

    /// <summary>The paths of the shards on disk, in order; the first shard's path alone when none is there.</summary>
    public static IReadOnlyList<string> OnDisk(string firstPath)
    {
        var dir = Path.GetDirectoryName(firstPath)!;
        var manifest = Path.Combine(dir, ManifestName);
        if (File.Exists(manifest))
        {
            var listed = File.ReadAllLines(manifest)
                .Select(l => l.Trim())
                .Where(l => l.Length > 0)
                .Select(name => Path.Combine(dir, name))
                .ToList();
            if (listed.Count > 0) return listed;
        }

        var found = new List<string>();
        for (int k = 0; File.Exists(ShardPath(firstPath, k)); k++) found.Add(ShardPath(firstPath, k));
        return found.Count > 0 ? found : [firstPath];
    }

    public static string ShardPath(string firstPath, int k) =>
        Path.Combine(Path.GetDirectoryName(firstPath)!, ShardName(k));

    public static string ShardUrl(string firstUrl, int k)
    {
        if (!firstUrl.EndsWith("/" + FirstShard, StringComparison.Ordinal))
            throw new ArgumentException($"a shard series URL must end in /{FirstShard}: {firstUrl}", nameof(firstUrl));
        return firstUrl[..^FirstShard.Length] + ShardName(k);
    }

    public static string ShardName(int k) => k.ToString("D4", CultureInfo.InvariantCulture) + ".parquet";

    /// <summary>Records a complete series; written last, atomically, so its presence means "all shards here".</summary>
    public static void WriteManifest(string firstPath, int count)
    {
        var dir = Path.GetDirectoryName(firstPath)!;
        var target = Path.Combine(dir, ManifestName);
        var temp = target + ".tmp";
        File.WriteAllLines(temp, Enumerable.Range(0, count).Select(ShardName));
        File.Move(temp, target, overwrite: true);
    }
}
