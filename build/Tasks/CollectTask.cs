using Spectre.Console;
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

    // 2: outputs written with relaxed JSON escaping (readable quotes, arrows and non-ASCII text).
    public override string Version => "2";
    public override IReadOnlyList<string> ParamKeys => ["collect"];
    public override IReadOnlyList<string> Outputs => [Questions, FunnelStatsFile, LoadStatsFile];

    /// <summary>Every file the sources read: editing one re-runs Collect (and reloads only that source).</summary>
    public override IEnumerable<string> DataFiles(EffectiveParams parameters, string repoRoot)
    {
        var (training, tests, mirror) = CollectSources.Resolve(parameters.Get, repoRoot);
        return training.Concat(tests).SelectMany(s => s.FilePaths(mirror));
    }

    public override async Task ExecuteAsync(BuildContext context, StageContext stage, CancellationToken ct)
    {
        var funnel = CollectSources.FunnelSettings(stage.Param);
        var (training, tests, mirror) = CollectSources.Resolve(stage.Param, stage.RepoRoot);
        CollectSources.ThrowIfExtraSourceFilesMissing(stage.Param, stage.RepoRoot);
        var request = new CollectRequest
        {
            Training = training,
            Tests = tests,
            MirrorDir = mirror,
            Download = stage.Param("collect.download").AsBool(),
            Funnel = funnel,
            // TODO(engine): code hash
            Cache = new SourceCache(stage.CacheDir("sources"), stage.FileHash, codeKey: "loaders-2", stage.RepoRoot),
            Log = stage.Reporter.Info,
            Progress = new Progress(stage),
        };
        using var model = new MiniLmEmbedder();
        // TODO(engine): code hash
        var embedder = new CachedEmbedder(model, stage.CacheDir("embeddings"), modelTag: "all-MiniLM-L6-v2");
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

        stage.Reporter.Info($"sources: {request.Cache.Loads} loaded, {request.Cache.Hits} from cache; embeddings: {embedder.Misses} computed, {embedder.Hits} from cache");
        context.Console.WriteLine(outcome.Funnel.Stats.ToTable());
        context.Console.WriteLine(outcome.Funnel.Stats.ToSourceTable());
        context.Console.MarkupLine($"[green]{outcome.Funnel.Questions.Count}[/] questions collected -> {Markup.Escape(Path.GetRelativePath(stage.RepoRoot, context.Workspace.OutputPath("Collect", Questions)))}");
    }

    /// <summary>Funnel progress to the stage reporter, which adds rate and ETA.</summary>
    private sealed class Progress(StageContext stage) : IProgress<FunnelProgress>
    {
        public void Report(FunnelProgress p) =>
            stage.Reporter.Progress(stage.StageName, p.Source is null ? p.StepName : $"{p.StepName} [{p.Source}]", p.Done, p.Total);
    }
}
