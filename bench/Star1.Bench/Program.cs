using Star1.Bench;
using Star1.Bench.Engine;

// Rerunnable benchmarks, one per name (see the README): dotnet run -c Release --project bench/Star1.Bench -- <name> [options]
return args.FirstOrDefault() switch
{
    "engine" => await EngineBench.Run(args[1..]),
    "engine-host" => await EngineBench.Host(args[1..]),
    "funnel" => FunnelBench.Run(args[1..]),
    "llm" => await LlmBench.Run(args[1..]),
    "llm-server" => await LlmBench.Server(args[1..]),
    "model" => ModelBench.Run(args[1..]),
    "eval" => await EvalBench.Run(args[1..]),
    "star1" => Star1RunBench.Run(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Star1.Bench <benchmark> [options]");
    Console.Error.WriteLine("  engine [--mib 1024] [--repeats 5]");
    Console.Error.WriteLine("         no-op re-run of a 20-stage graph with 1 GB of outputs, as a ratio to the host's bare start-up");
    Console.Error.WriteLine("  funnel [--sizes 10000,100000] [--dense-size 10000] [--tests 2500] [--repeat 3]");
    Console.Error.WriteLine("         decontamination funnel steps 1-4: sparse production code vs the original's dense matrices");
    Console.Error.WriteLine("  llm [--requests 5000] [--concurrency 64] [--latency-ms 200]");
    Console.Error.WriteLine("         LLM calling layer against a fake OpenAI-compatible server: throughput vs the concurrency bound, CPU per request, cached re-run");
    Console.Error.WriteLine("  model [--batch 4] [--seq 256] [--warmup 2] [--iters 8] [--prompt 64] [--new-tokens 128] [--threads N] [--decode-only]");
    Console.Error.WriteLine("         forward+backward tokens/s of a small Qwen2 vs PyTorch eager (python3-torch), decode tokens/s with and without the KV cache");
    Console.Error.WriteLine("  eval [--new-tokens 48] [--batch 8] [--repeat 8]");
    Console.Error.WriteLine("         generation tokens/s on the tiny model, batched with the KV cache vs one at a time without; HumanEval items graded/s");
    Console.Error.WriteLine("  star1");
    Console.Error.WriteLine("         ./build.sh --target Star1: from nothing serial vs side by side, pushing to and pulling from a remote cache (nginx), no-op; stage shares");
    return 2;
}
