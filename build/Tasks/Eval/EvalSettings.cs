using Star1.Eval.Benchmarks;
using Star1.Llm;
using Star1.Pipeline.Params;

namespace Star1.Build.Tasks.Eval;

/// <summary>The params of one cell's generation (PAPER.md section 6), by the kind of its benchmark.</summary>
internal static class EvalSettings
{
    /// <summary>The generation keys a benchmark of this kind reads.</summary>
    public static IReadOnlyList<string> GenerationKeys(BenchmarkKind kind) =>
        kind == BenchmarkKind.Reasoning ? ["eval.reasoning", "eval.max_new_tokens"] : ["eval.safety", "eval.max_new_tokens"];

    /// <summary>
    /// The settings a model is asked with: the safety settings (also for XSTest, where the paper says nothing else)
    /// or the reasoning ones with the benchmark's own max tokens, capped by eval.max_new_tokens when that is set.
    /// The model name is the endpoint's served name, or "local" in process (the weights are in the cache identity).
    /// </summary>
    public static GenerationSettings For(Func<string, ParamNode> param, BenchmarkSpec spec, EvalModel model)
    {
        var reasoning = spec.Kind == BenchmarkKind.Reasoning;
        var group = reasoning ? "eval.reasoning" : "eval.safety";
        var max = reasoning ? spec.MaxTokens : (int)param("eval.safety.max_tokens").AsInt();
        var cap = (int)param("eval.max_new_tokens").AsInt();
        return new GenerationSettings
        {
            Model = model.Kind == EvalModelKind.Endpoint ? model.ServedModel : "local",
            Temperature = param($"{group}.temperature").AsDouble(),
            TopP = param($"{group}.top_p").AsDouble(),
            MaxTokens = cap > 0 ? Math.Min(cap, max) : max,
            RepetitionPenalty = param($"{group}.repetition_penalty").AsDouble(),
            Seed = reasoning ? param("eval.reasoning.seed").AsInt() : null,
        };
    }

    /// <summary>
    /// How a benchmark is found and shaped under these params. Only the keys that benchmark uses are read (a stage
    /// may read only what it declares): the mirror for the paper's files, the seeds of GPQA and MMLU-Pro for those.
    /// </summary>
    public static BenchmarkOptions Benchmarks(Func<string, ParamNode> param, string repoRoot, string benchmark, Action<string>? log = null)
    {
        var corpus = BenchmarkOptions.ParseCorpus(param("eval.corpus").AsString());
        var options = new BenchmarkOptions { RepoRoot = repoRoot, Corpus = corpus, Download = param("eval.download").AsBool(), Log = log };
        if (corpus == BenchmarkCorpus.Paper) options = options with { Mirror = param("collect.mirror").AsString() };
        if (benchmark == "gpqa_diamond") options = options with { GpqaSeed = (ulong)param("eval.gpqa_seed").AsInt() };
        if (benchmark == "mmlu_pro")
            options = options with { MmluProSample = (int)param("eval.mmlu_pro_sample").AsInt(), MmluProSeed = (ulong)param("eval.mmlu_pro_seed").AsInt() };
        return options;
    }

    /// <summary>The keys that shape a benchmark's items (the mirror only for the paper's files; seeds only where used).</summary>
    public static IEnumerable<string> BenchmarkKeys(EffectiveParams parameters, string benchmark)
    {
        yield return "eval.corpus";
        if (parameters.Get("eval.corpus").AsString() == "paper") yield return "collect.mirror";
        if (benchmark == "gpqa_diamond") yield return "eval.gpqa_seed";
        if (benchmark == "mmlu_pro") { yield return "eval.mmlu_pro_sample"; yield return "eval.mmlu_pro_seed"; }
    }
}
