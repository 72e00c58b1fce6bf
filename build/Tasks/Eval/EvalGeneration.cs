using System.Text.Json;
using Star1.Build.Tasks.Llm;
using Star1.Build.Tasks.Training;
using Star1.Data.Collect.Sources;
using Star1.Eval.Generation;
using Star1.Llm;
using Star1.Llm.Cache;
using Star1.Llm.Calling;
using Star1.Modeling;
using Star1.Pipeline.Stages;

namespace Star1.Build.Tasks.Eval;

/// <summary>What a model said for each item (null: nothing, with the reason).</summary>
internal sealed record GeneratedOutputs(IReadOnlyDictionary<string, string?> Outputs, IReadOnlyDictionary<string, string> Problems, int Generated, int FromCache);

/// <summary>
/// A cell's generations, whatever the model's source: in process through the TorchSharp generator, from an
/// OpenAI-compatible endpoint, or read from a file of generations made elsewhere. The first two go through the
/// cell's request cache, so a killed cell resumes, and a re-judged or re-graded cell generates nothing.
/// </summary>
internal static class EvalGeneration
{
    public const string Cache = "generations";

    /// <summary>The checkpoint folder a training stage writes, which a cell of its model reads (every file in it).</summary>
    public static IReadOnlyList<string> CheckpointReads(string stage) => [$"{stage}/{TrainStageTask.Checkpoint}"];

    public static async Task<GeneratedOutputs> RunAsync(BuildContext context, StageContext stage, EvalModel model, IReadOnlyList<LlmItem> items, CancellationToken ct)
    {
        if (model.Kind == EvalModelKind.File) return FromFile(stage, model, items);
        using var cache = new RequestCache(stage.CacheDir(Cache), stage.Reporter.Warn);
        try
        {
            if (model.InProcess)
            {
                // A hub model not yet in the models cache is fetched first when eval.download allows (its preflight
                // stopped the build otherwise); the next run then fingerprints its files.
                if (model.Kind == EvalModelKind.Checkpoint && stage.Param("eval.download").AsBool() && model.Base(stage.Param, stage.RepoRoot).Problem() is not null)
                    await BaseModel.FetchAsync(model.Target, stage.RepoRoot, BaseModel.ModelsCache(stage.Param, stage.RepoRoot),
                        FetchOptions.FromEnvironment(online: true, stage.Reporter.Info), ct: ct);
                var device = ComputeDevice.Resolve(stage.Param("eval.device").AsString());
                var format = model.FormatFor(stage.Param);
                var identity = EvalModelLoader.Identity(stage, model, format);
                var progress = new Progress(stage);
                var (answers, usage) = await Task.Run(() => CachedGeneration.Run(identity, items, cache, () => EvalModelLoader.Open(stage, model, format, device),
                    (int)stage.Param("eval.batch_size").AsInt(), progress, ct), ct);
                return new GeneratedOutputs(items.Zip(answers).ToDictionary(p => p.First.Id, p => (string?)p.Second.Content), new Dictionary<string, string>(), usage.Generated, usage.CacheHits);
            }
            var options = LlmProviders.RunOptions(stage.Param, model.Target, stage.StageName, maxAttempts: 1, stageBudgetUsd: 0,
                context.BuildBudget(stage.Param), TimeSpan.FromMinutes(30), requireStop: false);
            var runner = new LlmRunner(LlmProviders.Open(stage.Param, model.Target, stage.CodeHashOf), cache, options, new LlmProgressLines(stage));
            var result = await runner.RunAsync(items, a => ParseResult<string>.Success(a.StoredText), ct);
            var outputs = items.ToDictionary(i => i.Id, _ => (string?)null);
            foreach (var s in result.Successes) outputs[s.Id] = s.Value;
            return new GeneratedOutputs(outputs, result.Failures.ToDictionary(f => f.Id, f => f.Reason), result.Usage.RequestsSent, result.Usage.CacheHits);
        }
        finally
        {
            stage.RecordCacheUse(Cache, cache.UsedKeys);
        }
    }

    /// <summary>
    /// Generations made elsewhere: JSON Lines with "output" and "id" (matched to the item id) or "question" (matched
    /// to the prompt). An item the file lacks is listed as not generated; a bad line names the file and line.
    /// </summary>
    private static GeneratedOutputs FromFile(StageContext stage, EvalModel model, IReadOnlyList<LlmItem> items)
    {
        var path = Path.Combine(stage.RepoRoot, model.Target);
        var byId = new Dictionary<string, string>(StringComparer.Ordinal);
        var byQuestion = new Dictionary<string, string>(StringComparer.Ordinal);
        var lineNo = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNo++;
            if (line.Trim().Length == 0) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                var root = doc.RootElement;
                var output = root.GetProperty("output").GetString() ?? throw new InvalidDataException("\"output\" is null");
                if (root.TryGetProperty("id", out var id)) byId[id.ValueKind == JsonValueKind.String ? id.GetString()! : id.GetRawText()] = output;
                else if (root.TryGetProperty("question", out var q)) byQuestion[q.GetString() ?? ""] = output;
                else throw new InvalidDataException("neither \"id\" nor \"question\"");
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or InvalidDataException)
            {
                throw new InvalidDataException($"{model.Target} line {lineNo}: {e.Message} (expected {{\"id\" or \"question\", \"output\"}})", e);
            }
        }
        var outputs = new Dictionary<string, string?>();
        var problems = new Dictionary<string, string>();
        foreach (var item in items)
        {
            var found = byId.TryGetValue(item.Id, out var o) || byQuestion.TryGetValue(item.Request.Messages[^1].Content, out o);
            outputs[item.Id] = found ? o : null;
            if (!found) problems[item.Id] = $"{model.Target} has no output for this item";
        }
        return new GeneratedOutputs(outputs, problems, 0, 0);
    }

    private sealed class Progress(StageContext stage) : IProgress<GenerationProgress>
    {
        public void Report(GenerationProgress p) =>
            stage.Reporter.Progress(stage.StageName, "generations", p.Done, p.Total, $"{p.CacheHits} cached, {p.Generated} generated, {p.OutputTokens} tokens");
    }
}
