using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Star1.Chat.Formats;
using Star1.Chat.Tokenization;
using Star1.Eval.Sandbox;
using Star1.Modeling;
using Star1.Modeling.Generation;
using static TorchSharp.torch;

namespace Star1.Bench;

/// <summary>
/// Evaluation's two costs on this machine: generation tokens/s of the TorchSharp generator on the tiny model, all the
/// demo evaluation prompts batched with the KV cache against one prompt at a time without it (what a naive loop
/// does), side by side in one run; and HumanEval items graded per second in the sandbox, one program at a time and
/// one per core, with the demo set's reference solutions (every item passes) repeated.
/// </summary>
internal static class EvalBench
{
    public static async Task<int> Run(string[] args)
    {
        int newTokens = ModelBench.Arg(args, "--new-tokens", 48), batch = ModelBench.Arg(args, "--batch", 8), repeat = ModelBench.Arg(args, "--repeat", 8);
        var root = FindRepoRoot();
        var prompts = Directory.GetFiles(Path.Combine(root, "data", "demo-eval"), "*.jsonl").Order(StringComparer.Ordinal)
            .SelectMany(File.ReadLines).Where(l => l.Trim().Length > 0)
            .Select(l => JsonDocument.Parse(l).RootElement).Where(e => e.TryGetProperty("prompt", out _) || e.TryGetProperty("problem", out _) || e.TryGetProperty("question", out _))
            .Select(e => (e.TryGetProperty("prompt", out var p) ? p : e.TryGetProperty("problem", out var q) ? q : e.GetProperty("question")).GetString()!)
            .ToList();

        using var tokenizer = EmbeddedTokenizer.Load();
        var template = new ChatTemplate(ChatFormats.Get(TinyModel.ChatFormat), tokenizer);
        var ids = prompts.Select(p => (IReadOnlyList<int>)template.EncodeGenerationPrompt([ChatMessage.User(p)])).ToList();
        using var model = TinyModel.Create(7, ScalarType.Float32, CPU);
        // No stop tokens: every row writes exactly newTokens, so both ways produce the same number of tokens.
        var options = new GenerationOptions { MaxNewTokens = newTokens, RepetitionPenalty = 1.2, PadTokenId = template.EndOfTurnId };
        var generator = new TokenGenerator(model);
        Console.WriteLine($"eval bench: tiny model ({get_num_threads()} torch threads), {ids.Count} demo prompts, {newTokens} new tokens each");

        generator.Generate(ids.Take(batch).ToList(), options);   // warm-up
        var clock = Stopwatch.StartNew();
        long batched = 0;
        foreach (var chunk in ids.Chunk(batch)) batched += generator.Generate(chunk, options).Sum(r => r.Tokens.Length);
        var batchedRate = batched / clock.Elapsed.TotalSeconds;

        clock.Restart();
        long single = 0;
        foreach (var prompt in ids) single += generator.Generate([prompt], options with { UseKvCache = false })[0].Tokens.Length;
        var singleRate = single / clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"generation: batched {batch} with KV cache {batchedRate:0} tokens/s; one at a time without it {singleRate:0} tokens/s; ratio {batchedRate / singleRate:0.00}"));

        if (!PythonSandbox.PythonAvailable)
        {
            Console.WriteLine("humaneval: skipped (python3 not found)");
            return 0;
        }
        var items = File.ReadLines(Path.Combine(root, "data", "demo-eval", "humaneval.jsonl")).Where(l => l.Trim().Length > 0)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => new HumanEvalItem(e.GetProperty("prompt").GetString()!, e.GetProperty("canonical_solution").GetString()!, e.GetProperty("test").GetString()!, e.GetProperty("entry_point").GetString()!))
            .ToList();
        var work = Enumerable.Repeat(items, repeat).SelectMany(x => x).ToList();
        foreach (var concurrency in new[] { 1, Environment.ProcessorCount })
        {
            clock.Restart();
            var grades = await HumanEvalGrader.GradeManyAsync(work, concurrency);
            var seconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"humaneval: {work.Count} items, {grades.Count(g => g.Passed)} passed, {concurrency} at a time: {work.Count / seconds:0.0} items/s"));
        }
        return 0;
    }

    internal static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "params.yaml"))) return dir.FullName;
        throw new InvalidOperationException("run the eval bench inside the repository (params.yaml not found above it)");
    }
}
