namespace Star1.Pipeline.Stages;

/// <summary>
/// What a stage is, as the engine sees it: what it reads (params keys, prompt files, upstream stages),
/// what it writes (output files) and the code that does it. Everything it reads goes into its fingerprint;
/// nothing else does, so a change elsewhere never re-runs it.
/// </summary>
public sealed record StageDefinition
{
    public required string Name { get; init; }

    /// <summary>Bump when the stage's code changes what it produces: the fingerprint includes it.</summary>
    public string Version { get; init; } = "1";

    /// <summary>Dotted params keys it reads; a group key ("collect") covers every key below it.</summary>
    public IReadOnlyList<string> ParamKeys { get; init; } = [];

    /// <summary>Prompt and policy files it reads, relative to the repository root.</summary>
    public IReadOnlyList<string> Prompts { get; init; } = [];

    /// <summary>
    /// Data files it reads that live outside the graph (a shipped corpus, a mirror of downloaded datasets),
    /// worked out from its params (and the repository root, for relative paths); their content hashes enter
    /// the fingerprint like prompts do.
    /// </summary>
    public Func<Params.EffectiveParams, string, IEnumerable<string>> DataFiles { get; init; } = (_, _) => [];

    /// <summary>Stages whose outputs it reads.</summary>
    public IReadOnlyList<string> Upstream { get; init; } = [];

    /// <summary>File names it writes, relative to its own output folder.</summary>
    public required IReadOnlyList<string> Outputs { get; init; }

    public required Func<StageContext, CancellationToken, Task> Execute { get; init; }
}
