using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Star1.Data.Collect.Funnel;
using Star1.Llm;

namespace Star1.Data.StandIns;

/// <summary>
/// STAND-IN for GPT-4o classifying a question (paper section 2.2), used by the offline default profile. It reads
/// the <c>&lt;question&gt;</c> block and the <c>- Name: definition</c> lines of the <c>&lt;categories&gt;</c>
/// block, and embeds them with all-MiniLM-L6-v2 (<see cref="ISentenceEmbedder"/>). A whole definition is a long
/// list of examples whose embedding matches short questions poorly, so each definition is cut into its clauses
/// (at commas, semicolons, colons, "or", "and", "such as"), each clause prefixed with the category's first
/// word ("Privacy: addresses"), and a category's similarity is the best cosine of the question to any of its
/// clauses. It answers every category at least <see cref="Threshold"/> and within <see cref="Margin"/> of the
/// best one; ["Other"] when even the best is under the threshold. The answer is a JSON list, bare or fenced (chosen by a
/// hash of the question), the way a model answers.
/// </summary>
internal sealed partial class StandInClassifier(ISentenceEmbedder embedder)
{
    /// <summary>Below this cosine to every definition, the question is "Other".</summary>
    public const float Threshold = 0.25f;

    /// <summary>Categories this close to the best one are answered too (multi-label).</summary>
    public const float Margin = 0.04f;

    [GeneratedRegex(@",|;|:| or | and | such as ")]
    private static partial Regex ClauseBreak();

    private readonly ConcurrentDictionary<string, float[][]> _definitions = new(StringComparer.Ordinal);

    public ChatAnswer Answer(string prompt)
    {
        var question = PromptBlocks.Get(prompt, "question", OfflineProvider.Classifier);
        var categories = PromptBlocks.Get(prompt, "categories", OfflineProvider.Classifier).Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.StartsWith("- ", StringComparison.Ordinal) && l.Contains(": ", StringComparison.Ordinal))
            .Select(l => (Name: l[2..l.IndexOf(": ", StringComparison.Ordinal)], Definition: l[(l.IndexOf(": ", StringComparison.Ordinal) + 2)..]))
            .ToList();
        if (categories.Count == 0)
            throw new StandInException($"stand-in {OfflineProvider.Classifier}: the <categories> block has no '- Name: definition' lines");

        var q = Unit(embedder.Embed([question])[0]);
        var sims = categories.Select(c => _definitions.GetOrAdd(c.Name + "\n" + c.Definition, _ => Clauses(c.Name, c.Definition)).Max(v => Dot(q, v))).ToArray();
        float best = sims.Max();
        var chosen = best < Threshold
            ? ["Other"]
            : categories.Where((_, i) => sims[i] >= Threshold && sims[i] >= best - Margin).Select(c => c.Name).ToList();
        var json = JsonSerializer.Serialize(chosen, StandInJson.Options);
        var content = StableHash.Of(question, "classify-format") % 3 == 0 ? $"```json\n{json}\n```" : json;
        return StandInJson.Answer(content, null, prompt);
    }

    private float[][] Clauses(string name, string definition)
    {
        var head = name.Split(" / ")[0];
        var clauses = ClauseBreak().Split(definition.TrimEnd('.')).Select(c => c.Trim()).Where(c => c.Length > 2).Select(c => $"{head}: {c}").ToList();
        if (clauses.Count == 0) clauses.Add($"{head}: {definition}");
        return [.. embedder.Embed(clauses).Select(Unit)];
    }

    private static float[] Unit(float[] v)
    {
        double norm = Math.Sqrt(v.Sum(x => (double)x * x));
        return norm == 0 ? v : [.. v.Select(x => (float)(x / norm))];
    }

    private static float Dot(float[] a, float[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return (float)s;
    }
}
