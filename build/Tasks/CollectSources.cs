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
        // Only the paper's sources live in the mirror: the demo corpus and user sources have their own paths,
        // so collect.mirror is not read (and not in the fingerprint) unless corpus is paper.
        var mirror = UsesMirror(corpus.AsString())
            ? Path.GetFullPath(Path.Combine(repoRoot, param("collect.mirror").AsString()))
            : repoRoot;
        return ([.. training, .. extra.Where(s => s.Role == SourceRole.Training)], [.. tests, .. extra.Where(s => s.Role == SourceRole.Test)], mirror);
    }

    /// <summary>Whether a corpus reads the mirror (and may download into it).</summary>
    public static bool UsesMirror(string corpus) => corpus == "paper";

    /// <summary>The collect.* keys each corpus reads: the mirror, the download switch and the sample only for the paper's.</summary>
    public static IEnumerable<string> KeysFor(EffectiveParams parameters) =>
        UsesMirror(parameters.Get("collect.corpus").AsString())
            ? ["collect.mirror", "collect.wildjailbreak_eval_sample", "collect.wildjailbreak_eval_seed"]
            : [];

    /// <summary>The WildJailbreak eval sample (seed 42, 250 rows in the paper) as params.yaml sets it.</summary>
    private static IReadOnlyList<SourceSpec> WithSample(IReadOnlyList<SourceSpec> tests, Func<string, ParamNode> param)
    {
        var count = param("collect.wildjailbreak_eval_sample");
        if (count.AsInt() <= 0) throw new ParamsException($"{count.Origin}: collect.wildjailbreak_eval_sample must be above 0");
        var sample = new SeededSample((ulong)param("collect.wildjailbreak_eval_seed").AsInt(), (int)count.AsInt());
        return [.. tests.Select(t => t.Sample is null ? t : t with { Sample = sample })];
    }

    /// <summary>The funnel's thresholds and sizes, checked here so a bad value stops the build naming its key and line.</summary>
    public static FunnelSettings FunnelSettings(Func<string, ParamNode> param)
    {
        double Threshold(string key)
        {
            var node = param(key);
            var value = node.AsDouble();
            // Above 0: the sparse index only visits pairs sharing a term, which is exact only for positive thresholds.
            return value is > 0 and <= 1 ? value : throw new ParamsException($"{node.Origin}: {key} must be above 0 and at most 1, is {value}");
        }
        int Count(string key, int min)
        {
            var node = param(key);
            var value = node.AsInt();
            return value >= min ? (int)value : throw new ParamsException($"{node.Origin}: {key} must be at least {min}, is {value}");
        }
        return new FunnelSettings
        {
            TestNgramN = Count("collect.test_ngram", 1),
            ReferenceTfidfThreshold = Threshold("collect.reference_tfidf_threshold"),
            SelfTfidfThreshold = Threshold("collect.self_tfidf_threshold"),
            SelfEmbeddingThreshold = Threshold("collect.self_embedding_threshold"),
            TestEmbeddingThreshold = Threshold("collect.test_embedding_threshold"),
            ExamplesPerStep = Count("collect.examples_per_step", 0),
        };
    }

    /// <summary>
    /// Stops when a collect.extra_sources file is not on disk, naming the params line and the path as written
    /// there. A user's file has no URL, so the generic "run with collect.download=true" advice would be wrong:
    /// the fix is the path in params.yaml or the file itself. All such entries are listed at once.
    /// </summary>
    public static void ThrowIfExtraSourceFilesMissing(Func<string, ParamNode> param, string repoRoot)
    {
        if (MissingExtraSourceFiles(param, repoRoot) is { } message) throw new ParamsException(message);
    }

    /// <summary>The message <see cref="ThrowIfExtraSourceFilesMissing"/> throws, or null when every file is there.</summary>
    public static string? MissingExtraSourceFiles(Func<string, ParamNode> param, string repoRoot)
    {
        var problems = new List<string>();
        foreach (var item in param("collect.extra_sources").Items)
        {
            // Malformed entries are reported by Resolve, with their own messages.
            if (item.Kind != ParamKind.Map || !item.Children.TryGetValue("path", out var path) || path.Kind == ParamKind.Null) continue;
            var declared = path.AsString();
            var full = Path.GetFullPath(Path.Combine(repoRoot, declared));
            if (File.Exists(full)) continue;
            var name = item.Children.TryGetValue("name", out var n) && n.IsScalar ? n.AsString() : "?";
            problems.Add($"{path.Origin}: collect.extra_sources entry '{name}' has path '{declared}', which does not exist (looked for {full})");
        }
        return problems.Count == 0 ? null : string.Join("\n", problems)
            + "\nThese are your own sources, which nothing can download: correct the path in params.yaml (relative to the repository root) or put the file there.";
    }

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
