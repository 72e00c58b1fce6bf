namespace Star1.Pipeline.Stages;

/// <summary>
/// How declared outputs name files. A plain name ("metrics.jsonl") is one file. A name ending in "/"
/// ("checkpoint/") is a folder: every file under it, at any depth, is an output of its own, recorded under its
/// path relative to the stage's folder with '/' ("checkpoint/model-00001-of-00002.safetensors"). A folder is for
/// outputs whose file names are only known once the stage has run (a checkpoint's shards).
/// </summary>
public static class OutputNames
{
    public static bool IsFolder(string declared) => declared.EndsWith('/');

    /// <summary>Whether <paramref name="name"/> is the declared output itself or a file or folder under a declared folder.</summary>
    public static bool Covers(string declared, string name) =>
        name == declared
        || (IsFolder(declared) && name.Length > declared.Length && name.StartsWith(declared, StringComparison.Ordinal));

    /// <summary>A name that stays inside the stage's folder: relative, no "." or ".." segment, no empty segment but a folder's trailing one.</summary>
    public static bool IsWellFormed(string name)
    {
        if (name.Length == 0 || name.StartsWith('/') || name.Contains('\\') || Path.IsPathRooted(name)) return false;
        var segments = (IsFolder(name) ? name[..^1] : name).Split('/');
        return segments.All(s => s.Length > 0 && s is not ("." or ".."));
    }

    /// <summary>
    /// The output files of one declared output as they are under <paramref name="root"/> (a staging folder or the
    /// stage's folder), in ordinal order: the file itself if it exists, or every file under the folder.
    /// </summary>
    public static List<string> FilesOnDisk(string root, string declared)
    {
        var path = Path.Combine(root, declared);
        if (!IsFolder(declared)) return File.Exists(path) ? [declared] : [];
        if (!Directory.Exists(path)) return [];
        return Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The recorded output files (a lock or run-cache entry's keys) that belong to one declared output.</summary>
    public static List<string> Recorded(IEnumerable<string> recorded, string declared) =>
        [.. recorded.Where(r => Covers(declared, r)).Order(StringComparer.Ordinal)];
}
