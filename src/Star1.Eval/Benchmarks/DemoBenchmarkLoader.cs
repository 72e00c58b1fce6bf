using System.Globalization;
using System.Text.Json;
using Star1.Data.Collect.Sources;

namespace Star1.Eval.Benchmarks;

/// <summary>
/// Reads the demo sets (<c>data/demo-eval/&lt;name&gt;.jsonl</c>, one JSON object per line) with Collect's
/// JSON reader. Each row carries the raw fields, and the prompt is built with the same wording as for the
/// paper's files, so the demo exercises the real prompts. Fields per kind:
/// safety and over-refusal <c>id, prompt, category?</c>; AIME and MATH <c>id, problem, answer</c>;
/// GPQA and MMLU-Pro <c>id, question, options[], answer (letter), category?</c>;
/// HumanEval <c>id, prompt (code), test, entry_point</c>.
/// A bad row fails naming the file and its line.
/// </summary>
internal static class DemoBenchmarkLoader
{
    public static IReadOnlyList<BenchmarkItem> Load(BenchmarkSpec bench, string repoRoot)
    {
        var path = Path.GetFullPath(Path.Combine(repoRoot, bench.DemoPath));
        if (!File.Exists(path))
            throw new FileNotFoundException($"demo set {bench.Name}: {bench.DemoPath} not found (expected at {path})", path);
        var file = new FileContext($"demo {bench.Name}", path, bench.DemoPath);
        using var source = new JsonRowSource(file, new RecordMapping());
        var items = new List<BenchmarkItem>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        int index = 0;
        foreach (var raw in source.Rows())
        {
            var row = new BenchmarkRow(raw, file, index++);
            if (row.Json("id") is null) throw row.Fail("expected an object with key 'id'");
            var item = Item(bench, row);
            if (item.Id.Length == 0) throw row.Fail("'id' is empty");
            if (!ids.Add(item.Id)) throw row.Fail($"id '{item.Id}' is used twice");
            items.Add(item);
        }
        if (items.Count == 0) throw file.Fail("", "has no rows");
        return items;
    }

    private static BenchmarkItem Item(BenchmarkSpec bench, BenchmarkRow row) => bench switch
    {
        { Kind: BenchmarkKind.Safety or BenchmarkKind.OverRefusal } =>
            new(row.Required("id"), NonEmpty(row, "prompt"), Category: row.Optional("category")),
        { Name: "aime2024" } => new(row.Required("id"), BenchmarkPrompts.Math(NonEmpty(row, "problem")), Integer(row)),
        { Name: "math500" } => new(row.Required("id"), BenchmarkPrompts.Math(NonEmpty(row, "problem")), NonEmpty(row, "answer"), Category: row.Optional("category")),
        { AnswerLetters: > 0 } => MultipleChoice(bench, row),
        { Name: "humaneval" } => new(row.Required("id"), BenchmarkPrompts.CodeCompletion(NonEmpty(row, "prompt")),
            Test: NonEmpty(row, "test"), EntryPoint: NonEmpty(row, "entry_point"), CodePrompt: NonEmpty(row, "prompt")),
        _ => throw new ArgumentException($"no demo layout for {bench.Name}", nameof(bench)),
    };

    private static BenchmarkItem MultipleChoice(BenchmarkSpec bench, BenchmarkRow row)
    {
        if (row.Json("options") is not { ValueKind: JsonValueKind.Array } array)
            throw row.Fail("key 'options' must be a list of strings");
        var options = array.EnumerateArray()
            .Select(o => o.ValueKind == JsonValueKind.String ? o.GetString()! : throw row.Fail("key 'options' must be a list of strings"))
            .ToList();
        if (options.Count < 2 || options.Count > bench.AnswerLetters)
            throw row.Fail($"{options.Count} options; {bench.Name} takes 2 to {bench.AnswerLetters}");
        var answer = row.Required("answer").Trim();
        if (answer.Length != 1 || answer[0] < 'A' || answer[0] >= 'A' + options.Count)
            throw row.Fail($"answer '{answer}' is not one of the option letters A-{BenchmarkPrompts.Letter(options.Count - 1)}");
        return new(row.Required("id"), BenchmarkPrompts.MultipleChoice(NonEmpty(row, "question"), options), answer, Category: row.Optional("category"));
    }

    private static string Integer(BenchmarkRow row)
    {
        var answer = row.Required("answer").Trim();
        return int.TryParse(answer, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
            ? answer
            : throw row.Fail($"answer '{answer}' is not an integer");
    }

    private static string NonEmpty(BenchmarkRow row, string key)
    {
        var value = row.Required(key);
        return string.IsNullOrWhiteSpace(value) ? throw row.Fail($"key '{key}' is empty") : value;
    }
}
