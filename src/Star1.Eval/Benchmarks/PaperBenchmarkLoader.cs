using System.Globalization;
using Star1.Data.Collect.Sampling;
using Star1.Data.Collect.Sources;

namespace Star1.Eval.Benchmarks;

/// <summary>
/// Reads the paper's benchmark files from the mirror (they must be there: see
/// <see cref="BenchmarkCatalog.MissingFiles"/>) and turns each row into a <see cref="BenchmarkItem"/>.
/// Ids are the dataset's own where it has one, else the set name and the row's position.
/// </summary>
internal static class PaperBenchmarkLoader
{
    public static IReadOnlyList<BenchmarkItem> Load(BenchmarkSpec bench, BenchmarkOptions options)
    {
        var spec = BenchmarkSources.For(bench.Name);
        var mirror = options.MirrorDir;
        return bench.Name switch
        {
            "strongreject" or "jbb" or "wildjailbreak" or "xstest" => FromCollect(bench.Name, spec, mirror),
            "wildchat" => WildChat(spec, mirror, options.Log),
            "aime2024" => [.. BenchmarkRows.Read(spec, mirror, "ID", "Problem", "Answer").Select(Aime)],
            "math500" => [.. BenchmarkRows.Read(spec, mirror).Select(Math500)],
            "gpqa_diamond" => [.. BenchmarkRows.Read(spec, mirror, Gpqa.Columns).Select(r => Gpqa.Item(r, options.GpqaSeed))],
            "humaneval" => [.. BenchmarkRows.Read(spec, mirror, "task_id", "prompt", "test", "entry_point").Select(HumanEval)],
            "mmlu_pro" => MmluPro(spec, mirror, options.MmluProSample, options.MmluProSeed),
            _ => throw new ArgumentException(BenchmarkCatalog.UnknownName(bench.Name), nameof(bench)),
        };
    }

    /// <summary>The sets Collect also reads go through Collect's loader: same filters, same seed-42 sample.</summary>
    private static IReadOnlyList<BenchmarkItem> FromCollect(string name, SourceSpec spec, string mirror) =>
        [.. SourceLoader.Load(spec, mirror).Questions.Select((q, i) =>
            new BenchmarkItem($"{name}-{i:D4}", q.Text, Category: q.Category))];

    private static BenchmarkItem Aime(BenchmarkRow row)
    {
        var answer = row.Required("Answer").Trim();
        if (!int.TryParse(answer, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            throw row.Fail($"the answer '{answer}' is not an integer");
        return new BenchmarkItem(row.Required("ID"), BenchmarkPrompts.Math(row.Required("Problem")), answer);
    }

    private static BenchmarkItem Math500(BenchmarkRow row) =>
        new(row.Optional("unique_id") ?? $"math500-{row.Index:D4}", BenchmarkPrompts.Math(row.Required("problem")),
            row.Required("answer"), Category: row.Optional("subject"));

    private static BenchmarkItem HumanEval(BenchmarkRow row) =>
        new(row.Required("task_id"), BenchmarkPrompts.CodeCompletion(row.Required("prompt")),
            Test: row.Required("test"), EntryPoint: row.Required("entry_point"), CodePrompt: row.Required("prompt"));

    private static class Gpqa
    {
        public static readonly string[] Columns = ["Question", "Correct Answer", "Incorrect Answer 1", "Incorrect Answer 2", "Incorrect Answer 3"];

        public static BenchmarkItem Item(BenchmarkRow row, ulong seed)
        {
            var (options, answer) = GpqaShuffle.Shuffle(row.Required("Correct Answer"),
                [row.Required("Incorrect Answer 1"), row.Required("Incorrect Answer 2"), row.Required("Incorrect Answer 3")], seed, row.Index);
            // "Record ID" and the domain are in the released CSV but not in DATA_SOURCES.md: used when present.
            return new BenchmarkItem(row.Optional("Record ID") ?? $"gpqa-{row.Index:D3}",
                BenchmarkPrompts.MultipleChoice(row.Required("Question"), options), answer,
                Category: row.Optional("High-level domain"));
        }
    }

    private static IReadOnlyList<BenchmarkItem> MmluPro(SourceSpec spec, string mirror, int sample, ulong seed)
    {
        var path = spec.FilePaths(mirror)[0];
        var display = BenchmarkRows.Display(spec, mirror);
        var options = NestedParquet.MmluProOptions(path, display);
        var items = new List<BenchmarkItem>();
        foreach (var row in BenchmarkRows.Read(spec, mirror, "question_id", "question", "answer", "category"))
        {
            if (row.Index >= options.Count) throw row.Fail($"the file has more rows than option lists ({options.Count})");
            var choices = options[row.Index];
            if (choices.Count is < 2 or > 10) throw row.Fail($"expected 2 to 10 options, found {choices.Count}");
            var answer = row.Required("answer").Trim();
            if (answer.Length != 1 || answer[0] < 'A' || answer[0] >= 'A' + choices.Count)
                throw row.Fail($"the answer '{answer}' is not one of the {choices.Count} option letters");
            items.Add(new BenchmarkItem(row.Required("question_id"), BenchmarkPrompts.MultipleChoice(row.Required("question"), choices),
                answer, Category: row.Optional("category")));
        }
        // A seeded subsample for quick runs; the kept items stay in file order so reports read naturally.
        if (sample <= 0 || sample >= items.Count) return items;
        var keep = NumpyPermutation.Permutation(seed, items.Count).Take(sample).Order().ToList();
        return [.. keep.Select(i => items[i])];
    }

    private static IReadOnlyList<BenchmarkItem> WildChat(SourceSpec spec, string mirror, Action<string>? log)
    {
        var candidates = new List<WildChatCandidate>();
        foreach (var path in spec.FilePaths(mirror))
        {
            var rows = NestedParquet.WildChat(path, spec.DisplayPath(path, mirror));
            for (int r = 0; r < rows.Count; r++)
            {
                var row = rows[r];
                // Toxic, English, single-turn, and flagged by moderation on that one user turn.
                if (row.Toxic != true || row.Language != "English" || row.Turn != 1) continue;
                if (row.Conversation is not [{ Role: "user", Content: { } text }, ..] || string.IsNullOrWhiteSpace(text)) continue;
                if (row.OpenAiModeration is not [{ Flagged: true, CategoryScores: { } scores }, ..]) continue;
                var id = row.ConversationHash ?? $"wildchat-{Path.GetFileNameWithoutExtension(path)}-{r}";
                candidates.Add(new WildChatCandidate(id, text, scores.ToDictionary()));
            }
        }
        var picked = WildChatSelection.Select(candidates);
        if (picked.Count < WildChatSelection.Cap)
            log?.Invoke($"WildChat: only {picked.Count} of {WildChatSelection.Cap} questions found ({candidates.Count} toxic English single-turn flagged conversations); "
                + "the public WildChat-1M no longer holds its toxic conversations, the paper used an earlier full copy");
        return picked;
    }
}
