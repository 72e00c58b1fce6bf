using Star1.Pipeline.Params;
using Star1.Pipeline.Stages;

namespace Star1.Build.Tasks.Report;

/// <summary>Where a section's numbers came from: the stage that computed them, the params it read, its prompts.</summary>
/// <param name="Stage">The stage whose output the numbers are read from.</param>
/// <param name="Files">The outputs of that stage the report reads ("Stage/file").</param>
/// <param name="ParamKeys">The params keys that stage reads under these params.</param>
/// <param name="Prompts">The prompt files that stage reads.</param>
public sealed record ProvenanceSource(string Stage, IReadOnlyList<string> Files, IReadOnlyList<string> ParamKeys, IReadOnlyList<string> Prompts);

/// <summary>One source with the values its keys had and the hashes its prompts had when the report ran.</summary>
public sealed record ProvenanceEntry(ProvenanceSource Source, IReadOnlyList<(string Key, string Value)> Params, IReadOnlyList<(string Prompt, string Sha256)> Prompts);

/// <summary>
/// Provenance taken only from what Report itself declares. Report declares every key and prompt of the stages it
/// reports on, so its fingerprint covers them: a new value or an edited prompt re-runs Report even when the
/// upstream stage's output happens not to change, and the report can never show a stale value. Reading
/// star1.lock.json instead would need no declaration, but the lock is not a stage output: the engine would not
/// re-run Report when the lock's entries change, so the report could name a prompt hash no longer true.
/// </summary>
public static class Provenance
{
    public static ProvenanceEntry Resolve(StageContext stage, ProvenanceSource source) => new(
        source,
        [.. source.ParamKeys.Select(k => (k, stage.Param(k).ToCanonicalJson()))],
        // The same stamp-checked index the engine hashes prompts with: these are the hashes the lock records.
        [.. source.Prompts.Select(p => (p, stage.FileHash(Path.Combine(stage.RepoRoot, p)) ?? "<missing>"))]);

    /// <summary>Every key of every source, once, for Report's own declaration.</summary>
    public static IEnumerable<string> Keys(IEnumerable<ProvenanceSource> sources) => sources.SelectMany(s => s.ParamKeys).Distinct(StringComparer.Ordinal);

    /// <summary>The keys a stage task reads under these params (always and mode-dependent), settings excluded.</summary>
    public static IReadOnlyList<string> KeysOf<TContext>(Host.StageTask<TContext> task, EffectiveParams parameters) where TContext : Host.StageBuildContext =>
        [.. task.ParamKeys.Concat(task.ParamKeysFrom(parameters)).Distinct(StringComparer.Ordinal)];
}
