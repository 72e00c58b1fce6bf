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

    public string StageDir(string stage) => Path.Combine(ArtifactsDir, stage.ToLowerInvariant());
    public string OutputPath(string stage, string output) => Path.Combine(StageDir(stage), output);
    public string Resolve(string relative) => Path.GetFullPath(Path.Combine(RepoRoot, relative));
}
