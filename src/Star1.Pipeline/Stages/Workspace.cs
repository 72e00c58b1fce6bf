namespace Star1.Pipeline.Stages;

/// <summary>
/// Where things live: the repository (params, prompts), the artifacts folder (everything written) and the cache
/// folder (run-cache and inner caches), which is artifacts/cache unless a folder outside is given (CI keeps it
/// between runs, several checkouts can share it).
/// </summary>
/// <param name="cacheDir">The cache folder, relative to the repository or absolute; null or "" for artifacts/cache.</param>
public sealed class Workspace(string repoRoot, string artifactsDir, string? cacheDir = null)
{
    public string RepoRoot { get; } = Path.GetFullPath(repoRoot);
    public string ArtifactsDir { get; } = Path.GetFullPath(artifactsDir);

    public string LockPath => Path.Combine(ArtifactsDir, "star1.lock.json");
    public string CacheDir { get; } = string.IsNullOrEmpty(cacheDir)
        ? Path.Combine(Path.GetFullPath(artifactsDir), "cache")
        : Path.GetFullPath(Path.Combine(Path.GetFullPath(repoRoot), cacheDir));

    /// <summary>
    /// True when the cache folder is not under the artifacts folder: then the build lock does not cover it, and
    /// another build (another checkout sharing it) may be writing there at the same time.
    /// </summary>
    public bool CacheIsShared => !(CacheDir + Path.DirectorySeparatorChar).StartsWith(ArtifactsDir + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    public string RunsDir => Path.Combine(ArtifactsDir, "runs");

    /// <summary>Engine state that is not a result: hash index, build lock, staging folders.</summary>
    public string StateDir => Path.Combine(ArtifactsDir, ".star1");

    /// <summary>A stage's inner memo cache (source loads, embeddings, LLM requests).</summary>
    public string StageCacheDir(string stage, string name) => Path.Combine(CacheDir, "stages", stage, name);

    /// <summary>Which inner-cache entries each run of a stage used, by fingerprint (what Gc keeps).</summary>
    public string CacheUseDir(string stage) => Path.Combine(CacheDir, "stages", stage, "used");

    public string StageDir(string stage) => Path.Combine(ArtifactsDir, stage.ToLowerInvariant());
    public string OutputPath(string stage, string output) => Path.Combine(StageDir(stage), output);
    public string Resolve(string relative) => Path.GetFullPath(Path.Combine(RepoRoot, relative));

    /// <summary>
    /// A path as the lock and cache keys record it: relative to the repository with '/' separators, so the
    /// same checkout gives the same keys on every machine; a path outside the repository stays absolute.
    /// </summary>
    public string Portable(string path)
    {
        var full = Path.GetFullPath(path);
        var inside = full.StartsWith(RepoRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        return (inside ? Path.GetRelativePath(RepoRoot, full) : full).Replace('\\', '/');
    }
}
