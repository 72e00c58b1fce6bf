using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Star1.Modeling.Architectures;
using Star1.Modeling.Generation;
using static TorchSharp.torch;

namespace Star1.Bench;

/// <summary>
/// The model stack on this CPU: forward+backward tokens/s of a fixed small Qwen2-shaped configuration
/// (fp32, tied head, GQA), against the same configuration in PyTorch eager mode (bench/model_bench.py,
/// run as a child process when a python3 with torch is found) in the same run, as a ratio; then greedy
/// decode tokens/s with and without the KV cache.
/// </summary>
internal static class ModelBench
{
    // A small Qwen2: 4 layers, hidden 256, 8 heads over 2 key/value heads, 8k vocabulary (about 5.5M parameters).
    private static readonly JsonObject Config = new()
    {
        ["model_type"] = "qwen2", ["vocab_size"] = 8192, ["hidden_size"] = 256, ["intermediate_size"] = 704,
        ["num_hidden_layers"] = 4, ["num_attention_heads"] = 8, ["num_key_value_heads"] = 2,
        ["rms_norm_eps"] = 1e-6, ["rope_theta"] = 10000.0, ["max_position_embeddings"] = 4096,
        ["tie_word_embeddings"] = true, ["torch_dtype"] = "float32",
    };

    public static int Run(string[] args)
    {
        int batch = Arg(args, "--batch", 4), seq = Arg(args, "--seq", 256), warmup = Arg(args, "--warmup", 2), iters = Arg(args, "--iters", 8);
        int prompt = Arg(args, "--prompt", 64), newTokens = Arg(args, "--new-tokens", 128);
        if (Arg(args, "--threads", 0) is > 0 and var wanted) set_num_threads(wanted);
        int threads = get_num_threads();
        bool trainPart = !args.Contains("--decode-only");
        var config = ModelConfig.FromJson(Config);
        Console.WriteLine($"model bench: Qwen2-shaped, {config.NumHiddenLayers} layers, hidden {config.HiddenSize}, {config.NumAttentionHeads} heads / {config.NumKeyValueHeads} kv, vocab {config.VocabSize}, fp32, {threads} torch threads");
        Console.WriteLine($"forward+backward: batch {batch} x {seq} tokens, {warmup} warm-up + {iters} timed steps, best step counts");

        using var model = CausalLm.Create(config);
        model.InitializeWeights(0);
        Console.WriteLine($"parameters: {model.parameters().Sum(p => p.numel()) / 1e6:F2} M");
        if (trainPart) TrainingStep(model, config, batch, seq, warmup, iters, threads);
        Decode(model, config, prompt, newTokens);
        return 0;
    }

    private static void TrainingStep(CausalLm model, ModelConfig config, int batch, int seq, int warmup, int iters, int threads)
    {
        var ids = randint(0, config.VocabSize, [batch, seq], generator: new Generator(0));
        var times = new List<double>();
        for (int i = 0; i < warmup + iters; i++)
        {
            var watch = Stopwatch.StartNew();
            using (var scope = NewDisposeScope())
            {
                var logits = model.forward(ids);
                var loss = nn.functional.cross_entropy(
                    logits.narrow(1, 0, seq - 1).reshape(-1, config.VocabSize), ids.narrow(1, 1, seq - 1).reshape(-1));
                loss.backward();
            }
            model.zero_grad();
            if (i >= warmup) times.Add(watch.Elapsed.TotalSeconds);
        }
        double ours = batch * seq / times.Min();
        Console.WriteLine($"  TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version} (libtorch {TorchSharp.torch.__version__}): {ours,10:F0} tokens/s  (best {times.Min() * 1000:F0} ms, median {Median(times) * 1000:F0} ms)");

        var python = PythonEager(threads, batch, seq, warmup, iters);
        if (python is { } p)
        {
            Console.WriteLine($"  PyTorch {p.Version} eager (python3):   {p.TokensPerSecond,10:F0} tokens/s  (best {batch * seq / p.TokensPerSecond * 1000:F0} ms, {p.Threads} threads)");
            Console.WriteLine($"  ratio TorchSharp / PyTorch eager: {ours / p.TokensPerSecond:F2} (target >= 0.9)");
        }

    }

    private static void Decode(CausalLm model, ModelConfig config, int prompt, int newTokens)
    {
        Console.WriteLine($"decode: greedy, batch 1, prompt {prompt} tokens, {newTokens} new tokens");
        var promptIds = Enumerable.Range(0, prompt).Select(i => (i * 37 + 11) % config.VocabSize).ToArray();
        foreach (bool cache in new[] { true, false })
        {
            var generator = new TokenGenerator(model);
            var options = new GenerationOptions { MaxNewTokens = newTokens, UseKvCache = cache };
            generator.Generate([promptIds[..8]], options with { MaxNewTokens = 4 });   // warm-up
            var watch = Stopwatch.StartNew();
            var result = generator.Generate([promptIds], options);
            double seconds = watch.Elapsed.TotalSeconds;
            Console.WriteLine($"  {(cache ? "with KV cache   " : "without KV cache")}: {result[0].Tokens.Length / seconds,8:F1} tokens/s  ({seconds:F2} s)");
        }
    }

    private sealed record PythonResult(string Version, int Threads, double TokensPerSecond);

    /// <summary>Runs bench/model_bench.py with the first python3 that imports torch; null (and a line saying
    /// why) when there is none.</summary>
    private static PythonResult? PythonEager(int threads, int batch, int seq, int warmup, int iters)
    {
        var script = FindScript();
        if (script is null)
        {
            Console.WriteLine("  PyTorch eager: bench/model_bench.py not found; skipped");
            return null;
        }
        var candidates = new[] { Environment.GetEnvironmentVariable("STAR1_PYTHON"), "python3", "/usr/bin/python3" };
        foreach (var python in candidates.Where(c => !string.IsNullOrEmpty(c)).Distinct())
        {
            if (!ImportsTorch(python!)) continue;
            var info = new ProcessStartInfo(python!) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { script, Config.ToJsonString(), $"{threads}", $"{batch}", $"{seq}", $"{warmup}", $"{iters}" })
                info.ArgumentList.Add(a);
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEnd();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                Console.WriteLine($"  PyTorch eager: {python} {script} failed ({process.ExitCode}): {stderr.Trim()}");
                return null;
            }
            var json = JsonNode.Parse(stdout.Trim().Split('\n')[^1])!;
            return new PythonResult(json["torch"]!.GetValue<string>(), json["threads"]!.GetValue<int>(), json["tokens_per_s"]!.GetValue<double>());
        }
        Console.WriteLine("  PyTorch eager: no python3 with torch found (Debian: apt-get install python3-torch; or set STAR1_PYTHON); skipped");
        return null;
    }

    private static bool ImportsTorch(string python)
    {
        try
        {
            var info = new ProcessStartInfo(python, ["-c", "import torch"]) { RedirectStandardError = true, RedirectStandardOutput = true };
            using var process = Process.Start(info)!;
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;   // no such program
        }
    }

    private static string? FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "bench", "model_bench.py");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    internal static int Arg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
