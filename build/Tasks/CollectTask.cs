using Star1.Data.Collect;
using Star1.Data.Collect.Funnel;
using Star1.Data.Collect.Sources;
using Star1.Host;
using Star1.Pipeline.Params;
using Star1.Pipeline.Stages;

namespace Star1.Build.Tasks;

/// <summary>
/// Paper section 2.1: about half a million public harmful prompts from 18 sources, decontaminated against
/// five test sets and deduplicated, down to ~41k questions (the demo corpus by default).
/// </summary>
[TaskName("Collect")]
[TaskDescription("Section 2.1: load the sources and test sets, run the decontamination funnel -> data_collection.json")]
public sealed class CollectTask : StageTask<BuildContext>
{
    public const string Questions = "data_collection.json";
    public const string FunnelStatsFile = "funnel_stats.json";
    public const string LoadStatsFile = "load_stats.json";

    public override IReadOnlyList<string> ParamKeys =>
    [
        "collect.corpus", "collect.extra_sources", "collect.test_ngram", "collect.reference_tfidf_threshold",
        "collect.self_tfidf_threshold", "collect.self_embedding_threshold", "collect.test_embedding_threshold",
        "collect.examples_per_step",
    ];

    /// <summary>The mirror and the WildJailbreak sample count only for the paper's corpus.</summary>
    public override IEnumerable<string> ParamKeysFrom(EffectiveParams parameters) => CollectSources.KeysFor(parameters);

    /// <summary>Downloading decides where the files come from, not what they are: their hashes are the input.</summary>
    public override IReadOnlyList<string> Settings => ["collect.download"];

    public override IReadOnlyList<string> Outputs => [Questions, FunnelStatsFile, LoadStatsFile];

    /// <summary>TF-IDF and embedding filters over every question.</summary>
    public override bool CpuHeavyFor(EffectiveParams parameters) => true;

    public override IReadOnlyList<StageCache> Caches =>
    [
        new(SourcesCache, SourceCache.Prune),
        new(EmbeddingsCache, CachedEmbedder.Compact),
    ];

    private const string SourcesCache = "sources";
    private const string EmbeddingsCache = "embeddings";

    /// <summary>Every file the sources read: editing one re-runs Collect (and reloads only that source).</summary>
    public override IEnumerable<string> DataFiles(EffectiveParams parameters, string repoRoot)
    {
        var (training, tests, mirror) = CollectSources.Resolve(parameters.Get, repoRoot);
        return training.Concat(tests).SelectMany(s => s.FilePaths(mirror));
    }

    /// <summary>
    /// Missing files stop the build before any work, listed once: your own sources by their params line, the
    /// paper's (when not downloading) with their URLs. --dryrun and Status show the same message.
    /// </summary>
    public override string? Preflight(EffectiveParams parameters, string repoRoot)
    {
        if (CollectSources.MissingExtraSourceFiles(parameters.Get, repoRoot) is { } user) return user;
        var corpus = parameters.Get("collect.corpus").AsString();
        if (CollectSources.UsesMirror(corpus) && parameters.Get("collect.download").AsBool()) return null;
        var (training, tests, mirror) = CollectSources.Resolve(parameters.Get, repoRoot);
        var missing = SourceFetcher.FindMissing(training.Concat(tests), mirror);
        if (missing.Count == 0) return null;
        var message = new MissingSourceFilesException(missing, "checked before any work").Message;
        return CollectSources.UsesMirror(corpus)
            ? $"{message}\nTo download them into {mirror}, run with --set collect.download=true (and HF_TOKEN set for the gated sets)."
            : message;
    }

    public override async Task ExecuteAsync(BuildContext context, StageContext stage, CancellationToken ct)
    {
        var funnel = CollectSources.FunnelSettings(stage.Param);
        var (training, tests, mirror) = CollectSources.Resolve(stage.Param, stage.RepoRoot);
        var corpus = stage.Param("collect.corpus").AsString();
        var request = new CollectRequest
        {
            Training = training,
            Tests = tests,
            MirrorDir = mirror,
            Download = CollectSources.UsesMirror(corpus) && stage.Param("collect.download").AsBool(),
            Funnel = funnel,
            // A source's load is keyed by the code that loads it: an edited loader reloads, a funnel edit does not.
            Cache = new SourceCache(stage.CacheDir(SourcesCache), stage.FileHash, stage.CodeHashOf(typeof(SourceLoader)), stage.RepoRoot),
            Log = stage.Reporter.Info,
            Progress = new Progress(stage),
        };
        using var model = new MiniLmEmbedder();
        // Vectors are keyed by the model and the code that runs it (the package holding the ONNX model included).
        var embedder = new CachedEmbedder(model, stage.CacheDir(EmbeddingsCache), $"all-MiniLM-L6-v2 code {stage.CodeHashOf(typeof(MiniLmEmbedder))[..16]}");
        CollectOutcome outcome;
        try
        {
            outcome = await CollectPipeline.RunAsync(request, embedder, ct);
        }
        catch (MissingSourceFilesException e) when (!request.Download)
        {
            throw new InvalidOperationException(
                $"{e.Message}\nTo download them into {request.MirrorDir}, run with --set collect.download=true (and HF_TOKEN set for the gated sets).", e);
        }

        await File.WriteAllBytesAsync(stage.Output(Questions), CollectOutputs.QuestionsJson(outcome.Funnel.Questions), ct);
        await File.WriteAllTextAsync(stage.Output(FunnelStatsFile), outcome.Funnel.Stats.ToJson(), ct);
        await File.WriteAllBytesAsync(stage.Output(LoadStatsFile), CollectOutputs.LoadStatsJson(outcome.Loads), ct);

        stage.RecordCacheUse(SourcesCache, request.Cache.UsedEntries);
        stage.RecordCacheUse(EmbeddingsCache, embedder.UsedKeys);
        stage.Reporter.Info($"sources: {request.Cache.Loads} loaded, {request.Cache.Hits} from cache; embeddings: {embedder.Misses} computed, {embedder.Hits} from cache");
        // Through the stage's reporter, so that beside other stages these lines stay in Collect's block.
        stage.Reporter.Info(outcome.Funnel.Stats.ToTable());
        stage.Reporter.Info(outcome.Funnel.Stats.ToSourceTable());
        stage.Reporter.Info($"{outcome.Funnel.Questions.Count} questions collected -> {Path.GetRelativePath(stage.RepoRoot, context.Workspace.OutputPath("Collect", Questions))}");
    }

    /// <summary>Funnel progress to the stage reporter, which adds rate and ETA.</summary>
    private sealed class Progress(StageContext stage) : IProgress<FunnelProgress>
    {
        public void Report(FunnelProgress p) =>
            stage.Reporter.Progress(stage.StageName, p.Source is null ? p.StepName : $"{p.StepName} [{p.Source}]", p.Done, p.Total);
    }
}
