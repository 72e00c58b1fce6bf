using Star1.Data.Collect;
using Star1.Data.Collect.Funnel;
using Star1.Data.Collect.Sources;
using Star1.Pipeline.Params;

namespace Star1.Build.Tasks;

/// <summary>Turns the collect.* params into source specs and funnel settings, with errors that name the params line.</summary>
public static class CollectSources
{
    public static (IReadOnlyList<SourceSpec> Training, IReadOnlyList<SourceSpec> Tests, string Mirror) Resolve(Func<string, ParamNode> param, string repoRoot)
    {
        var corpus = param("collect.corpus");
        var (training, tests) = corpus.AsString() switch
        {
            "demo" => (DemoCorpus.Training(repoRoot), DemoCorpus.Tests(repoRoot)),
            "paper" => (PaperSources.Training, WithSample(PaperSources.TestSets, param)),
            "none" => ([], []),
            var other => throw new ParamsException($"{corpus.Origin}: collect.corpus is '{other}'; expected demo, paper or none"),
        };
        var extra = param("collect.extra_sources").Items.Select(item => Custom(item, repoRoot)).ToList();
        var mirror = Path.GetFullPath(Path.Combine(repoRoot, param("collect.mirror").AsString()));
        return ([.. training, .. extra.Where(s => s.Role == SourceRole.Training)], [.. tests, .. extra.Where(s => s.Role == SourceRole.Test)], mirror);
    }

    /// <summary>The WildJailbreak eval sample (seed 42, 250 rows in the paper) as params.yaml sets it.</summary>
    private static IReadOnlyList<SourceSpec> WithSample(IReadOnlyList<SourceSpec> tests, Func<string, ParamNode> param)
    {
        var count = param("collect.wildjailbreak_eval_sample");
        if (count.AsInt() <= 0) throw new ParamsException($"{count.Origin}: collect.wildjailbreak_eval_sample must be above 0");
        var sample = new SeededSample((ulong)param("collect.wildjailbreak_eval_seed").AsInt(), (int)count.AsInt());
        return [.. tests.Select(t => t.Sample is null ? t : t with { Sample = sample })];
    }

    public static FunnelSettings FunnelSettings(Func<string, ParamNode> param) => new()
    {
        TestNgramN = (int)param("collect.test_ngram").AsInt(),
        ReferenceTfidfThreshold = param("collect.reference_tfidf_threshold").AsDouble(),
        SelfTfidfThreshold = param("collect.self_tfidf_threshold").AsDouble(),
        SelfEmbeddingThreshold = param("collect.self_embedding_threshold").AsDouble(),
        TestEmbeddingThreshold = param("collect.test_embedding_threshold").AsDouble(),
        ExamplesPerStep = (int)param("collect.examples_per_step").AsInt(),
    };

    /// <summary>One entry of collect.extra_sources: {name, path, format, question, category, filter, ngram, role}.</summary>
    private static SourceSpec Custom(ParamNode item, string repoRoot)
    {
        if (item.Kind != ParamKind.Map) throw new ParamsException($"{item.Origin}: each collect.extra_sources entry must be a group of keys (name, path, format, question, ...)");
        string[] known = ["name", "path", "format", "question", "category", "filter", "ngram", "role"];
        var unknown = item.Keys.FirstOrDefault(k => !known.Contains(k));
        if (unknown is not null) throw new ParamsException($"{item.Children[unknown].Origin}: collect.extra_sources has no key '{unknown}'; keys are: {string.Join(", ", known)}");
        string? Text(string key) => item.Children.TryGetValue(key, out var v) && v.Kind != ParamKind.Null ? v.AsString() : null;
        string Required(string key) => Text(key) ?? throw new ParamsException($"{item.Origin}: a collect.extra_sources entry needs '{key}'");
        var ngram = item.Children.TryGetValue("ngram", out var n) ? (int)n.AsInt() : 8;
        try
        {
            return new CustomSourceSpec(Required("name"), Required("path"), Required("format"), Text("question"), Text("category"), Text("filter"), ngram, Text("role") ?? "training")
                .ToSourceSpec(repoRoot);
        }
        catch (ArgumentException e)
        {
            throw new ParamsException($"{item.Origin}: {e.Message}");
        }
    }
}
