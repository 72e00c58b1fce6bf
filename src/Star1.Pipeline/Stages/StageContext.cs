using Star1.Pipeline.Params;

namespace Star1.Pipeline.Stages;

/// <summary>
/// What a running stage may touch. Reads are limited to what the stage declared, so its fingerprint
/// cannot miss an input: reading an undeclared key, prompt or upstream is an error, not a silent miss.
/// Outputs go to a private staging folder and only reach their place after the stage succeeds.
/// </summary>
public sealed class StageContext
{
    private readonly StageDefinition stage;
    private readonly EffectiveParams parameters;
    private readonly Workspace workspace;
    private readonly string stagingDir;

    private readonly Hashing.HashIndex hashes;
    private readonly Code.CodeHasher code;
    private readonly IReadOnlyList<string> readableKeys;

    internal StageContext(StageDefinition stage, EffectiveParams parameters, Workspace workspace, string stagingDir, IStageReporter reporter, Hashing.HashIndex hashes, Code.CodeHasher code)
    {
        this.hashes = hashes;
        this.code = code;
        readableKeys = [.. stage.KeysFor(parameters), .. stage.Settings];
        this.stage = stage;
        this.parameters = parameters;
        this.workspace = workspace;
        this.stagingDir = stagingDir;
        Reporter = reporter;
    }

    public string StageName => stage.Name;
    public IStageReporter Reporter { get; }
    public string Profile => parameters.Profile;

    /// <summary>The repository root: relative paths in params (a mirror folder, a corpus) resolve against it.</summary>
    public string RepoRoot => workspace.RepoRoot;

    /// <summary>A declared params value.</summary>
    public ParamNode Param(string key)
    {
        if (!readableKeys.Any(d => key == d || key.StartsWith(d + ".", StringComparison.Ordinal)))
            throw new InvalidOperationException($"stage {stage.Name} reads params key '{key}' without declaring it");
        return parameters.Get(key);
    }

    /// <summary>The text of a declared prompt file.</summary>
    public string Prompt(string relativePath)
    {
        if (!stage.Prompts.Contains(relativePath))
            throw new InvalidOperationException($"stage {stage.Name} reads prompt '{relativePath}' without declaring it");
        return File.ReadAllText(workspace.Resolve(relativePath));
    }

    /// <summary>
    /// The path to write a declared output to (inside the staging folder). A declared folder ("checkpoint/") is
    /// returned created, and any file or folder under it may be asked for ("checkpoint/config.json").
    /// </summary>
    public string Output(string name)
    {
        if (!OutputNames.IsWellFormed(name) || !stage.Outputs.Any(o => OutputNames.Covers(o, name)))
            throw new InvalidOperationException($"stage {stage.Name} writes '{name}', which is not among its declared outputs");
        var path = Path.Combine(stagingDir, name);
        if (OutputNames.IsFolder(name))
        {
            Directory.CreateDirectory(path);
            return Path.TrimEndingDirectorySeparator(path);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    /// <summary>The committed path of an upstream stage's output (a folder output: the folder).</summary>
    public string Input(string upstreamStage, string output)
    {
        if (!stage.Upstream.Contains(upstreamStage))
            throw new InvalidOperationException($"stage {stage.Name} reads from {upstreamStage} without declaring it upstream");
        // A declared folder read ("Train/checkpoint/") covers every file under it: all of them are in the fingerprint.
        if (stage.UpstreamOutputs is { } declared && !declared.Any(d => OutputNames.Covers(d, $"{upstreamStage}/{output}")))
            throw new InvalidOperationException($"stage {stage.Name} reads {upstreamStage}/{output} without declaring it among the upstream outputs it reads");
        return Path.TrimEndingDirectorySeparator(workspace.OutputPath(upstreamStage, output));
    }

    /// <summary>
    /// SHA-256 of any file, through the engine's stamp-checked index: a large data file already hashed for
    /// the fingerprint is not read again. Null when the file does not exist.
    /// </summary>
    public string? FileHash(string path) => hashes.HashOf(path);

    /// <summary>
    /// A folder for the stage's own memo caches (per-item results, downloads). It outlives runs and is not an
    /// output: what is in it must be keyed by content so that a stale entry can never be served.
    /// </summary>
    public string CacheDir(string name)
    {
        var path = workspace.StageCacheDir(stage.Name, name);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>
    /// The hash of the code reachable from a type (a loader, an embedder): the key an inner cache files its
    /// entries under, so an edit to the code that makes an entry stops that entry from being served.
    /// </summary>
    public string CodeHashOf(Type root) => code.HashOf(root);

    /// <summary>The inner-cache entries this run used, per cache; kept with the run so that Gc keeps them.</summary>
    internal Dictionary<string, SortedSet<string>> CacheUse { get; } = new(StringComparer.Ordinal);

    /// <summary>Says which entries of a declared inner cache this run used (Gc keeps what kept runs used).</summary>
    public void RecordCacheUse(string cache, IEnumerable<string> keys)
    {
        if (!stage.Caches.Any(c => c.Name == cache))
            throw new InvalidOperationException($"stage {stage.Name} records use of cache '{cache}', which it does not declare");
        if (!CacheUse.TryGetValue(cache, out var set)) CacheUse[cache] = set = new(StringComparer.Ordinal);
        set.UnionWith(keys);
    }

    private readonly SortedDictionary<string, double> metrics = new(StringComparer.Ordinal);

    /// <summary>
    /// Sets a count the run record keeps for this stage (requests sent, cache hits, tokens, cost). Not an output
    /// and not hashed: it describes this run, which a restore does not repeat.
    /// </summary>
    public void RecordMetric(string name, double value)
    {
        lock (metrics) metrics[name] = value;
    }

    internal IReadOnlyDictionary<string, double>? MetricsOrNull()
    {
        lock (metrics) return metrics.Count == 0 ? null : new SortedDictionary<string, double>(metrics, StringComparer.Ordinal);
    }
}
