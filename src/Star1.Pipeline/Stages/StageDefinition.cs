using Star1.Pipeline.Params;

namespace Star1.Pipeline.Stages;

/// <summary>
/// What a stage is, as the engine sees it: what it reads (params keys, prompt files, data files, upstream
/// outputs), what it writes (output files) and the code that does it. Everything it reads goes into its
/// fingerprint; nothing else does, so a change elsewhere never re-runs it.
/// </summary>
public sealed record StageDefinition
{
    public required string Name { get; init; }

    /// <summary>A hand knob on top of the code hash: bump it to re-run the stage when nothing else would.</summary>
    public string Version { get; init; } = "1";

    /// <summary>Dotted params keys it always reads; a group key ("collect") covers every key below it.</summary>
    public IReadOnlyList<string> ParamKeys { get; init; } = [];

    /// <summary>
    /// Keys it reads only in some modes, worked out from the params (the paper corpus reads the mirror, the
    /// demo corpus does not); they enter the fingerprint only when read.
    /// </summary>
    public Func<EffectiveParams, IEnumerable<string>> ParamKeysFrom { get; init; } = _ => [];

    /// <summary>
    /// Keys it may read that decide how it works, not what it produces (whether to download missing files,
    /// how many requests to keep in flight). They stay out of the fingerprint: changing one re-runs nothing.
    /// </summary>
    public IReadOnlyList<string> Settings { get; init; } = [];

    /// <summary>Prompt and policy files it reads, relative to the repository root.</summary>
    public IReadOnlyList<string> Prompts { get; init; } = [];

    /// <summary>
    /// Data files it reads that live outside the graph (a shipped corpus, a mirror of downloaded datasets),
    /// worked out from its params (and the repository root, for relative paths); their content hashes enter
    /// the fingerprint like prompts do.
    /// </summary>
    public Func<EffectiveParams, string, IEnumerable<string>> DataFiles { get; init; } = (_, _) => [];

    /// <summary>Stages that run before it.</summary>
    public IReadOnlyList<string> Upstream { get; init; } = [];

    /// <summary>
    /// The upstream outputs it reads, as "Stage/file" or "Stage/folder/" (every file under it); only their hashes
    /// enter the fingerprint, so an upstream file it does not read (a statistics file) never re-runs it. Null:
    /// every output of every upstream stage.
    /// </summary>
    public IReadOnlyList<string>? UpstreamOutputs { get; init; }

    /// <summary>
    /// What it writes, relative to its own output folder: file names, or folders ending in "/" whose every file is
    /// an output (<see cref="OutputNames"/>).
    /// </summary>
    public required IReadOnlyList<string> Outputs { get; init; }

    /// <summary>
    /// Where its code starts (the task class): the engine hashes every type of this repository reachable from
    /// these, and the packages they use. Empty: the types that declare <see cref="Execute"/> and its target.
    /// </summary>
    public IReadOnlyList<Type> CodeRoots { get; init; } = [];

    /// <summary>
    /// Whether it keeps the CPU busy (training, in-process generation, embedding) rather than waiting on a
    /// network: stages running side by side are bounded separately by how many of these may run at once.
    /// </summary>
    public bool CpuHeavy { get; init; }

    /// <summary>
    /// Memo caches inside the stage (under the run-cache's stages/&lt;Stage&gt;/&lt;name&gt;), with how to prune
    /// them: Gc keeps the entries that the runs it keeps used (<see cref="StageContext.RecordCacheUse"/>).
    /// </summary>
    public IReadOnlyList<StageCache> Caches { get; init; } = [];

    /// <summary>
    /// A check made before any work and by --dryrun: null when the stage can run, else why it would stop
    /// (files missing that it may not download, say).
    /// </summary>
    public Func<EffectiveParams, string, string?> Preflight { get; init; } = (_, _) => null;

    /// <summary>
    /// What running it would cost, for --dryrun and Status (an LLM stage: the requests it would send after cache
    /// hits, their tokens and price). Asked only of a stage that would execute; null: nothing to say.
    /// </summary>
    public Func<StageEstimateContext, string?> Estimate { get; init; } = _ => null;

    public required Func<StageContext, CancellationToken, Task> Execute { get; init; }

    /// <summary>The params keys read under these params: the fixed ones and the mode-dependent ones.</summary>
    public IReadOnlyList<string> KeysFor(EffectiveParams parameters) => [.. ParamKeys, .. ParamKeysFrom(parameters)];

    /// <summary>The roots the code hasher starts from.</summary>
    public IReadOnlyList<Type> CodeRootsOrDefault()
    {
        if (CodeRoots.Count > 0) return CodeRoots;
        var roots = new List<Type>();
        if (Execute.Method.DeclaringType is { } declaring) roots.Add(declaring);
        if (Execute.Target?.GetType() is { } target) roots.Add(target);
        return roots;
    }
}

/// <summary>
/// A memo cache inside a stage and how to prune it: <paramref name="Prune"/> gets the cache folder, the keys to
/// keep and whether to only count, and returns how many entries and bytes it removed (or would remove).
/// </summary>
public sealed record StageCache(string Name, Func<string, IReadOnlySet<string>, bool, (int Entries, long Bytes)> Prune);

/// <summary>
/// What an estimate may look at, all read-only: the params, upstream outputs as they are on disk now (they may
/// be missing or about to change when an upstream stage is not fresh), the stage's inner cache folders, and the
/// code hash an inner cache keys its entries by (<see cref="StageContext.CodeHashOf"/>).
/// </summary>
public sealed record StageEstimateContext(EffectiveParams Params, string RepoRoot, Func<string, string, string> UpstreamOutput, Func<string, string> CacheDir, Func<Type, string> CodeHashOf);
