using System.Text.Json;
using Star1.Build.Tasks.Llm;
using Star1.Build.Tasks.Training;
using Star1.Data.Deliberation;
using Star1.Eval.Benchmarks;
using Star1.Llm;
using Star1.Llm.Cache;
using Star1.Modeling;
using Star1.Pipeline.Params;
using Star1.Pipeline.Stages;

namespace Star1.Build.Tasks.Eval;

/// <summary>
/// One (model, benchmark) cell: load the benchmark's items, have the model answer each (cached per item), judge or
/// grade the answers, write every item (items.json) and the cell's number (summary.json). Its fingerprint holds
/// what decides that number and nothing else: the model's entry and files, the benchmark's items, the generation
/// settings of its kind, and its judge (safety sets, XSTest) or sandbox limits (HumanEval).
/// </summary>
internal sealed class EvalCell(EvalModel model, string benchmark)
{
    public const string ItemsFile = "items.json";
    public const string SummaryFile = "summary.json";

    public static string NameOf(string model, string benchmark) => $"Eval.{model}.{benchmark}";

    private readonly BenchmarkSpec spec = BenchmarkCatalog.Get(benchmark);

    public StageDefinition Define(BuildContext context)
    {
        var parameters = context.Params;
        return new StageDefinition
        {
            Name = NameOf(model.Name, benchmark),
            // In process, the device "auto" resolves to decides the numerics (as for Train).
            Version = model.InProcess ? $"1 on {ComputeDevice.Kind(parameters.Get("eval.device").AsString())}" : "1",
            ParamKeys = [model.Key, .. model.ExtraKeys(), .. EvalSettings.GenerationKeys(spec.Kind), .. model.InProcess ? new[] { "eval.device" } : [], .. EvalScoring.Keys(spec)],
            ParamKeysFrom = p => [.. EvalSettings.BenchmarkKeys(p, benchmark), .. EvalScoring.KeysFrom(p, spec)],
            Settings = ["eval.download", "eval.batch_size", BaseModel.ModelsCacheKey, LlmProviders.Group, "llm.max_failure_share", "llm.build_budget_usd", "llm.request_retries", "llm.batch_poll_seconds", .. EvalScoring.Settings(spec)],
            Prompts = EvalScoring.Prompts(parameters, spec),
            Upstream = model.Kind == EvalModelKind.Stage ? [model.Target] : [],
            UpstreamOutputs = model.Kind == EvalModelKind.Stage ? EvalGeneration.CheckpointReads(model.Target) : [],
            Outputs = [ItemsFile, SummaryFile],
            DataFiles = (p, root) => [.. model.DataFiles(p.Get, root), .. BenchmarkFiles(p, root), .. EvalScoring.DataFiles(p, root, spec)],
            Caches = [new(EvalGeneration.Cache, RequestCache.Prune), new(EvalScoring.Cache, RequestCache.Prune)],
            Preflight = (p, root) => model.Problem(p, root) ?? BenchmarkProblem(p, root) ?? EvalScoring.Problem(p, root, spec),
            // The cell's own code (generation, scoring), not the task's: a change to how the table is drawn is not a
            // change to a cell's numbers.
            CodeRoots = [typeof(EvalCell)],
            // A model run in process keeps the CPU (or GPU) busy; one behind an endpoint or in a file waits.
            CpuHeavy = model.InProcess,
            Execute = (stage, ct) => ExecuteAsync(context, stage, ct),
        };
    }

    /// <summary>The files its items come from: the shipped demo set, or the paper's files in the mirror.</summary>
    private IEnumerable<string> BenchmarkFiles(EffectiveParams p, string root)
    {
        var options = EvalSettings.Benchmarks(p.Get, root, benchmark);
        return options.Corpus == BenchmarkCorpus.Demo
            ? [Path.Combine(root, spec.DemoPath)]
            : BenchmarkSources.For(benchmark).FilePaths(options.MirrorDir).Where(File.Exists);
    }

    private string? BenchmarkProblem(EffectiveParams p, string root)
    {
        var options = EvalSettings.Benchmarks(p.Get, root, benchmark);
        if (options.Download) return null;
        var missing = BenchmarkCatalog.MissingFiles([benchmark], options).SelectMany(m => m.Files).ToList();
        return missing.Count == 0 ? null
            : $"benchmark {benchmark}: {missing.Count} file(s) missing and eval.download is false: {string.Join(", ", missing.Select(f => Path.GetRelativePath(root, f.ExpectedPath)))}";
    }

    private async Task ExecuteAsync(BuildContext context, StageContext stage, CancellationToken ct)
    {
        var items = BenchmarkCatalog.Load(benchmark, EvalSettings.Benchmarks(stage.Param, stage.RepoRoot, benchmark, stage.Reporter.Info));
        var settings = EvalSettings.For(stage.Param, spec, model);
        var requests = items.Select(i => new LlmItem(i.Id, new ChatRequest([ChatMessage.User(i.Prompt)], settings))).ToList();
        var generated = await EvalGeneration.RunAsync(context, stage, model, requests, ct);
        var results = await EvalScoring.ScoreAsync(context, stage, spec, items, generated, ct);

        var scored = results.Where(r => r.Passed is not null).ToList();
        var passed = scored.Count(r => r.Passed == true);
        var summary = new EvalCellSummary(model.Name, benchmark, items.Count, scored.Count, passed,
            scored.Count == 0 ? null : Math.Round(100.0 * passed / scored.Count, 4), EvalScoring.Metric(spec),
            results.Any(r => r.Rubric is not null) ? Math.Round(results.Where(r => r.Rubric is not null).Average(r => r.Rubric!.Value), 4) : null);
        await File.WriteAllBytesAsync(stage.Output(ItemsFile), DatasetJson.Write(results), ct);
        await File.WriteAllBytesAsync(stage.Output(SummaryFile), JsonSerializer.SerializeToUtf8Bytes(summary, new JsonSerializerOptions { WriteIndented = true }), ct);

        stage.RecordMetric("items", items.Count);
        stage.RecordMetric("generated", generated.Generated);
        stage.RecordMetric("from_cache", generated.FromCache);
        stage.RecordMetric("unscored", items.Count - scored.Count);
        if (summary.Score is { } score) stage.RecordMetric("score", score);
        stage.Reporter.Info($"{stage.StageName}: {summary.Metric} {(summary.Score is { } s ? $"{s:0.0}%" : "-")} ({passed} passed of {scored.Count} scored, {items.Count} items; {generated.Generated} generated, {generated.FromCache} from cache)");
        var unscored = items.Count - scored.Count;
        var share = stage.Param("llm.max_failure_share").AsDouble();
        if (unscored > share * items.Count)
            throw new InvalidOperationException($"{stage.StageName}: {unscored} of {items.Count} items could not be scored (more than llm.max_failure_share {share}); first: {results.First(r => r.Passed is null).Id}: {results.First(r => r.Passed is null).Reason}; see {ItemsFile}");
    }
}
