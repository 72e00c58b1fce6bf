namespace Star1.Pipeline.Stages;

/// <summary>Where things live: the repository (params, prompts) and the artifacts folder (everything written).</summary>
public sealed class Workspace(string repoRoot, string artifactsDir)
{
    public string RepoRoot { get; } = Path.GetFullPath(repoRoot);
    public string ArtifactsDir { get; } = Path.GetFullPath(artifactsDir);

    public string LockPath => Path.Combine(ArtifactsDir, "star1.lock.json");
    public string CacheDir => Path.Combine(ArtifactsDir, "cache");
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
